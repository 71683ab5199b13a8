from django.core.management.base import BaseCommand

from surveys.services.default_questionnaire import default_questionnaire_load


class Command(BaseCommand):
    help = "Load the default questionnaire (every factor, validated items where they exist). Safe to run again."

    def handle(self, *args, **options):
        version = default_questionnaire_load()
        self.stdout.write(self.style.SUCCESS(f"{version}: {version.questions.count()} questions."))
