"""The "API tokens" page: list, create (the secret shown once), revoke; create needs this session's second factor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.models import Role
from indicators.accounts.models import ApiToken
from tests.factories import staff
from tests.indicators.accounts.factories import api_token

pytestmark = pytest.mark.django_db
PAGE = reverse("api-tokens")


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _verified_client(client, user):
    """Signed in, and this session has passed the second factor through the real page."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    assert client.post(reverse("two-factor"), {"token": _code(device), "next": PAGE}).status_code == 302
    return client


def test_the_secret_is_shown_once_then_never_again(client):
    user = staff(Role.OFFICER)
    _verified_client(client, user)
    response = client.post(PAGE, {"name": "Nightly figures", "days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = html.split('id="new-token" value="')[1].split('"')[0]
    assert secret.startswith("rb_")
    assert "only time it is shown" in html
    token = ApiToken.objects.get()
    assert (token.name, (token.expires_at - token.created_at).days) == ("Nightly figures", 30)
    again = client.get(PAGE).content.decode()
    assert secret not in again
    assert secret.split("_", 2)[2] not in again
    assert "Nightly figures" in again
    assert token.prefix in again
    # The new token opens the API.
    assert client.get("/api/v1/neighbourhoods/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200


def test_creating_is_refused_without_this_sessions_second_factor(client):
    user = staff(Role.OFFICER)
    client.force_login(user)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b"Set up two-factor authentication before you create an API token." in page.content
    assert reverse("two-factor-enrol").encode() in page.content
    assert client.post(PAGE, {"name": "x", "days": "30"}).status_code == 403
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    refused = client.post(PAGE, {"name": "x", "days": "30"})
    assert refused.status_code == 403
    assert b"Enter a code from your authenticator app" in refused.content
    assert not ApiToken.objects.exists()


def test_bad_input_is_named_and_nothing_is_made(client):
    _verified_client(client, staff(Role.OFFICER))
    response = client.post(PAGE, {"name": "", "days": "365"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert 'href="#id_days_0"' in html
    assert not ApiToken.objects.exists()


def test_revoke_from_the_page(client):
    user = staff(Role.OFFICER)
    token = api_token(user, name="Old script").token
    client.force_login(user)
    response = client.post(reverse("api-token-revoke", args=[token.pk]), follow=True)
    assert b"Token revoked" in response.content
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert b"revoked</span>" in response.content


def test_another_persons_token_is_not_found(client):
    token = api_token(staff(Role.OFFICER)).token
    client.force_login(staff(Role.OFFICER))
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_menu_links_to_the_page(client):
    client.force_login(staff(Role.OFFICER))
    assert f'href="{PAGE}"'.encode() in client.get(reverse("indicators:my-neighbourhoods")).content
