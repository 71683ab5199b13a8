from django.core.management.base import BaseCommand, CommandError

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from indicators.official.importing.boundaries import DEFAULT_TOLERANCE, KINDS, boundaries_import
from indicators.official.importing.files import ImportFileError


class Command(BaseCommand):
    help = (
        "Load small areas' outlines from an ONS boundary file (GeoJSON, generalised clipped; plain or .gz): "
        "LSOAs 2011 or 2021, MSOAs or wards. Areas Rebalance does not hold are counted, not created."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--kind", choices=list(KINDS), help="The kind of area in the file (found from its properties if left out)."
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help=f"How far, in degrees, a simplified outline may stray from the original (default {DEFAULT_TOLERANCE}, "
            "about 10 m; 0 keeps every point).",
        )

    def handle(self, *args, path: str, kind: str | None, tolerance: float, **options):
        try:
            result = boundaries_import(source=path, kind=kind, tolerance=tolerance)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        text = (
            f"{path} ({result.kind}): {result.features:,} areas read, {result.updated:,} outlines stored, "
            f"{result.centres_added:,} centres added."
        )
        if result.not_held:
            sample = ", ".join(result.not_held_sample)
            text += f" {result.not_held:,} area(s) we do not hold were left out (e.g. {sample})."
        audit_record(
            action=Action.IMPORT,
            object_type="indicators.smallarea",
            summary=f"Boundaries from {path} (command line)",
            detail={"kind": result.kind, "stored": result.updated, "not_held": result.not_held},
        )
        self.stdout.write(self.style.SUCCESS(text))
