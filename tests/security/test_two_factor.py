"""Two-factor authentication (TOTP) for officers, estate managers and admins."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.models import Role
from indicators.audit.models import Action, AuditEntry
from tests.factories import staff

GOOD = "correct-horse-battery"
pytestmark = pytest.mark.django_db
HOME = reverse("indicators:my-neighbourhoods")


@pytest.fixture
def required(settings):
    settings.REBALANCE_REQUIRE_2FA = True


def _code(device: TOTPDevice, *, drift: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def _sign_in(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": GOOD})


def _enrol(client, user) -> TOTPDevice:
    page = client.get(reverse("two-factor-enrol"))
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("two-factor-enrol"), {"token": _code(device), "next": HOME})
    assert response.status_code == 302
    assert response.url == HOME
    device.refresh_from_db()
    return device


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ESTATE_MANAGER, Role.ADMIN])
def test_staff_must_enrol_then_reach_their_pages(client, required, role):
    user = staff(role)
    response = _sign_in(client, user)
    assert response.url.startswith(reverse("two-factor-enrol"))
    # Until then every staff page, the admin and the API are closed.
    for path in (HOME, "/survey/manage/", "/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.url.startswith(reverse("two-factor-enrol")), path
    assert client.get("/api/v1/neighbourhoods/").status_code == 403
    device = _enrol(client, user)
    assert device.confirmed
    assert client.get(HOME).status_code == 200
    assert client.get("/api/v1/neighbourhoods/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.TWO_FACTOR, actor_id=user.pk, summary="enrolled").exists()


def test_a_returning_user_is_asked_for_a_code(client, required, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own back-off after a wrong code, tested elsewhere
    user = staff(Role.OFFICER)
    _sign_in(client, user)
    device = _enrol(client, user)
    client.logout()
    response = _sign_in(client, user)
    assert response.url.startswith(reverse("two-factor"))
    # Enrolling another device without the first is not allowed.
    assert client.get(reverse("two-factor-enrol")).url.startswith(reverse("two-factor"))
    wrong = client.post(reverse("two-factor"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert b"That code is not right" in wrong.content
    assert client.get(HOME).status_code == 302
    ok = client.post(reverse("two-factor"), {"token": _code(device, drift=1), "next": HOME})
    assert ok.status_code == 302
    assert ok.url == HOME
    assert client.get(HOME).status_code == 200


def test_wrong_codes_lock_the_second_step(client, required, settings):
    settings.ACCOUNTS_OTP_FAILURES = "3/60"
    user = staff(Role.OFFICER)
    _sign_in(client, user)
    device = _enrol(client, user)
    client.logout()
    _sign_in(client, user)
    for _ in range(3):
        client.post(reverse("two-factor"), {"token": "999999" if _code(device) != "999999" else "888888"})
    locked = client.post(reverse("two-factor"), {"token": _code(device)})
    assert b"Too many wrong codes" in locked.content
    assert client.get(HOME).status_code == 302


def test_an_offsite_next_is_ignored(client, required):
    user = staff(Role.OFFICER)
    _sign_in(client, user)
    device = TOTPDevice.objects.create(user=user, confirmed=True, name="phone")
    response = client.post(reverse("two-factor"), {"token": _code(device), "next": "https://evil.example/"})
    assert response.url == HOME


def test_residents_are_never_asked(client, required):
    assert client.get(reverse("surveys:start")).status_code == 200


def test_off_for_the_demo_staff_go_straight_in(client, settings):
    settings.REBALANCE_REQUIRE_2FA = False
    user = staff(Role.OFFICER)
    response = _sign_in(client, user)
    assert response.url == HOME
    assert client.get(HOME).status_code == 200


def test_a_request_without_a_session_never_loads_a_user(rf, required):
    from django.http import HttpResponse
    from django.utils.functional import SimpleLazyObject

    from indicators.accounts.middleware import RequireTwoFactorMiddleware

    request = rf.post("/api/v1/responses/")
    request.user = SimpleLazyObject(lambda: pytest.fail("the user was loaded"))
    assert RequireTwoFactorMiddleware(lambda _request: HttpResponse("passed"))(request).content == b"passed"
