"""Celery tasks of the monitoring engine: thin wrappers around indicators.engine.services.

Every task takes ids, is idempotent (its service deletes and rewrites its scope in
one transaction), is acknowledged only after it finishes (acks_late) and is
re-queued if its worker dies (reject_on_worker_lost), and retries with backoff
when the database is briefly unreachable.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from indicators.engine.locks import lock_held, single_run
from indicators.engine.models import RecomputeRun
from indicators.engine.services import refresh
from indicators.official.models import Import, Observation

logger = logging.getLogger(__name__)

RELIABLE = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 6,
}


# A refresh queued but not yet started covers every response completed before it starts, so a burst
# of responses in one neighbourhood queues one run, not one each. The flag outlives a failed publish by
# at most this long, and catch_up (every ten minutes) refreshes whatever that left behind.
PENDING_SECONDS = 15 * 60


def pending_key(wave_id: int, neighbourhood_id: int) -> str:
    return f"engine:refresh-pending:{wave_id}:{neighbourhood_id}"


def request_refresh(*, wave_id: int, neighbourhood_id: int) -> bool:
    """Queue a refresh of one neighbourhood in one wave unless one is already waiting. True if queued."""
    key = pending_key(wave_id, neighbourhood_id)
    if cache.add(key, 1, PENDING_SECONDS) is False:  # None (the cache is away) queues one all the same
        return False
    try:
        refresh_neighbourhood_wave.delay(wave_id, neighbourhood_id)
    except BaseException:
        cache.delete(key)  # nothing is waiting after all: the next response must queue one
        raise
    return True


@shared_task(name="indicators.engine.tasks.refresh_neighbourhood_wave", **RELIABLE)
def refresh_neighbourhood_wave(wave_id: int, neighbourhood_id: int) -> None:
    """The incremental update after responses: one neighbourhood in one wave, the authority and
    wave rows above it, the next wave's change, and the neighbourhood's pairs."""
    # Cleared before reading, so a response completed from here on queues a run of its own.
    cache.delete(pending_key(wave_id, neighbourhood_id))
    refresh.neighbourhood_wave_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood_id)


@shared_task(name="indicators.engine.tasks.refresh_after_import", **RELIABLE)
def refresh_after_import(import_id: int) -> None:
    """Touches the worklessness rates of every ratio indicator built on the import's indicator,
    for the periods the import stored, and the pairs' worklessness comparisons."""
    found = Import.objects.filter(pk=import_id).values_list("indicator_id", flat=True).first()
    if found is None:
        return
    periods = list(
        Observation.objects.filter(source_import_id=import_id).values_list("period_id", flat=True).distinct()
    )
    refresh.observations_refresh(indicator_id=found, period_ids=periods or None)


@shared_task(name="indicators.engine.tasks.recompute_everything", bind=True, **RELIABLE)
def recompute_everything(self) -> int | None:
    """Nightly: rebuilds every rollup from answers and observations, and records in a
    RecomputeRun where the incremental figures had drifted. Never runs twice at once: it holds
    a lock renewed by a heartbeat while it runs (REBALANCE_RECOMPUTE_LOCK_SECONDS). A delivery
    that follows a dead worker's before that lock expires picks up the same lock and the same
    run; after, it goes ahead as a new run, and the dead worker's run is marked failed."""
    task_id = self.request.id or ""
    ttl = settings.REBALANCE_RECOMPUTE_LOCK_SECONDS
    with single_run(refresh.RECOMPUTE_LOCK, ttl=ttl, owner=task_id or None) as mine:
        if not mine:
            logger.info("A full recompute is already running; this one stands down")
            return None
        # Holding the lock, no other run is alive: any still "running" stopped with its worker.
        refresh.recompute_runs_fail_stopped(except_task_id=task_id)
        run = None
        if task_id:
            run = RecomputeRun.objects.filter(task_id=task_id, status=RecomputeRun.Status.RUNNING).first()
            run = run or RecomputeRun.objects.create(kind="full", task_id=task_id)
        return refresh.recompute_all(run=run, rescore=True).pk


@shared_task(name="indicators.engine.tasks.catch_up", **RELIABLE)
def catch_up() -> int:
    """Every few minutes: refreshes any neighbourhood and wave with a completed response newer
    than its figures, e.g. responses stored while the broker was down; and marks failed a full
    recompute left "running" by a worker that died (its lock has expired with its heartbeat)."""
    with single_run("engine-catch-up", ttl=settings.REBALANCE_RECOMPUTE_LOCK_SECONDS) as mine:
        if not mine:
            return 0
        checked = timezone.now()
        if not lock_held(refresh.RECOMPUTE_LOCK):
            # A run that started before the lock was seen free is not alive; one that starts after is spared.
            refresh.recompute_runs_fail_stopped(started_before=checked - dt.timedelta(seconds=5))
        groups = refresh.stale_groups()
        for wave_id, neighbourhood_id in groups:
            refresh.neighbourhood_wave_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood_id)
        return len(groups)
