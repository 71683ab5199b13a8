import getpass

from django.core.management.base import BaseCommand, CommandError

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from indicators.engine.services.population import population_refresh
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.population import LAYOUTS, population_import


class Command(BaseCommand):
    help = (
        "Load residents by sex and single year of age per LSOA, from ONS mid-year population estimates (F0 … F90, "
        "M0 … M90; the 'Mid-2022 LSOA 2021' sheet saved as CSV) or a Census 2021 table of sex by single year of "
        "age by LSOA in long form (CSV or CSV.gz). Every row is checked first; a bad file changes nothing. Then "
        "each neighbourhood whose areas all have a profile gets its residents in the survey's age bands, and the "
        "waves there are refigured, so that weighted estimates use them."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--layout", choices=LAYOUTS, default="", help="The file's layout (default: from its header)."
        )
        parser.add_argument(
            "--source", default="", help="What to call the source on each row (default: from the file)."
        )
        parser.add_argument(
            "--no-refigure", action="store_true", help="Load the profiles only; leave the engine's figures as they are."
        )

    def handle(self, *args, path, layout, source, no_refigure, **options):
        try:
            result = population_import(source=path, layout=layout, label=source)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        text = (
            f"{path} ({result.layout}): {result.rows:,} rows, {result.areas:,} LSOAs: {result.added:,} added, "
            f"{result.replaced:,} replaced, {result.unchanged:,} unchanged; {result.people:,} residents."
        )
        if result.totals_skipped:
            text += f" {result.totals_skipped:,} rows of totals passed over."
        if result.unknown:
            sample = ", ".join(result.unknown[:5])
            text += f" {len(result.unknown):,} LSOA code(s) we do not hold were skipped (e.g. {sample})."
        self.stdout.write(self.style.SUCCESS(text))
        audit_record(
            action=Action.IMPORT,
            object_type="indicators.areapopulation",
            summary=f"{path} (command line)"[:300],
            detail={
                "via": "manage.py",
                "os_user": getpass.getuser(),
                "added": result.added,
                "replaced": result.replaced,
            },
        )
        refreshed = population_refresh(refigure=not no_refigure)
        self.stdout.write(
            f"Neighbourhoods: {refreshed.neighbourhoods:,} given new weights, {refreshed.unchanged:,} unchanged, "
            f"{len(refreshed.without):,} with an LSOA that has no profile (not weighted); "
            f"{refreshed.waves:,} wave(s) refigured."
        )
