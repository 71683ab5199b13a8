"""Revoke every API token of a user, for example when they leave: ``manage.py revoke_api_tokens USERNAME``."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.accounts.services import api_tokens_revoke_all


class Command(BaseCommand):
    help = "Revoke every API token of the named user (audited). Their rows stay, marked revoked."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        model = get_user_model()
        try:
            user = model.objects.get(**{model.USERNAME_FIELD: username})
        except model.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        revoked = api_tokens_revoke_all(user=user)
        self.stdout.write(f"{revoked} API token(s) of {username} revoked.")
