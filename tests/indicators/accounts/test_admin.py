"""API tokens in the admin: listed without their digest, revoked through the service; DRF's plain-text tokens gone."""

from __future__ import annotations

import pytest
from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy

from indicators.access.models import Role
from indicators.accounts.models import ApiToken
from indicators.audit.models import Action, AuditEntry
from tests.factories import staff
from tests.indicators.accounts.factories import api_token

pytestmark = pytest.mark.django_db
LIST = "/admin/accounts/apitoken/"


def test_admins_list_and_revoke_tokens_and_plain_text_tokens_are_not_offered(client):
    officer = staff(Role.OFFICER)
    chosen, kept = api_token(officer, name="Chosen"), api_token(officer, name="Kept")
    superuser = staff(Role.ADMIN)
    client.force_login(superuser)
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Chosen" in html
    assert chosen.token.digest not in html
    assert not admin.site.is_registered(TokenProxy)
    response = client.post(LIST, {"action": "revoke", "_selected_action": [chosen.token.pk]})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=chosen.token.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=kept.token.pk).revoked_at is None
    entry = AuditEntry.objects.get(action=Action.CHANGE, object_type="accounts.apitoken")
    assert entry.actor_id == superuser.pk
