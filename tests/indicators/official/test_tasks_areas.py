"""A file of areas queued as a real upload is run by a real Celery worker listening on the bulk queue only, routed
there by CELERY_TASK_ROUTES: the areas are stored and the Import says so."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from indicators.official.models import Import
from indicators.places.models import SmallArea
from tests.celery_worker import Worker, wait
from tests.factories import LocalAuthorityFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
WARDS = Path(__file__).resolve().parents[2] / "data" / "areas" / "wards_2025_darlington_hartlepool.csv"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))


def test_an_areas_upload_runs_on_a_worker_of_the_bulk_queue():
    import redis
    from celery import Celery

    LocalAuthorityFactory(code="E06000005", name="Darlington")
    LocalAuthorityFactory(code="E06000001", name="Hartlepool")
    imp = Import(
        format=Import.Format.AREAS,
        source="upload",
        file_name="wards.csv",
        options={"kind": "ward", "code_column": "WD25CD", "name_column": "WD25NM", "authority_column": "LAD25CD"},
    )
    imp.file.save("wards.csv", ContentFile(WARDS.read_bytes()), save=True)

    url = os.environ["REDIS_URL"]  # this run's own Redis database, not the shared one of the kill tests
    broker = redis.Redis.from_url(url)
    broker.flushdb()
    producer = Celery(broker=url)
    producer.conf.task_routes = settings.CELERY_TASK_ROUTES
    worker = Worker("bulk", redis=url)
    try:
        worker.wait_until_ready(producer)
        producer.send_task("indicators.import_areas", args=[imp.pk])  # routed, not told the queue
        wait(lambda: Import.objects.get(pk=imp.pk).finished, "the worker to run the import", 120)
    finally:
        worker.kill()
        broker.flushdb()
    imp.refresh_from_db()
    assert (imp.status, imp.rows_inserted, imp.attempts) == (Import.Status.SUCCEEDED, 32, 1)
    assert SmallArea.objects.filter(kind="ward").count() == 32
