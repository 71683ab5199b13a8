"""Fixed-window rate limits in Django's cache (Redis in production).

The client address is used only as a hashed cache key that expires with its
window; it is never written to the database or next to any answer.
"""

from __future__ import annotations

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


def rate_limited(*, scope: str, who: str, rate: str) -> bool:
    """Whether ``who`` has already used up ``scope``'s allowance in this window (without counting a hit)."""
    limit, _seconds = parse_rate(rate)
    return (cache.get(_key(scope, who)) or 0) >= limit


def rate_hit(*, scope: str, who: str, rate: str) -> int:
    """Count one hit; returns the count in this window."""
    _limit, seconds = parse_rate(rate)
    key = _key(scope, who)
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
