from django.conf import settings
from django.core.management.base import BaseCommand

from indicators.demo.official import seed_official
from indicators.demo.places import DEMO_PASSWORD, seed_places
from indicators.engine.services.refresh import recompute_all
from surveys.services.demo import seed_surveys


class Command(BaseCommand):
    help = (
        "Build demo data: the report's case-study areas from the real IoD2019 file, with neighbourhoods, "
        "matched pairs and one user per role, then synthetic survey waves and official figures, and the "
        "monitoring figures made from them. Safe to run again."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG and "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
            self.stdout.write(
                self.style.WARNING("Seeding demo users with a published password into a server database.")
            )
        logins = seed_places()
        for imp in seed_official():
            self.stdout.write(f"Official figures ({imp.source}): {imp.file_name}, {imp.get_status_display().lower()}.")
        demo_survey = seed_surveys()
        # The seeders hand nothing to the engine one by one; the figures are made once, here.
        run = recompute_all(compare=False)
        self.stdout.write(f"Monitoring figures computed: {run.rows_written:,} rows.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/accounts/login/ as:"))
        for login in logins:
            self.stdout.write(
                f"  {login.username:<20} password {DEMO_PASSWORD:<16} {login.role:<15} sees {login.looks_after}"
            )
        self.stdout.write(
            f"Survey: {demo_survey.wave.name} (every response in it is made up). "
            "Try the resident pages at http://127.0.0.1:8000/survey/ with a code:"
        )
        for neighbourhood, code in demo_survey.codes[:6]:
            self.stdout.write(f"  {code}  {neighbourhood}")
