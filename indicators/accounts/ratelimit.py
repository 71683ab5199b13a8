"""Fixed-window rate limits in Django's cache (Redis in production).

The client address is used only as a hashed cache key that expires with its
window; it is never written to the database or next to any answer.
"""

from __future__ import annotations

import functools
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def parse_rate(rate: str) -> tuple[int, int]:
    limit, seconds = rate.split("/")
    return int(limit), int(seconds)


def client_address(request) -> str:
    header = getattr(settings, "SURVEY_CLIENT_IP_HEADER", "")
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, who: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{who}".encode()).hexdigest()[:32]
    return f"surveys:rl:{scope}:{digest}"


# On Redis, one script per check: a count and its window are set together (no key is ever left
# without an expiry), and the request pays one round trip instead of up to three. KEYS[1] is only
# looked at (-1 when its limit ARGV[1] is reached); KEYS[2] is counted. The same key twice: just count.
_COUNT = """
local seen = tonumber(redis.call('GET', KEYS[1]) or '0')
if KEYS[1] ~= KEYS[2] and seen >= tonumber(ARGV[1]) then return -1 end
local count = redis.call('INCR', KEYS[2])
if count == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
return count
"""


@functools.cache
def _count_script(raw):
    return raw.register_script(_COUNT)


def _redis():
    """The raw Redis client behind the default cache, or None when the cache is not django-redis."""
    client = getattr(cache, "client", None)
    if not hasattr(client, "get_client") or not hasattr(client, "make_key"):
        return None
    return client


def _redis_count(client, *, peek_key: str, peek_limit: int, key: str, seconds: int) -> int | None:
    """Count one hit on ``key`` unless ``peek_key`` already holds ``peek_limit`` (then -1). None: no answer."""
    import redis

    raw = client.get_client(write=True)
    script = _count_script(raw)
    try:
        return int(
            script(keys=[client.make_key(peek_key), client.make_key(key)], args=[peek_limit, seconds], client=raw)
        )
    except (redis.RedisError, OSError):
        logger.warning("rate limit not counted: the cache did not answer", exc_info=True)
        return None


def rate_allowed(*, who: str, peek: tuple[str, str], take: tuple[str, str]) -> bool:
    """Whether ``who`` is within ``peek``'s allowance (not counted) and, counting one hit, within ``take``'s.
    Scopes and rates as (scope, rate). Nothing is counted when ``peek`` is used up, as with
    ``rate_limited(...) or not rate_take(...)``, in one round trip on Redis."""
    (peek_scope, peek_rate), (scope, rate) = peek, take
    peek_limit, _ = parse_rate(peek_rate)
    limit, seconds = parse_rate(rate)
    client = _redis()
    if client is None:
        return not rate_limited(scope=peek_scope, who=who, rate=peek_rate) and rate_take(
            scope=scope, who=who, rate=rate
        )
    count = _redis_count(
        client, peek_key=_key(peek_scope, who), peek_limit=peek_limit, key=_key(scope, who), seconds=seconds
    )
    if count is None:  # the cache is down: count nothing rather than refuse a resident's answers
        return True
    return 0 <= count <= limit


def rate_limited(*, scope: str, who: str, rate: str) -> bool:
    """Whether ``who`` has already used up ``scope``'s allowance in this window (without counting a hit)."""
    limit, _seconds = parse_rate(rate)
    return (cache.get(_key(scope, who)) or 0) >= limit


def rate_hit(*, scope: str, who: str, rate: str) -> int:
    """Count one hit; returns the count in this window."""
    _limit, seconds = parse_rate(rate)
    key = _key(scope, who)
    client = _redis()
    if client is not None:
        return _redis_count(client, peek_key=key, peek_limit=0, key=key, seconds=seconds) or 0
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        return 1
    if count is None:
        # The cache is down (django-redis with IGNORE_EXCEPTIONS answers None): count nothing rather than
        # refuse a resident's answers. The limits come back with the cache.
        logger.warning("rate limit %s not counted: the cache did not answer", scope)
        return 0
    return count


def rate_take(*, scope: str, who: str, rate: str) -> bool:
    """Count a hit and say whether it was within the limit."""
    limit, _seconds = parse_rate(rate)
    return rate_hit(scope=scope, who=who, rate=rate) <= limit


def rate_reset(*, scope: str, who: str) -> None:
    """Forget ``who``'s count in ``scope`` (a successful sign-in clears its failures)."""
    cache.delete(_key(scope, who))
