import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.alerts.services import send_due


class Command(BaseCommand):
    help = (
        "Send this week's digest to every officer and estate manager who has not had it yet and has something to "
        "hear about (nothing is sent to anyone with nothing to say). --dry-run prints the e-mails instead and "
        "records nothing; --user sends (or prints) one person's."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print the digests; send and record nothing.")
        parser.add_argument("--user", default="", metavar="USERNAME", help="Only this person's digest.")
        parser.add_argument(
            "--at",
            default="",
            metavar="WHEN",
            help="As if run at this time, e.g. 2026-12-07 or 2026-12-07T07:00 (a missed week): the digest of its week.",
        )

    def handle(self, *args, dry_run: bool, user: str, at: str, **options):
        now = None
        if at:
            try:
                now = dt.datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: {at!r} is not a date or time such as 2026-12-07T07:00.") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        if user and not get_user_model().objects.filter(username=user).exists():
            raise CommandError(f"--user: no account is called {user!r}.")
        outcome = send_due(now=now, digests=True, urgent=False, username=user, dry_run=dry_run)["digest"]
        if user and not (outcome.sent or outcome.quiet or outcome.already or outcome.failed or outcome.previews):
            raise CommandError(
                f"--user: {user!r} gets no digest: only active officers and estate managers with an e-mail address "
                "who have the weekly digest switched on do."
            )
        for preview in outcome.previews:
            self.stdout.write(preview)
            self.stdout.write("-" * 72)
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(
            f"Digests {verb}: {len(outcome.previews) if dry_run else len(outcome.sent)}; nothing to say: "
            f"{len(outcome.quiet)}; already sent this week: {len(outcome.already)}; failed: {len(outcome.failed)}."
        )
        if outcome.failed:
            raise CommandError(f"Sending failed for: {', '.join(outcome.failed)}. Run again to retry them.")
