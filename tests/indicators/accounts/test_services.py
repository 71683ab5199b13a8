"""API tokens: made only after this session's second factor, kept as a digest, revoked with an audit entry."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from indicators.access.models import Role
from indicators.accounts import services
from indicators.accounts.models import ApiToken
from indicators.audit.models import Action, AuditEntry
from tests.factories import staff
from tests.indicators.accounts.factories import api_token, verified

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_no_plain_secret_is_stored_anywhere():
    user = staff(Role.OFFICER)
    new = api_token(user, name="Nightly figures")
    assert new.secret.startswith(f"rb_{new.token.prefix}_")
    assert len(new.secret) > 40
    row = ApiToken.objects.get()
    assert row.digest == hashlib.sha256(new.secret.encode()).hexdigest()
    # Every text column of the token table and of the audit log, as PostgreSQL holds them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(t)::text FROM accounts_apitoken t"
            " UNION ALL SELECT row_to_json(a)::text FROM audit_auditentry a"
        )
        stored = " ".join(text for (text,) in cursor.fetchall())
    body = new.secret.split("_", 2)[2]
    assert body not in stored
    assert new.secret not in stored
    assert new.token.prefix in stored  # the non-secret prefix is what names it


@pytest.mark.postgres
def test_the_database_refuses_a_plain_secret_or_a_second_copy_of_a_digest():
    user = staff(Role.OFFICER)
    now = timezone.now()
    later = now + dt.timedelta(days=1)
    fields = {"user": user, "name": "x", "prefix": "abcd1234", "created_at": now, "expires_at": later}
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApiToken.objects.create(digest="rb_abcd1234_not-a-digest", **fields)
    digest = hashlib.sha256(b"secret").hexdigest()
    ApiToken.objects.create(digest=digest, **fields)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApiToken.objects.create(digest=digest, **fields)
    with transaction.atomic(), pytest.raises(IntegrityError):
        ApiToken.objects.create(digest=hashlib.sha256(b"other").hexdigest(), **{**fields, "expires_at": now})


def test_creating_needs_a_confirmed_device_and_this_sessions_second_factor():
    user = staff(Role.OFFICER)
    with pytest.raises(PermissionDenied, match="Set up two-factor"):
        services.api_token_create(user=user, name="x")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    with pytest.raises(PermissionDenied, match="Enter a code"):
        services.api_token_create(user=user, name="x")  # a device, but this session has not used it
    unconfirmed = staff(Role.OFFICER)
    TOTPDevice.objects.create(user=unconfirmed, name="app", confirmed=False)
    with pytest.raises(PermissionDenied, match="Set up two-factor"):
        services.api_token_create(user=unconfirmed, name="x")
    assert not ApiToken.objects.exists()
    assert services.api_token_create(user=verified(user), name="x").token.user == user


def test_expiry_defaults_to_the_setting_and_may_be_shorter_never_longer(settings):
    settings.ACCOUNTS_API_TOKEN_DAYS = 60
    user = staff(Role.OFFICER)
    default = api_token(user).token
    assert (default.expires_at - default.created_at) == dt.timedelta(days=60)
    short = api_token(user, days=7).token
    assert (short.expires_at - short.created_at) == dt.timedelta(days=7)
    with pytest.raises(ValidationError, match="between 1 and 60 days"):
        api_token(user, days=61)
    with pytest.raises(ValidationError, match="name"):
        api_token(user, name="  ")
    with pytest.raises(ValidationError, match="name"):
        api_token(user, name="bad\x00name")
    assert services.api_token_lifetimes() == [7, 30, 60]
    assert ApiToken.objects.count() == 2


def test_create_and_revoke_are_audited():
    user = staff(Role.OFFICER)
    new = api_token(user, name="Spreadsheet")
    added = AuditEntry.objects.get(action=Action.ADD, object_type="accounts.apitoken")
    assert (added.actor_id, added.object_id) == (user.pk, str(new.token.pk))
    assert new.token.prefix in added.summary
    assert services.api_token_revoke(user=user, token_id=new.token.pk)
    assert not services.api_token_revoke(user=user, token_id=new.token.pk)  # once only
    changed = AuditEntry.objects.get(action=Action.CHANGE, object_type="accounts.apitoken")
    assert changed.summary.startswith("revoked Spreadsheet")
    assert ApiToken.objects.get().revoked_at is not None


def test_a_person_revokes_only_their_own_tokens():
    owner, other = staff(Role.OFFICER), staff(Role.OFFICER)
    token = api_token(owner).token
    assert not services.api_token_revoke(user=other, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_command_revokes_every_token_of_a_user(capsys):
    leaver, stayer = staff(Role.OFFICER), staff(Role.OFFICER)
    api_token(leaver), api_token(leaver, name="Second")
    kept = api_token(stayer).token
    call_command("revoke_api_tokens", leaver.username)
    assert "2 API token(s)" in capsys.readouterr().out
    assert not ApiToken.objects.usable().filter(user=leaver).exists()
    assert list(ApiToken.objects.usable()) == [kept]
    assert AuditEntry.objects.filter(action=Action.CHANGE, object_type="accounts.apitoken").count() == 2
    with pytest.raises(Exception, match="No user"):
        call_command("revoke_api_tokens", "nobody-here")


def test_plain_text_tokens_are_hashed_by_the_migration_and_keep_working(settings, client):
    settings.ACCOUNTS_API_TOKEN_DAYS = 30
    user = staff(Role.OFFICER)
    old = Token.objects.create(user=user)
    migration = importlib.import_module("indicators.accounts.migrations.0002_hash_plain_text_tokens")
    migration.hash_plain_text_tokens(apps, None)
    assert not Token.objects.exists()
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(old.key.encode()).hexdigest()
    assert token.expires_at - timezone.now() > dt.timedelta(days=29)
    assert client.get("/api/v1/neighbourhoods/", HTTP_AUTHORIZATION=f"Token {old.key}").status_code == 200
