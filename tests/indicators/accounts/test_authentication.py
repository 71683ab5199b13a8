"""The API's token authentication: expired and revoked tokens refused, "last used" written at most every few
minutes, the same `Authorization: Token <secret>` header as before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.access.models import Role
from indicators.accounts import services
from indicators.accounts.models import ApiToken
from tests.factories import staff
from tests.indicators.accounts.factories import api_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/neighbourhoods/"


def _get(client, secret, address="192.0.2.10"):
    return client.get(URL, HTTP_AUTHORIZATION=f"Token {secret}", REMOTE_ADDR=address)


def test_a_live_token_opens_the_api_and_skips_no_scoping(client):
    new = api_token(staff(Role.OFFICER))
    response = _get(client, new.secret)
    assert response.status_code == 200
    assert response.json()["results"] == []  # an officer with no places sees none


def test_expired_and_revoked_tokens_are_refused(client):
    user = staff(Role.OFFICER)
    expired, revoked = api_token(user, name="old"), api_token(user, name="gone")
    ApiToken.objects.filter(pk=expired.token.pk).update(
        created_at=timezone.now() - dt.timedelta(days=10), expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    services.api_token_revoke(user=user, token_id=revoked.token.pk)
    refused = _get(client, expired.secret)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This token has expired."
    refused = _get(client, revoked.secret)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "This token has been revoked."


def test_a_deactivated_users_token_is_refused(client):
    user = staff(Role.OFFICER)
    new = api_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _get(client, new.secret).status_code == 403


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \u00e9t\u00e9", "Token rb_00000000_wrong"])
def test_malformed_or_wrong_headers_are_403_not_500(client, header):
    api_token(staff(Role.OFFICER))
    assert client.get(URL, HTTP_AUTHORIZATION=header).status_code == 403


def test_another_scheme_is_left_to_the_other_authentication(client):
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer something").status_code == 403
    assert client.get(URL).status_code == 403


def test_last_used_is_written_at_most_once_a_window(client, settings):
    settings.ACCOUNTS_API_TOKEN_TOUCH_SECONDS = 300
    new = api_token(staff(Role.OFFICER))
    assert new.token.last_used_at is None
    _get(client, new.secret)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    assert timezone.now() - first < dt.timedelta(seconds=30)
    # Within the window a request reads the token and writes nothing.
    with CaptureQueriesContext(connection) as queries:
        assert _get(client, new.secret).status_code == 200
    assert not [q for q in queries.captured_queries if "UPDATE" in q["sql"] and "accounts_apitoken" in q["sql"]]
    assert ApiToken.objects.get().last_used_at == first
    # Once the window has passed, the next use writes it again.
    ApiToken.objects.update(last_used_at=first - dt.timedelta(seconds=301))
    _get(client, new.secret)
    assert ApiToken.objects.get().last_used_at > first
