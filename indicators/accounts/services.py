"""Sign-in rules: lockout with a cool-off, a per-address rate limit, and two-factor devices.

Counts live in Django's cache (Redis in production, so every web process shares
them) through surveys.services.ratelimit. A username locked by failures unlocks
by itself when its window ends: a cool-off, never a permanent lock.
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.permissions import is_staff_member
from indicators.accounts.ratelimit import rate_hit, rate_limited, rate_reset, rate_take
from indicators.audit.models import Action
from indicators.audit.services import audit_record

USER_SCOPE = "login-user"
ADDRESS_SCOPE = "login-address"
OTP_SCOPE = "login-otp"


def _username_key(username: str) -> str:
    return (username or "").strip().lower()


def login_allowed(*, username: str, address: str) -> str | None:
    """None when a sign-in attempt may go ahead, otherwise why not ("locked" or "rate")."""
    if not rate_take(scope=ADDRESS_SCOPE, who=address, rate=settings.ACCOUNTS_LOGIN_RATE):
        return "rate"
    if rate_limited(scope=USER_SCOPE, who=_username_key(username), rate=settings.ACCOUNTS_LOGIN_FAILURES):
        return "locked"
    return None


def login_failed(*, username: str) -> None:
    rate_hit(scope=USER_SCOPE, who=_username_key(username), rate=settings.ACCOUNTS_LOGIN_FAILURES)
    audit_record(action=Action.LOGIN_FAILED, object_type="auth.user", summary=_username_key(username)[:150])


def login_succeeded(*, user) -> None:
    rate_reset(scope=USER_SCOPE, who=_username_key(user.get_username()))
    audit_record(actor=user, action=Action.LOGIN, object_type="auth.user", object_id=user.pk)


def two_factor_required(user) -> bool:
    """Whether this user must pass a second factor before staff pages (the setting, and a staff role)."""
    if not settings.REBALANCE_REQUIRE_2FA or not user.is_authenticated:
        return False
    return is_staff_member(user) or user.is_staff


def totp_device_for_enrolment(*, user) -> TOTPDevice:
    """The user's unconfirmed TOTP device, made if there is none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def totp_has_device(*, user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_locked(*, user) -> bool:
    return rate_limited(scope=OTP_SCOPE, who=str(user.pk), rate=settings.ACCOUNTS_OTP_FAILURES)


def totp_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Check the first code from a new device; on success confirm it and verify the session."""
    if otp_locked(user=request.user) or not device.verify_token(token):
        rate_hit(scope=OTP_SCOPE, who=str(request.user.pk), rate=settings.ACCOUNTS_OTP_FAILURES)
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        audit_record(
            actor=request.user,
            action=Action.TWO_FACTOR,
            object_type="otp_totp.totpdevice",
            object_id=device.pk,
            summary="enrolled",
        )
    otp_login(request, device)
    return True


def totp_verify(*, request, token: str) -> bool:
    """Check a code against the user's confirmed devices; on success verify the session."""
    user = request.user
    if otp_locked(user=user):
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(token):
            rate_reset(scope=OTP_SCOPE, who=str(user.pk))
            otp_login(request, device)
            audit_record(
                actor=user,
                action=Action.TWO_FACTOR,
                object_type="otp_totp.totpdevice",
                object_id=device.pk,
                summary="verified",
            )
            return True
    rate_hit(scope=OTP_SCOPE, who=str(user.pk), rate=settings.ACCOUNTS_OTP_FAILURES)
    return False


def qr_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG data: URI (allowed by the CSP's img-src)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
