"""A real Celery worker is killed in the middle of an import; the re-delivered task loads the file exactly once."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Import, Indicator, Observation
from tests.celery_worker import Worker, broker_and_blocker, someone_waits_on_a_lock, wait
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas, values_by_area

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    """Uploaded files go to a temporary folder (a worker started by the test reads the same one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))


def test_a_worker_killed_mid_import_leaves_nothing_half_loaded_and_the_task_finishes_it():
    ensure_indicators(Indicator)  # a transactional test may run after another has emptied the tables
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = Import(indicator=claimants, format=Import.Format.NOMIS, source="upload", file_name="claimants.csv")
    imp.file.save("claimants.csv", ContentFile(CLAIMANTS_EXCEL.read_bytes()), save=True)

    first = second = None
    with broker_and_blocker("import-kill-test") as (producer, queue, blocker):
        try:
            # Hold the observations table so that the import stops inside its write, where we kill it.
            blocker.execute(f"LOCK TABLE {Observation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            first = Worker(queue)
            first.wait_until_ready(producer)
            producer.send_task("indicators.import_observations", args=[imp.pk], queue=queue)
            wait(someone_waits_on_a_lock, "the import to reach its write")
            first.kill()
            blocker.rollback()
            imp.refresh_from_db()
            assert imp.status == Import.Status.RUNNING
            assert Observation.objects.count() == 0  # nothing half-loaded

            second = Worker(queue)
            second.wait_until_ready(producer)
            wait(
                lambda: Import.objects.get(pk=imp.pk).status == Import.Status.SUCCEEDED, "the re-delivered import", 180
            )
        finally:
            for worker in (first, second):
                if worker:
                    worker.kill()

    assert Observation.objects.count() == 5
    assert values_by_area(claimants)[("E01000003", "December 2017")][0] == 15
    assert Import.objects.get(pk=imp.pk).rows_inserted == 5
