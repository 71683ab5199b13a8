from django.core.management.base import BaseCommand

from surveys.services.retention import waves_unlink_closed


class Command(BaseCommand):
    help = "Cut responses loose from their invitation codes in every wave that has closed. Safe to run again."

    def handle(self, *args, **options):
        done = waves_unlink_closed()
        if not done:
            self.stdout.write("No closed wave had linked responses.")
        for wave_id, count in done.items():
            self.stdout.write(f"Wave {wave_id}: {count} responses unlinked.")
