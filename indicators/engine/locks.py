"""A lock that keeps a periodic job from overlapping itself, shared across processes through the cache."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache


@contextmanager
def single_run(name: str, *, timeout: int) -> Iterator[bool]:
    """Yields True to the one holder of the lock, False to anyone who comes while it is held.

    The lock expires after ``timeout`` seconds so that a worker killed mid-job does not
    block the next run for ever; the timeout must exceed the job's longest run.
    """
    key = f"lock:{name}"
    token = secrets.token_hex(8)
    acquired = cache.add(key, token, timeout)
    try:
        yield acquired
    finally:
        if acquired and cache.get(key) == token:
            cache.delete(key)
