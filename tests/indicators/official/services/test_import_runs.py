"""Running a queued import: each run is counted when it starts, and an import whose runs stopped the worker
REBALANCE_IMPORT_MAX_ATTEMPTS times is marked failed instead of being read again (the real-worker version, with the
worker killed each time, is in tests/indicators/official/test_tasks.py)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from indicators.official.models import Import, Indicator, Observation
from indicators.official.services.import_runs import import_run
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def stored_upload(content: bytes, name: str = "claimants.csv") -> Import:
    """An upload as the imports page leaves it: queued, with its file (not yet run, as the task is not here)."""
    imp = Import(
        indicator=Indicator.objects.get(slug="claimant-count"),
        format=Import.Format.NOMIS,
        source="upload",
        file_name=name,
    )
    imp.file.save(name, ContentFile(content), save=True)
    return imp


def stopped_runs(imp: Import, times: int) -> None:
    """As a worker killed mid-run leaves it: the run counted, the import still running."""
    Import.objects.filter(pk=imp.pk).update(attempts=times, status=Import.Status.RUNNING)


def test_a_run_is_counted_and_a_run_that_finishes_once_is_counted_once():
    city_of_london_lsoas()
    imp = import_run(import_id=stored_upload(CLAIMANTS_EXCEL.read_bytes()).pk)
    assert imp.status == Import.Status.SUCCEEDED
    assert Import.objects.get(pk=imp.pk).attempts == 1
    assert import_run(import_id=imp.pk).attempts == 1  # finished: left alone, not counted again


def test_an_import_whose_worker_stopped_up_to_the_cap_is_still_run(settings):
    settings.REBALANCE_IMPORT_MAX_ATTEMPTS = 3
    city_of_london_lsoas()
    imp = stored_upload(CLAIMANTS_EXCEL.read_bytes())
    stopped_runs(imp, 2)
    assert import_run(import_id=imp.pk).status == Import.Status.SUCCEEDED
    assert Observation.objects.count() == 5


def test_an_import_whose_worker_stopped_more_than_the_cap_is_failed_with_the_reason_and_not_read(settings):
    settings.REBALANCE_IMPORT_MAX_ATTEMPTS = 3
    city_of_london_lsoas()
    imp = stored_upload(CLAIMANTS_EXCEL.read_bytes())
    stopped_runs(imp, 3)
    imp = import_run(import_id=imp.pk)
    assert imp.status == Import.Status.FAILED
    assert imp.attempts == 4
    assert imp.errors == [
        {
            "line": None,
            "column": None,
            "message": "the worker stopped 3 times while reading this file, so it is not tried again "
            "(REBALANCE_IMPORT_MAX_ATTEMPTS); it may be too large or malformed: check it, or split it, and upload "
            "it again",
        }
    ]
    assert imp.sha256 == ""  # the file was not read again
    assert Observation.objects.count() == 0
    assert import_run(import_id=imp.pk).status == Import.Status.FAILED  # and a later delivery leaves it so
