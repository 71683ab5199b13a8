"""A real Celery worker on Redis is killed in the middle of a task; the task runs again to the same result."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from indicators.engine.models import FactorCell, FactorScore, PairComparison, RecomputeRun, WorklessnessPoint
from indicators.engine.services.refresh import recompute_all
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory

from .builders import residents, survey, wave

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _redis_url() -> str:
    # A database number of the test's own, flushed before and after.
    base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    return f"{base}/13"


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, queue: str) -> None:
        self.name = f"kill-test-{uuid.uuid4().hex[:8]}@localhost"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": _redis_url(),
            "PYTHONPATH": str(ROOT),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork", "--concurrency=1",
             "-Q", queue, "-n", self.name, "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_until_ready(self, app) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(destination=[self.name], timeout=1):
                return
            if self.process.poll() is not None:
                raise AssertionError(self.process.stdout.read().decode())
        raise AssertionError(f"worker {self.name} did not answer ping")

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)  # the main process and its pool child, at once
        self.process.wait(timeout=10)


def tables():
    return {
        model.__name__: sorted(
            tuple(v for k, v in row.items() if k not in ("id", "computed_at")) for row in model.objects.values()
        )
        for model in (FactorCell, FactorScore, WorklessnessPoint, PairComparison)
    }


def _wait(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_recompute_leaves_the_task_to_run_again_to_the_same_result():
    import psycopg
    import redis
    from celery import Celery

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

    broker = redis.Redis.from_url(_redis_url())
    broker.flushdb()
    queue = f"kill-test-{uuid.uuid4().hex[:8]}"
    producer = Celery(broker=_redis_url())
    blocker = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    first = second = None
    try:
        # Hold the rollup table so that the task stops part-way, where we can kill it.
        blocker.execute(f"LOCK TABLE {FactorScore._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        first = Worker(queue)
        first.wait_until_ready(producer)
        task_id = producer.send_task("indicators.engine.tasks.recompute_everything", queue=queue).id

        def waiting_on_our_lock() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    [connection.settings_dict["NAME"]],
                )
                return cursor.fetchone()[0] > 0

        _wait(lambda: RecomputeRun.objects.filter(task_id=task_id, status="running").exists(), "the task to start")
        _wait(waiting_on_our_lock, "the task to reach the rollup tables")
        first.kill()
        blocker.rollback()

        second = Worker(queue)
        second.wait_until_ready(producer)
        _wait(lambda: RecomputeRun.objects.filter(task_id=task_id, status="done").exists(), "the re-run", 90)
    finally:
        blocker.close()
        for worker in (first, second):
            if worker:
                worker.kill()
        broker.flushdb()

    assert tables() == expected
    assert RecomputeRun.objects.count() == 1  # the re-delivery carried on with the same run
