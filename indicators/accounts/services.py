"""Sign-in rules: lockout with a cool-off, a per-address rate limit, two-factor devices, and API tokens.

Counts live in Django's cache (Redis in production, so every web process shares
them) through surveys.services.ratelimit. A username locked by failures unlocks
by itself when its window ends: a cool-off, never a permanent lock.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.permissions import is_staff_member
from indicators.accounts.models import ApiToken
from indicators.accounts.ratelimit import parse_rate, rate_hit, rate_limited, rate_reset, rate_take
from indicators.audit.models import Action
from indicators.audit.services import audit_record
from indicators.core.text import is_storable

USER_SCOPE = "login-user"
ADDRESS_SCOPE = "login-address"
OTP_SCOPE = "login-otp"
API_FAILURE_SCOPE = "api-token-address"


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
    audit_record(actor=user, action=Action.TWO_FACTOR_FAILED, object_type="otp_totp.totpdevice", summary="wrong code")
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


# --- API tokens ------------------------------------------------------------------------------------------------
# A token is as strong as a password and a second factor together, so only a session that has just passed the
# second factor may make one. The secret is "rb_" + a random prefix + "_" + 256 random bits; only its SHA-256 is
# kept.
AUDITED_AS = "accounts.apitoken"
NEEDS_DEVICE = "Set up two-factor authentication before you create an API token."
NEEDS_VERIFIED = "Enter a code from your authenticator app before you create an API token."


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_refusal(*, user) -> str | None:
    """Why ``user`` may not create a token now (in plain words), or None. ``user`` is the request's user: django-otp
    marks it verified only when this session passed the second factor."""
    if not totp_has_device(user=user):
        return NEEDS_DEVICE
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None or not is_verified():
        return NEEDS_VERIFIED
    return None


def api_token_lifetimes() -> list[int]:
    """The lifetimes, in days, a person may pick: the setting's and the usual shorter ones."""
    longest = settings.ACCOUNTS_API_TOKEN_DAYS
    return sorted({days for days in (7, 30, longest) if days <= longest})


def api_token_create(*, user, name: str, days: int | None = None) -> NewApiToken:
    """Make a token for ``user`` (the request's user, second factor verified in this session), audited."""
    refusal = api_token_refusal(user=user)
    if refusal:
        raise PermissionDenied(refusal)
    name = (name or "").strip()
    if not name or len(name) > 100 or not is_storable(name):
        raise ValidationError({"name": "Give the token a name of 1 to 100 characters, without hidden characters."})
    days = settings.ACCOUNTS_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.ACCOUNTS_API_TOKEN_DAYS:
        raise ValidationError({"days": f"A token lasts between 1 and {settings.ACCOUNTS_API_TOKEN_DAYS} days."})
    prefix = secrets.token_hex(4)
    secret = f"rb_{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=api_token_digest(secret),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit_record(
            actor=user,
            action=Action.ADD,
            object_type=AUDITED_AS,
            object_id=token.pk,
            summary=f"created {name} ({prefix})"[:300],
            detail={"prefix": prefix, "expires_at": token.expires_at.isoformat(), "days": days},
        )
    return NewApiToken(token=token, secret=secret)


def _revoke(tokens, *, actor, reason: str) -> int:
    now = timezone.now()
    revoked = 0
    with transaction.atomic():
        for token in tokens.filter(revoked_at__isnull=True).select_related("user").select_for_update(of=("self",)):
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action=Action.CHANGE,
                object_type=AUDITED_AS,
                object_id=token.pk,
                summary=f"revoked {token.name} ({token.prefix}) of {token.user.get_username()}"[:300],
                detail={"prefix": token.prefix, "user_id": token.user_id, "reason": reason},
            )
            revoked += 1
    return revoked


def api_token_revoke(*, user, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens; False when it is not theirs or was already revoked."""
    return _revoke(ApiToken.objects.of(user).filter(pk=token_id), actor=user, reason="by its owner") == 1


def api_tokens_revoke_all(*, user, actor=None) -> int:
    """Revoke every token of ``user`` (an admin's command, when someone leaves); returns how many."""
    return _revoke(ApiToken.objects.of(user), actor=actor, reason="all of the user's tokens, by an admin")


def api_tokens_revoke_selected(*, token_ids: list[int], actor) -> int:
    """Revoke these tokens, whoever owns them (an admin in the admin); returns how many were still live."""
    return _revoke(ApiToken.objects.filter(pk__in=token_ids), actor=actor, reason="by an admin")


class ApiTokenRefusedError(Exception):
    """A token that does not open the API; ``reason`` is said to the caller."""

    def __init__(self, reason: str, *, retry_after: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def api_token_authenticate(*, secret: str, address: str) -> ApiToken:
    """The usable token with this secret, its "last used" time brought up to date; raises ApiTokenRefusedError.

    Wrong, expired and revoked secrets count against the client address like failed sign-ins; once the
    address has used up ACCOUNTS_API_TOKEN_FAILURES every token it sends is refused until the window ends,
    a right one too, or a guesser could still tell right from wrong. A success counts nothing.
    """
    rate = settings.ACCOUNTS_API_TOKEN_FAILURES
    if rate_limited(scope=API_FAILURE_SCOPE, who=address, rate=rate):
        raise ApiTokenRefusedError("Too many failed token attempts from this address.", retry_after=parse_rate(rate)[1])
    token = (
        ApiToken.objects.select_related("user").filter(digest=api_token_digest(secret)).first()
        if secret.isascii()
        else None
    )
    now = timezone.now()
    reason = None
    if token is None or not token.user.is_active:
        reason = "Invalid token."
    elif token.revoked_at is not None:
        reason = "This token has been revoked."
    elif token.expires_at <= now:
        reason = "This token has expired."
    if reason:
        rate_hit(scope=API_FAILURE_SCOPE, who=address, rate=rate)
        raise ApiTokenRefusedError(reason)
    _touch(token, now=now)
    return token


def _touch(token: ApiToken, *, now) -> None:
    """Write "last used" at most once per ACCOUNTS_API_TOKEN_TOUCH_SECONDS: a read stays a read in between, and
    of two requests at once only one writes."""
    stale = now - dt.timedelta(seconds=settings.ACCOUNTS_API_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is not None and token.last_used_at > stale:
        return
    written = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale))
        .update(last_used_at=now)
    )
    if written:
        token.last_used_at = now
