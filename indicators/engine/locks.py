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
from django.db import connection

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


# The engine's writers, in the order every writer takes them, so that two can never wait on each other. A full
# recompute takes EVERYTHING alone; an incremental update shares it and takes its own scope: the waves it rewrites
# (in ascending order), an indicator's rates, then the pairs, which every update rewrites last.
EVERYTHING = "engine:everything"
PAIRS = "engine:pairs"


def wave_scope(wave_id: int) -> str:
    return f"engine:wave:{wave_id}"


def indicator_scope(indicator_id: int) -> str:
    return f"engine:indicator:{indicator_id}"


def hold(*scopes: str, shared: bool = False) -> None:
    """Holds each scope until the current transaction ends (a PostgreSQL advisory lock), waiting for any writer
    that holds it. Two updates of one wave both delete and rewrite the wave's and the authority's rows: without
    this, the second to commit fails on the rows' unique constraints. SQLite writes one transaction at a time, so
    there is nothing to hold there."""
    if not scopes or connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        for scope in scopes:
            cursor.execute(f"SELECT {function}(hashtextextended(%s, 0))", [scope])
