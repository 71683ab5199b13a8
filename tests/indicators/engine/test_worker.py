"""A real Celery worker on Redis is killed in the middle of a task; the task runs again to the same result."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from indicators.engine.models import FactorCell, FactorScore, PairComparison, RecomputeRun, WorklessnessPoint
from indicators.engine.services.refresh import recompute_all
from tests.celery_worker import (
    Worker,
    broker_and_blocker,
    redis_url,
    someone_waits_on_a_lock,
    terminate_backends_waiting_on_a_lock,
    wait,
)
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory

from .builders import residents, survey, wave

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def tables():
    return {
        model.__name__: sorted(
            tuple(v for k, v in row.items() if k not in ("id", "computed_at")) for row in model.objects.values()
        )
        for model in (FactorCell, FactorScore, WorklessnessPoint, PairComparison)
    }


def test_a_worker_killed_mid_recompute_leaves_the_task_to_run_again_to_the_same_result():
    la = LocalAuthorityFactory()
    pair = MatchedPairFactory(
        first=NeighbourhoodFactory(local_authority=la), second=NeighbourhoodFactory(local_authority=la)
    )
    version, q = survey(("confidence", "outlook"))
    w = wave(version, [pair.first, pair.second], opens=dt.date(2025, 1, 1))
    for n, scores in ((pair.first, [20, 40, 60, 80, 100] * 3), (pair.second, [10, 30, 50, 70, 90] * 3)):
        residents(w, n, q["confidence"] + q["outlook"], scores)
    recompute_all(compare=False)
    expected = tables()
    for model in (FactorCell, FactorScore, WorklessnessPoint, PairComparison, RecomputeRun):
        model.objects.all().delete()

    first = second = None
    with broker_and_blocker("recompute-kill-test") as (producer, queue, blocker):
        try:
            # Hold the rollup table so that the task stops part-way, where we can kill it.
            blocker.execute(f"LOCK TABLE {FactorScore._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            first = Worker(queue)
            first.wait_until_ready(producer)
            task_id = producer.send_task("indicators.engine.tasks.recompute_everything", queue=queue).id
            wait(lambda: RecomputeRun.objects.filter(task_id=task_id, status="running").exists(), "the task to start")
            wait(someone_waits_on_a_lock, "the task to reach the rollup tables")
            first.kill()
            blocker.rollback()

            second = Worker(queue)
            second.wait_until_ready(producer)
            wait(lambda: RecomputeRun.objects.filter(task_id=task_id, status="done").exists(), "the re-run", 180)
        finally:
            for worker in (first, second):
                if worker:
                    worker.kill()

    assert tables() == expected
    assert RecomputeRun.objects.count() == 1  # the re-delivery carried on with the same run


def test_a_recompute_whose_whole_worker_was_killed_is_marked_failed_and_the_next_one_goes_ahead(monkeypatch):
    import redis

    la = LocalAuthorityFactory()
    n = NeighbourhoodFactory(local_authority=la)
    version, q = survey(("confidence",))
    residents(wave(version, [n], opens=dt.date(2025, 1, 1)), n, q["confidence"], [20, 40, 60, 80, 100] * 2)
    ttl = 2
    monkeypatch.setenv("REBALANCE_RECOMPUTE_LOCK_SECONDS", str(ttl))  # the workers' lock: seconds, not a minute

    def lock_ttl() -> int:  # seconds left on the recompute's lock in the workers' cache; -2 when there is none
        keys = store.keys("*lock:engine-recompute")
        return store.ttl(keys[0]) if keys else -2

    first = second = None
    with broker_and_blocker("recompute-dead-worker") as (producer, queue, blocker):
        store = redis.Redis.from_url(redis_url())
        try:
            blocker.execute(f"LOCK TABLE {FactorScore._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            first = Worker(queue)
            first.wait_until_ready(producer)
            dead_id = producer.send_task("indicators.engine.tasks.recompute_everything", queue=queue).id
            wait(lambda: RecomputeRun.objects.filter(task_id=dead_id).exists(), "the recompute to start")
            wait(someone_waits_on_a_lock, "the recompute to reach the rollup tables")
            time.sleep(ttl * 1.5)
            assert 0 < lock_ttl() <= ttl  # renewed by its heartbeat: a live run keeps its short lock
            first.kill()
            terminate_backends_waiting_on_a_lock()
            blocker.rollback()
            wait(lambda: lock_ttl() == -2, "the dead run's lock to expire", ttl + 3)

            # The next run (on a queue of its own: the dead run's message is not due back for an hour in production).
            second = Worker(f"{queue}-next")
            second.wait_until_ready(producer)
            next_id = producer.send_task("indicators.engine.tasks.recompute_everything", queue=f"{queue}-next").id
            wait(lambda: RecomputeRun.objects.filter(task_id=next_id, status="done").exists(), "the next run", 60)
        finally:
            for worker in (first, second):
                if worker:
                    worker.kill()

    dead = RecomputeRun.objects.get(task_id=dead_id)
    assert dead.status == "failed"
    assert dead.error.startswith("The worker stopped during this run")
    assert FactorScore.objects.filter(level="neighbourhood", neighbourhood=n).exists()
