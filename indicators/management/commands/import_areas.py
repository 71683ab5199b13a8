from django.core.management.base import BaseCommand, CommandError

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from indicators.official.importing.areas import KINDS, areas_import
from indicators.official.importing.boundaries import DEFAULT_TOLERANCE
from indicators.official.importing.files import ImportFileError


class Command(BaseCommand):
    help = (
        "Import areas of one kind (wards, LSOAs or MSOAs of 2011 or 2021, custom areas such as an estate) from a CSV "
        "with the code, name and authority columns named, or from an ONS GeoJSON with their outlines. Every row is "
        "checked first; a bad file changes nothing; the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=KINDS, help="The kind of area in the file.")
        parser.add_argument("--code-column", default="", help="Column (or GeoJSON property) with the area's code.")
        parser.add_argument("--name-column", default="", help="Column (or property) with the area's name.")
        parser.add_argument(
            "--authority-column", default="", help="Column (or property) with its local authority's code (E08…)."
        )
        parser.add_argument(
            "--members-column",
            default="",
            help="Custom areas: a column listing each one's LSOA codes (separated by spaces or semicolons). Without "
            "it, a custom area's LSOAs are those whose centres lie inside its outline.",
        )
        parser.add_argument(
            "--member-kind", choices=["lsoa11", "lsoa21"], help="Custom areas: which LSOAs (default: either)."
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help=f"GeoJSON: how far, in degrees, a simplified outline may stray (default {DEFAULT_TOLERANCE}).",
        )

    def handle(self, *args, path, kind, **opts):
        try:
            result = areas_import(
                source=path,
                kind=kind,
                code_column=opts["code_column"],
                name_column=opts["name_column"],
                authority_column=opts["authority_column"],
                members_column=opts["members_column"],
                member_kind=opts["member_kind"],
                tolerance=opts["tolerance"],
            )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from exc
        audit_record(
            action=Action.IMPORT,
            object_type="indicators.smallarea",
            summary=f"Areas ({kind}) from {path} (command line)",
            detail={"kind": kind, "created": result.created, "updated": result.updated, "rows": result.rows},
        )
        self.stdout.write(self.style.SUCCESS(f"{path}: {result.summary()}"))
