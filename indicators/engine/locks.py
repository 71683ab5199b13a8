"""A lock that keeps a periodic job from overlapping itself, shared across processes through the cache.

The lock lives only as long as its holder: it is taken for a short ``ttl`` and renewed by a heartbeat (a thread of
the holder) every quarter of it. A holder whose worker is killed stops beating, its lock expires within ``ttl``
seconds, and the next run goes ahead, however long the job takes when it is alive.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import cache

logger = logging.getLogger(__name__)


def lock_key(name: str) -> str:
    return f"lock:{name}"


def lock_held(name: str) -> bool:
    return cache.get(lock_key(name)) is not None


def _beat(key: str, token: str, ttl: int, stop: threading.Event) -> None:
    while not stop.wait(ttl / 4):
        try:
            # Renewed only while it is still ours. Between the read and the renewal it could expire and be taken
            # only if this beat were already three quarters of a ttl late, when the lock was lost anyway.
            if cache.get(key) != token:
                logger.warning("lock %s was lost (its heartbeat was late): another run may start", key)
                return
            cache.touch(key, ttl)
        except Exception:  # the cache away for a moment: try again at the next beat
            logger.exception("could not renew lock %s", key)


@contextmanager
def single_run(name: str, *, ttl: int, owner: str | None = None) -> Iterator[bool]:
    """Yields True to the one holder of the lock, False to anyone who comes while it is held.

    ``owner`` is the Celery task id: a task re-delivered after its worker died has the same id, finds the lock its
    first delivery left behind (if it has not yet expired), and carries on instead of standing down. While held,
    the lock is renewed every ``ttl / 4`` seconds; once its holder is gone it expires within ``ttl`` seconds.
    """
    key = lock_key(name)
    token = owner or secrets.token_hex(8)
    acquired = cache.add(key, token, ttl) or (owner is not None and cache.get(key) == owner)
    if not acquired:
        yield False
        return
    cache.touch(key, ttl)
    stop = threading.Event()
    heartbeat = threading.Thread(target=_beat, args=(key, token, ttl, stop), name=f"heartbeat {key}", daemon=True)
    heartbeat.start()
    try:
        yield True
    finally:
        stop.set()
        heartbeat.join()
        if cache.get(key) == token:
            cache.delete(key)
