from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.models import SurveyVersion
from surveys.services.xlsform import XLSFormError, xlsform_export, xlsform_import


class Command(BaseCommand):
    help = (
        "A questionnaire version out as an XLSForm workbook (export VERSION_ID FILE), or a workbook in as a new "
        "version (import FILE [--name NAME] [--slug SLUG]): of the survey with that slug (or the form's form_id) "
        "if there is one, else of a new survey. A workbook with any row that cannot be mapped is refused whole."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write a version as an XLSForm .xlsx.")
        export.add_argument("version_id", type=int)
        export.add_argument("file", type=Path)
        imp = sub.add_parser("import", help="Read an XLSForm .xlsx into a new questionnaire version.")
        imp.add_argument("file", type=Path)
        imp.add_argument("--name", default="", help="The survey's name when a new survey is made (else form_title).")
        imp.add_argument("--slug", default="", help="The survey to add a version to, or to make (else form_id).")

    def handle(self, *args, **options):
        if options["action"] == "export":
            try:
                version = SurveyVersion.objects.select_related("survey").get(pk=options["version_id"])
            except SurveyVersion.DoesNotExist:
                raise CommandError(f"No questionnaire version has id {options['version_id']}.") from None
            options["file"].write_bytes(xlsform_export(version=version))
            self.stdout.write(
                self.style.SUCCESS(f"{version}: {version.questions.count()} questions → {options['file']}")
            )
            return
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror}).") from None
        try:
            version = xlsform_import(data=data, filename=path.name, name=options["name"], slug=options["slug"])
        except XLSFormError as exc:
            lines = "\n".join(f"  {p}" for p in exc.problems)
            raise CommandError(f"{path.name} was not imported, and nothing was created:\n{lines}") from None
        self.stdout.write(
            self.style.SUCCESS(f"{version} (id {version.pk}): {version.questions.count()} questions from {path.name}.")
        )
