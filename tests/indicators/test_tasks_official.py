"""A real Celery worker is killed in the middle of an import; the re-delivered task loads the file exactly once."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from indicators.models import Import, Indicator, Observation
from indicators.services.catalogue import ensure_indicators
from tests.indicators.engine.test_worker import Worker, _database_url, _redis_url, _wait
from tests.indicators.official_helpers import CLAIMANTS_EXCEL, city_of_london_lsoas, values_by_area

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    """Uploaded files go to a temporary folder (a worker started by the test reads the same one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))


def test_a_worker_killed_mid_import_leaves_nothing_half_loaded_and_the_task_finishes_it():
    import psycopg
    import redis
    from celery import Celery

    ensure_indicators(Indicator)  # a transactional test may run after another has emptied the tables
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = Import(indicator=claimants, format=Import.Format.NOMIS, source="upload", file_name="claimants.csv")
    imp.file.save("claimants.csv", ContentFile(CLAIMANTS_EXCEL.read_bytes()), save=True)

    broker = redis.Redis.from_url(_redis_url())
    broker.flushdb()
    queue = f"import-kill-test-{uuid.uuid4().hex[:8]}"
    producer = Celery(broker=_redis_url())
    blocker = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))
    first = second = None
    try:
        # Hold the observations table so that the import stops inside its write, where we kill it.
        blocker.execute(f"LOCK TABLE {Observation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        first = Worker(queue)
        first.wait_until_ready(producer)
        producer.send_task("indicators.import_observations", args=[imp.pk], queue=queue)

        def writing() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                    [connection.settings_dict["NAME"]],
                )
                return cursor.fetchone()[0] > 0

        _wait(writing, "the import to reach its write")
        first.kill()
        blocker.rollback()
        imp.refresh_from_db()
        assert imp.status == Import.Status.RUNNING
        assert Observation.objects.count() == 0  # nothing half-loaded

        second = Worker(queue)
        second.wait_until_ready(producer)
        _wait(lambda: Import.objects.get(pk=imp.pk).status == Import.Status.SUCCEEDED, "the re-delivered import", 90)
    finally:
        blocker.close()
        for worker in (first, second):
            if worker:
                worker.kill()
        broker.flushdb()

    assert Observation.objects.count() == 5
    assert values_by_area(claimants)[("E01000003", "December 2017")][0] == 15
    assert Import.objects.get(pk=imp.pk).rows_inserted == 5
