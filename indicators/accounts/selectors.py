"""Reads for the accounts area."""

from __future__ import annotations

from django.utils import timezone

from indicators.accounts.models import ApiToken


def api_tokens_for_page(*, user) -> list[dict]:
    """The user's tokens, newest first, each with its state in words ("active", "expired", "revoked")."""
    now = timezone.now()
    rows = []
    for token in ApiToken.objects.of(user):
        if token.revoked_at is not None:
            state = "revoked"
        elif token.expires_at <= now:
            state = "expired"
        else:
            state = "active"
        rows.append({"token": token, "state": state})
    return rows


def api_tokens_of(*, user):
    return ApiToken.objects.of(user)
