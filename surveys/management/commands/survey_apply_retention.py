from django.core.management.base import BaseCommand

from surveys.services.retention_policy import retention_apply


class Command(BaseCommand):
    help = "Delete or anonymise what is past its retention period (free text, invitations, responses, audit)."

    def handle(self, *args, **options):
        done = retention_apply()
        for what, count in done.items():
            self.stdout.write(f"{what.replace('_', ' ')}: {count}")
