from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from indicators.demo.alerts import seed_alerts
from indicators.demo.area_imports import seed_area_imports
from indicators.demo.boundaries import seed_boundaries, seed_wards
from indicators.demo.interventions import seed_interventions
from indicators.demo.official import seed_official
from indicators.demo.places import DEMO_PASSWORD, seed_places
from indicators.demo.reach import seed_reach
from indicators.engine.services.refresh import recompute_all
from surveys.services.demo import demo_codes_for, seed_surveys
from surveys.services.demo_bank import seed_question_bank
from surveys.services.demo_editor import seed_questionnaire_editor


class Command(BaseCommand):
    help = (
        "Build demo data: the report's case-study areas from the real IoD2019 file and ONS outlines, with "
        "neighbourhoods, matched pairs and one user per role, then synthetic survey waves and official figures, "
        "and the monitoring figures made from them. Safe to run again."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG and "sqlite" not in settings.DATABASES["default"]["ENGINE"]:
            self.stdout.write(
                self.style.WARNING("Seeding demo users with a published password into a server database.")
            )
        logins = seed_places()
        seed_boundaries()  # the small areas' outlines, for the maps
        wards = seed_wards()
        self.stdout.write(f"Wards: {sum(w.rows for w in wards):,} in {len(wards)} authorities, with outlines.")
        for imp in seed_area_imports():
            self.stdout.write(f"Areas uploaded (synthetic): {imp.file_name}, {imp.get_status_display().lower()}.")
        for imp in seed_official():
            self.stdout.write(f"Official figures ({imp.source}): {imp.file_name}, {imp.get_status_display().lower()}.")
        demo_survey = seed_surveys()
        self.stdout.write(seed_question_bank())
        self.stdout.write(seed_questionnaire_editor())
        self.stdout.write(f"Interventions recorded (synthetic): {len(seed_interventions())}.")
        self.stdout.write(seed_reach())
        # The seeders hand nothing to the engine one by one; the figures are made once, here.
        run = recompute_all(compare=False)
        self.stdout.write(f"Monitoring figures computed: {run.rows_written:,} rows.")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/accounts/login/ as:"))
        for login in logins:
            self.stdout.write(
                f"  {login.username:<20} password {DEMO_PASSWORD:<16} {login.role:<15} sees {login.looks_after}"
            )
        self._codes(logins, demo_survey.wave)
        self.stdout.write(
            f"Weekly digest (printed here, not sent): manage.py send_digests --dry-run --user {seed_alerts()}"
        )

    def _codes(self, logins, wave) -> None:
        self.stdout.write(
            f"Survey wave open now: {wave.name}, every response in it made up. "
            "Each of these links opens a resident's survey with an unused code (one use each):"
        )
        users = get_user_model().objects.in_bulk([login.username for login in logins], field_name="username")
        handed_out: set[str] = set()  # a code printed for one login is not printed again for another
        for login in logins:
            self.stdout.write(f"  as {login.username}:")
            codes = demo_codes_for(users[login.username], wave=wave, skip=frozenset(handed_out))
            handed_out |= {code.code for code in codes}
            for code in codes:
                self.stdout.write(f"    {code.url}  {code.neighbourhood}, {code.neighbourhood.local_authority}")
            if not codes:
                self.stdout.write("    (no unused codes left in this wave for the places this user sees)")
