"""API tokens under attack: guessing from one address is cut off with 429s (on the real Redis cache) while other
addresses carry on. The page in a real browser: tests/browser/test_api_tokens.py."""

from __future__ import annotations

import os
import secrets
import uuid

import pytest
from django.core.cache import caches

from indicators.access.models import Role
from tests.factories import staff
from tests.indicators.accounts.factories import api_token

URL = "/api/v1/neighbourhoods/"
GUESSER, NEIGHBOUR = "203.0.113.7", "203.0.113.8"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
            "KEY_PREFIX": f"test-tokens-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    cache = caches["default"]
    yield cache
    cache.delete_pattern("*")


def _get(client, secret, address):
    return client.get(URL, HTTP_AUTHORIZATION=f"Token {secret}", REMOTE_ADDR=address)


@pytest.mark.redis
@pytest.mark.django_db
def test_a_burst_of_random_tokens_gets_429_and_other_addresses_still_work(client, settings, redis_cache):
    settings.ACCOUNTS_API_TOKEN_FAILURES = "10/900"
    good = api_token(staff(Role.OFFICER)).secret
    # Successful uses count nothing: many of them, then the guesser's full allowance of failures.
    for _ in range(15):
        assert _get(client, good, GUESSER).status_code == 200
    answers = [_get(client, f"rb_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}", GUESSER) for _ in range(40)]
    assert [r.status_code for r in answers[:10]] == [403] * 10
    assert {r.status_code for r in answers[10:]} == {429}
    assert int(answers[-1]["Retry-After"]) == 900
    assert "Too many failed token attempts" in answers[-1].json()["detail"]
    # While it is held back even a right token from that address is refused, or guessing could go on.
    assert _get(client, good, GUESSER).status_code == 429
    # Another address is untouched: its right token works and its wrong one is a plain 403.
    assert _get(client, good, NEIGHBOUR).status_code == 200
    assert _get(client, "rb_00000000_wrong", NEIGHBOUR).status_code == 403
    # The count lives in Redis under a hash, never the address.
    assert all(GUESSER not in key for key in redis_cache.keys("*"))


@pytest.mark.redis
@pytest.mark.django_db
def test_the_limit_holds_across_web_processes_sharing_redis(client, settings, redis_cache):
    """The count is in Redis, not in the process: a second client (another worker) sees it."""
    from django.test import Client

    settings.ACCOUNTS_API_TOKEN_FAILURES = "3/900"
    for _ in range(3):
        assert _get(client, "rb_00000000_wrong", GUESSER).status_code == 403
    assert _get(Client(), "rb_00000000_wrong", GUESSER).status_code == 429
