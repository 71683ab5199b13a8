"""A real Celery worker on Redis for the tests that kill one mid-task (settings: tests/worker_settings.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def redis_url() -> str:
    """A Redis database number of the worker tests' own, flushed before and after each."""
    return f"{os.environ['REDIS_URL'].rsplit('/', 1)[0]}/13"


def database_url() -> str:
    """The test database, for the worker to read and write the same rows as the test."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, queue: str, *, redis: str | None = None) -> None:
        self.name = f"kill-test-{uuid.uuid4().hex[:8]}@localhost"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": redis or redis_url(),
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


def wait(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def someone_waits_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0] > 0


@contextmanager
def broker_and_blocker(prefix: str) -> Iterator[tuple[object, str, object]]:
    """A producer on the tests' own Redis database, a fresh queue, and a database connection that
    a test uses to hold a table so that a task stops part-way, where it can be killed."""
    import psycopg
    import redis
    from celery import Celery

    broker = redis.Redis.from_url(redis_url())
    broker.flushdb()
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    try:
        yield Celery(broker=redis_url()), f"{prefix}-{uuid.uuid4().hex[:8]}", blocker
    finally:
        blocker.close()
        broker.flushdb()


def terminate_backends_waiting_on_a_lock() -> None:
    """A killed worker's database session that is waiting on a lock does not notice its client has gone until it
    wakes; end it, as the server would on its next check, so that the locks it holds go with it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [connection.settings_dict["NAME"]],
        )
