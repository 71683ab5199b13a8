"""Queues by urgency: every task is routed to a queue a worker of the Procfile and docker-compose.yml reads, and a
long bulk task holding the bulk worker does not hold back the refresh after a resident's response."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from config.celery import app
from indicators.engine.models import FactorScore, RecomputeRun
from tests.celery_worker import Worker, someone_waits_on_a_lock, wait
from tests.factories import NeighbourhoodFactory
from tests.indicators.engine.builders import residents, survey, wave

ROOT = Path(__file__).resolve().parents[2]
QUEUES = {"interactive", "bulk"}


def registered_tasks() -> set[str]:
    app.autodiscover_tasks(force=True)  # as a worker does on start: import each installed app's tasks
    return {name for name in app.tasks if not name.startswith("celery.")}


def routed_queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_registered_task_is_routed_by_name_to_one_of_the_two_queues():
    routes = settings.CELERY_TASK_ROUTES
    tasks = registered_tasks()
    assert tasks - routes.keys() == set(), "route each new task in CELERY_TASK_ROUTES (config/settings/base.py)"
    assert routes.keys() - tasks == set(), "a route names a task that is not registered (renamed or removed?)"
    assert {route["queue"] for route in routes.values()} == QUEUES
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "bulk"
    # The app itself sends each task where the settings say.
    for name in tasks:
        assert routed_queue(name) == routes[name]["queue"]


def test_what_a_person_waits_on_is_interactive_and_the_rest_bulk():
    assert routed_queue("indicators.engine.tasks.refresh_neighbourhood_wave") == "interactive"
    assert routed_queue("indicators.engine.tasks.catch_up") == "interactive"
    assert routed_queue("indicators.engine.tasks.recompute_everything") == "bulk"
    assert routed_queue("indicators.import_observations") == "bulk"
    assert routed_queue("surveys.tasks.apply_retention") == "bulk"
    # A task nobody routed still reaches a queue that a worker reads.
    assert routed_queue("no.such.task") == "bulk"


def _queues_read(command: str) -> set[str]:
    found = re.search(r"(?:-Q|--queues)[ =]([\w,-]+)", command)
    return set(found.group(1).split(",")) if found else set()


def test_the_procfile_and_compose_run_a_worker_for_each_queue_and_no_other():
    procfile = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    workers = {name: command for name, command in procfile.items() if " worker " in command}
    assert {name: _queues_read(command) for name, command in workers.items()} == {
        "worker-interactive": {"interactive"},
        "worker-bulk": {"bulk"},
    }
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    compose = {
        name: _queues_read(" ".join(service["command"]))
        for name, service in services.items()
        if "worker" in service.get("command", [])
    }
    assert compose == {"worker-interactive": {"interactive"}, "worker-bulk": {"bulk"}}
    # Scaling out must not multiply beat: compose pins it to one replica.
    assert services["beat"]["deploy"]["replicas"] == 1


@pytest.fixture
def producer():
    """A client publishing through the settings' routes to the test run's own Redis database."""
    import redis
    from celery import Celery

    url = os.environ["REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    client = Celery("routing-test", set_as_current=False)  # the code under test keeps its own app
    client.config_from_object("django.conf:settings", namespace="CELERY")
    client.conf.broker_url = url
    client.conf.task_always_eager = False  # it only warns: send_task always publishes
    yield client, url
    client.close()
    redis.Redis.from_url(url).flushdb()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_refresh_completes_while_a_long_bulk_task_holds_the_bulk_worker(producer):
    import psycopg

    from tests.celery_worker import database_url

    client, url = producer
    neighbourhood = NeighbourhoodFactory()
    version, questions = survey(("confidence",))
    w = wave(version, [neighbourhood], opens=dt.date(2025, 1, 1))
    residents(w, neighbourhood, questions["confidence"], [20, 40, 60, 80, 100] * 3)
    figures = FactorScore.objects.filter(wave=w, neighbourhood=neighbourhood)
    figures.delete()  # whatever was worked out in-process: the worker's refresh must make them

    workers = []
    blocker = psycopg.connect(database_url().replace("postgres://", "postgresql://"))
    try:
        # The nightly recompute stops at its first write of its run record, and holds the bulk worker there.
        blocker.execute(f"LOCK TABLE {RecomputeRun._meta.db_table} IN EXCLUSIVE MODE")
        workers = [Worker("bulk", redis=url), Worker("interactive", redis=url)]
        for worker in workers:
            worker.wait_until_ready(client)
        recompute = client.send_task("indicators.engine.tasks.recompute_everything").id
        wait(someone_waits_on_a_lock, "the recompute to start on the bulk worker")

        client.send_task("indicators.engine.tasks.refresh_neighbourhood_wave", args=[w.pk, neighbourhood.pk])
        wait(figures.exists, "the refresh on the interactive worker", seconds=20)
        assert someone_waits_on_a_lock(), "the recompute is still running"
        assert not RecomputeRun.objects.filter(task_id=recompute).exists()

        blocker.rollback()
        wait(lambda: RecomputeRun.objects.filter(task_id=recompute, status="done").exists(), "the recompute")
    finally:
        blocker.close()
        for worker in workers:
            worker.kill()
