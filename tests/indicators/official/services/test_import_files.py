"""Uploaded files: written readable by the site's user only, and deleted once their import has finished and the
retention period has passed; the import keeps the file's name and SHA-256."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from indicators.official.models import Import, Indicator
from indicators.official.services.import_files import import_files_expire
from indicators.official.services.import_runs import import_run
from indicators.official.services.imports import import_queue
from indicators.official.tasks import delete_expired_import_files_task
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def uploaded(name: str = "claimants.csv", content: bytes | None = None) -> Import:
    """An upload through the service the imports page uses (the task runs in-process in these tests)."""
    if content is None:
        city_of_london_lsoas()
        content = CLAIMANTS_EXCEL.read_bytes()
    claimants = Indicator.objects.get(slug="claimant-count")
    return import_queue(content=SimpleUploadedFile(name, content), file_name=name, indicator=claimants, format="nomis")


def mode(path: str | Path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def test_an_uploaded_file_and_its_folders_are_for_the_sites_user_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        imp = uploaded()
    path = Path(imp.file.path)
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700  # imports/<year>/<month>/
    assert mode(path.parent.parent) == 0o700


def test_a_finished_import_keeps_its_file_until_the_retention_has_passed(settings, django_capture_on_commit_callbacks):
    settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        imp = uploaded()
    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED
    path = Path(imp.file.path)
    sha256 = imp.sha256

    assert import_files_expire(now=imp.finished_at + dt.timedelta(days=29)) == 0
    assert path.exists()
    assert import_files_expire(now=imp.finished_at + dt.timedelta(days=30, seconds=1)) == 1
    assert not path.exists()
    imp.refresh_from_db()
    assert imp.file.name == ""
    assert imp.file_deleted_at is not None
    assert (imp.file_name, imp.sha256, imp.status) == ("claimants.csv", sha256, Import.Status.SUCCEEDED)
    assert import_files_expire(now=timezone.now() + dt.timedelta(days=60)) == 0  # nothing left to delete


def test_a_failed_import_loses_its_file_too_and_the_nightly_task_does_it(settings, django_capture_on_commit_callbacks):
    settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        imp = uploaded("broken.csv", b"not,a,nomis,file\n1,2,3,4\n")
    imp.refresh_from_db()
    assert imp.status == Import.Status.FAILED
    path = Path(imp.file.path)
    Import.objects.filter(pk=imp.pk).update(finished_at=timezone.now() - dt.timedelta(days=31))
    assert delete_expired_import_files_task.delay().get() == 1
    assert not path.exists()
    imp.refresh_from_db()
    assert (imp.file.name, imp.file_name) == ("", "broken.csv")
    assert imp.errors  # why it failed is kept


def test_a_queued_import_keeps_its_file_however_old(settings, django_capture_on_commit_callbacks):
    settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS = 0
    with django_capture_on_commit_callbacks(execute=False):
        imp = uploaded()
    Import.objects.filter(pk=imp.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    assert import_files_expire() == 0
    assert Path(imp.file.path).exists()


def test_a_retention_of_zero_deletes_the_file_as_soon_as_the_import_finishes(
    settings, django_capture_on_commit_callbacks
):
    settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS = 0
    with django_capture_on_commit_callbacks(execute=False):
        imp = uploaded()
    path = Path(imp.file.path)
    assert path.exists()
    imp = import_run(import_id=imp.pk)
    assert imp.status == Import.Status.SUCCEEDED
    assert not path.exists()
    imp.refresh_from_db()
    assert (imp.file.name, imp.file_name) == ("", "claimants.csv")
    assert imp.sha256


def test_the_nightly_deletion_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "indicators.delete_expired_import_files" in tasks
