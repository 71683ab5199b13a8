"""Sign-in: lockout with a cool-off, a per-address rate limit, strong passwords, session expiry."""

from __future__ import annotations

import os
import time
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.access.models import Role
from indicators.audit.models import Action, AuditEntry
from tests.factories import staff

GOOD = "correct-horse-battery"
pytestmark = pytest.mark.django_db


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_right_password_signs_in_and_is_audited(client):
    user = staff(Role.OFFICER)
    response = _login(client, user.username, GOOD)
    assert response.status_code == 302
    assert response.url == reverse("indicators:my-neighbourhoods")
    assert AuditEntry.objects.filter(action=Action.LOGIN, actor_id=user.pk).exists()


def test_repeated_failures_lock_the_username_then_cool_off(client, settings):
    settings.ACCOUNTS_LOGIN_FAILURES = "3/1"
    user = staff(Role.OFFICER)
    for _ in range(3):
        assert "Please enter a correct username" in _login(client, user.username, "wrong").content.decode()
    # Now even the right password is refused, and says why.
    refused = _login(client, user.username.upper(), GOOD)
    assert refused.status_code == 200
    assert "Too many failed sign-ins" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action=Action.LOGIN_FAILED).count() == 3
    time.sleep(1.1)  # the cool-off: the lock ends with its window
    assert _login(client, user.username, GOOD).status_code == 302


def test_a_success_clears_earlier_failures(client, settings):
    settings.ACCOUNTS_LOGIN_FAILURES = "3/60"
    user = staff(Role.OFFICER)
    _login(client, user.username, "wrong")
    _login(client, user.username, "wrong")
    assert _login(client, user.username, GOOD).status_code == 302
    client.logout()
    _login(client, user.username, "wrong")
    assert _login(client, user.username, GOOD).status_code == 302


def test_one_address_is_rate_limited_across_usernames(client, settings):
    settings.ACCOUNTS_LOGIN_RATE = "4/60"
    for n in range(4):
        _login(client, f"nobody{n}", "wrong")
    user = staff(Role.OFFICER)
    refused = _login(client, user.username, GOOD)
    assert "Too many sign-in attempts from this connection" in refused.content.decode()
    # Another address is not held back.
    assert _login(client, user.username, GOOD, REMOTE_ADDR="192.0.2.9").status_code == 302


def test_the_admin_signs_in_through_the_same_lockout(client, settings):
    settings.ACCOUNTS_LOGIN_FAILURES = "2/60"
    admin = staff(Role.ADMIN)
    for _ in range(2):
        client.post("/admin/login/", {"username": admin.username, "password": "wrong"})
    response = client.post("/admin/login/", {"username": admin.username, "password": GOOD})
    assert "Too many failed sign-ins" in response.content.decode()


@pytest.mark.parametrize("password", ["short1!", "password1234", "123456789012345"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("ochre-lantern-41-hedgerow")


def test_the_session_expires(client):
    user = staff(Role.OFFICER)
    response = _login(client, user.username, GOOD)
    assert 0 < response.cookies["sessionid"]["max-age"] <= 8 * 60 * 60
    assert response.cookies["sessionid"]["httponly"]


@pytest.fixture
def redis_cache(settings):
    """The real Redis production uses, on a database of our own (7), flushed before and after."""
    parts = urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    location = urlunsplit(parts._replace(path="/7"))
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"test-login-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    import redis

    raw = redis.Redis.from_url(location)
    raw.flushdb()
    yield raw
    raw.flushdb()
    caches["default"].close()


@pytest.mark.redis
def test_lockout_is_shared_through_redis(client, settings, redis_cache):
    settings.ACCOUNTS_LOGIN_FAILURES = "3/60"
    user = staff(Role.OFFICER)
    for _ in range(3):
        _login(client, user.username, "wrong")
    # The count is in Redis, under a hashed key (no username in it)...
    keys = [k.decode() for k in redis_cache.keys("*login-user*")]
    assert keys
    assert all(user.username not in k for k in keys)
    # ...so a second web process (a fresh connection, a fresh client) sees the lock.
    caches["default"].close()
    from django.test import Client

    other = Client(REMOTE_ADDR="192.0.2.50")
    assert "Too many failed sign-ins" in _login(other, user.username, GOOD).content.decode()
