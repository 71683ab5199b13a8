from django.core.management.base import BaseCommand, CommandError

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.imd import imd_import
from indicators.places.deprivation import deprived_set, load_outcome


class Command(BaseCommand):
    help = (
        "Load an English Indices of Deprivation file (IoD2019 File 1 or 7, IoD2025 File 7; CSV or CSV.gz), and say "
        "whether it changed which LSOAs count as deprived."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="Accept a file that holds only some of England's LSOAs. It never changes the deprived set in force.",
        )

    def handle(self, *args, path: str, partial: bool, **options):
        before = deprived_set()
        try:
            result = imd_import(source=path, partial=partial)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.edition} {result.file_kind}: {result.rows:,} LSOAs read, {result.created:,} added, "
                f"{result.updated:,} updated, {result.unchanged:,} unchanged."
            )
        )
        if result.domains:
            self.stdout.write(
                f"Domains stored: {', '.join(result.domains)} ({result.domain_figures_changed:,} figures added or "
                "changed)."
            )
        self.stdout.write(load_outcome(before=before, after=deprived_set(), edition=result.edition, partial=partial))
