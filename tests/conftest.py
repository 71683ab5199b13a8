"""Shared fixtures, and the rule for tests that need a real service.

A test marked postgres, redis, celery_worker or browser runs only where that
service is available. Without it the test is skipped with the reason, unless
REQUIRE_SERVICES=1, when it fails instead: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _postgres_missing() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    return None


def _redis_missing() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return "needs Redis: set REDIS_URL=redis://…"
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} does not answer: {exc}"
    return None


def _browser_missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "needs the playwright package"
    return None


CHECKS = {
    "postgres": _postgres_missing,
    "redis": _redis_missing,
    "celery_worker": lambda: _postgres_missing() or _redis_missing(),
    "browser": _browser_missing,
}


@pytest.fixture(autouse=True)
def _require_services(request):
    for marker, check in CHECKS.items():
        if request.node.get_closest_marker(marker) is None:
            continue
        reason = check()
        if reason is None:
            continue
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}")
        pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_recent_survey_version():
    """Each test starts as a new process does, with no survey version guessed for the next code."""
    from surveys.services.submission import completed

    completed._recent.version = None
