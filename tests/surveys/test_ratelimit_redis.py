"""Rate limits on the real Redis cache that production uses."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.urls import reverse

from surveys.services.ratelimit import rate_hit, rate_limited, rate_take
from tests.surveys.factories import codes_for, wave_factory


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-surveys-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
            "KEY_PREFIX": prefix,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    cache = caches["default"]
    yield cache
    cache.delete_pattern("*")


@pytest.mark.redis
def test_limits_count_in_redis_and_expire(redis_cache):
    import time

    for _ in range(3):
        assert rate_take(scope="t", who="198.51.100.1", rate="3/1")
    assert not rate_take(scope="t", who="198.51.100.1", rate="3/1")
    assert rate_limited(scope="t", who="198.51.100.1", rate="3/1")
    assert not rate_limited(scope="t", who="198.51.100.2", rate="3/1")
    keys = redis_cache.keys("surveys:rl:*")
    assert keys
    assert all("198.51.100" not in k for k in keys)  # the address is hashed even in the cache
    time.sleep(1.2)
    assert not rate_limited(scope="t", who="198.51.100.1", rate="3/1")
    assert rate_hit(scope="t", who="198.51.100.1", rate="3/1") == 1


@pytest.mark.redis
@pytest.mark.django_db
def test_wrong_codes_are_held_back_through_redis(client, settings, redis_cache):
    settings.SURVEY_CODE_RATE = "2/60"
    wave = wave_factory()
    good = codes_for(wave)[0]
    for _ in range(2):
        client.post(reverse("surveys:start"), {"code": "ABCD-EFGH-JKMN"})
    assert client.post(reverse("surveys:start"), {"code": good}).status_code == 429
