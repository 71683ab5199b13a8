from django.core.management.base import BaseCommand

from surveys.models import BankItem
from surveys.services.default_questionnaire import default_questionnaire_load


class Command(BaseCommand):
    help = (
        "Load the default questionnaire (every factor, validated items where they exist) and its items into the "
        "question bank. Safe to run again."
    )

    def handle(self, *args, **options):
        version = default_questionnaire_load()
        shared = BankItem.objects.filter(owner__isnull=True).count()
        self.stdout.write(
            self.style.SUCCESS(f"{version}: {version.questions.count()} questions; {shared} in the question bank.")
        )
