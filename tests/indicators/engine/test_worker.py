"""A real Celery worker on Redis is killed in the middle of a task; the task runs again to the same result."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.engine.models import FactorCell, FactorScore, PairComparison, RecomputeRun, WorklessnessPoint
from indicators.engine.services.refresh import recompute_all
from tests.celery_worker import Worker, broker_and_blocker, someone_waits_on_a_lock, wait
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
