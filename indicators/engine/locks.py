"""A lock that keeps a periodic job from overlapping itself, shared across processes through the cache."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def single_run(name: str, *, timeout: int, owner: str | None = None) -> Iterator[bool]:
    """Yields True to the one holder of the lock, False to anyone who comes while it is held.

    ``owner`` is the Celery task id: a task re-delivered after its worker died has the
    same id, finds the lock its first delivery left behind, and carries on instead of
    standing down for the rest of the timeout. The lock also expires after ``timeout``
    seconds, which must exceed the job's longest run.
    """
    key = f"lock:{name}"
    token = owner or secrets.token_hex(8)
    acquired = cache.add(key, token, timeout) or (owner is not None and cache.get(key) == owner)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)
