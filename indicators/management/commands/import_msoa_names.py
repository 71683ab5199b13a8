from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.msoa_names import msoa_names_read, neighbourhoods_name
from indicators.places.models import Neighbourhood

# The names of the seven case-study authorities' MSOAs, shipped so that the project runs on its own.
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "msoa_names_case_study_LAs.csv.gz"


class Command(BaseCommand):
    help = (
        "Name neighbourhoods from the House of Commons Library MSOA names: every neighbourhood whose small areas "
        "all lie in one MSOA gets that MSOA's name (e.g. Swarcliffe for Leeds 041) as the name people use. Reads "
        "the case-study file in indicators/data, a national geo-lookups file, or the Library's own CSV (CSV or "
        "CSV.gz). A name already set is kept unless --overwrite. A bad file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SHIPPED))
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace names already set (by an admin or an earlier file)."
        )
        parser.add_argument(
            "--local-authority", metavar="CODE", help="Only the neighbourhoods of this local authority (GSS code)."
        )

    def handle(self, *args, path, overwrite, local_authority, **options):
        try:
            names = msoa_names_read(source=path)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        neighbourhoods = Neighbourhood.objects.all()
        if local_authority:
            neighbourhoods = neighbourhoods.in_local_authority(local_authority)
        result = neighbourhoods_name(names=names, neighbourhoods=neighbourhoods, overwrite=overwrite)
        self.stdout.write(
            self.style.SUCCESS(
                f"{names.rows:,} MSOAs read ({names.layout}). Neighbourhoods: {len(result.named):,} named, "
                f"{len(result.unchanged):,} already had that name, {len(result.kept):,} kept the name set before, "
                f"{len(result.not_one_msoa):,} not within one MSOA of the file."
            )
        )
        if result.kept:
            self.stdout.write(f"Kept (use --overwrite to replace): {self._sample(result.kept)}")
        if result.not_one_msoa and options["verbosity"] > 1:
            self.stdout.write(f"Not within one MSOA: {self._sample(result.not_one_msoa)}")

    @staticmethod
    def _sample(names: list[str], limit: int = 10) -> str:
        more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
        return ", ".join(names[:limit]) + more
