from django.core.management.base import BaseCommand, CommandError

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.lookup import lookup_import


class Command(BaseCommand):
    help = (
        "Load the ONS LSOA 2011 to 2021 lookup: the case-study file in indicators/data or the national "
        "LSOA11_LSOA21_LAD22_EW_LU file (CSV or CSV.gz). Every row is checked first; a bad file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="indicators/data/lookup_lsoa11_lsoa21_case_study_LAs.csv")

    def handle(self, *args, path, **options):
        try:
            result = lookup_import(source=path)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        changes = ", ".join(f"{code} {n:,}" for code, n in sorted(result.by_change.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rows:,} lookup rows ({changes}): {result.created:,} added, {result.updated:,} updated, "
                f"{result.unchanged:,} unchanged."
            )
        )
