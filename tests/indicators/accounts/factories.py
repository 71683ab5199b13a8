"""Builders for API tokens, through the service, as a session that has passed the second factor."""

from __future__ import annotations

import functools

from django_otp.middleware import is_verified
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.accounts import services


def verified(user):
    """``user`` as django-otp's middleware leaves it after this session passed the second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    user.otp_device = device
    user.is_verified = functools.partial(is_verified, user)
    return user


def api_token(user, *, name: str = "Script", days: int | None = None) -> services.NewApiToken:
    return services.api_token_create(user=verified(user), name=name, days=days)
