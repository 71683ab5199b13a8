"""Rate limits on the real Redis cache that production uses."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.urls import reverse

from indicators.accounts.ratelimit import _key, rate_allowed, rate_hit, rate_limited, rate_take
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


@pytest.mark.redis
def test_one_script_peeks_at_one_limit_and_counts_another_with_its_window(redis_cache):
    peek, take = ("p", "2/60"), ("t", "3/60")
    who = "198.51.100.3"
    assert [rate_allowed(who=who, peek=peek, take=take) for _ in range(4)] == [True, True, True, False]
    raw, key = redis_cache.client.get_client(), redis_cache.client.make_key(_key("t", who))
    assert 0 < raw.ttl(key) <= 60  # every count has its window
    assert redis_cache.get(_key("t", who)) == 4
    other = "198.51.100.4"
    assert [rate_hit(scope="p", who=other, rate="2/60") for _ in range(2)] == [1, 2]
    assert 0 < raw.ttl(redis_cache.client.make_key(_key("p", other))) <= 60
    assert rate_limited(scope="p", who=other, rate="2/60")
    assert not rate_allowed(who=other, peek=peek, take=take)
    assert redis_cache.get(_key("t", other)) is None  # refused at the peek: nothing counted


def test_when_redis_does_not_answer_nothing_is_counted_and_no_one_is_refused(settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "IGNORE_EXCEPTIONS": True},
        }
    }
    who = "198.51.100.5"
    assert all(rate_allowed(who=who, peek=("p", "1/60"), take=("t", "1/60")) for _ in range(3))
    assert rate_hit(scope="p", who=who, rate="1/60") == 0
    assert not rate_limited(scope="p", who=who, rate="1/60")
    assert "not counted" in caplog.text
