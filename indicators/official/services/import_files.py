"""Keeping uploaded files only as long as they are needed: once an import has finished (stored, unchanged or
failed), its file is deleted after ``REBALANCE_IMPORT_FILE_RETENTION_DAYS`` (0: as soon as it finishes). The
Import keeps the file's name and SHA-256, which is what its provenance needs."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from indicators.official.models import Import

logger = logging.getLogger(__name__)

FINISHED = [Import.Status.SUCCEEDED, Import.Status.UNCHANGED, Import.Status.FAILED]


def retention() -> dt.timedelta:
    """How long a finished import's file is kept."""
    return dt.timedelta(days=settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS)


def import_file_kept_until(imp: Import) -> dt.datetime | None:
    """When a finished import's stored file is due to be deleted (None while it runs, or once it is gone)."""
    if not imp.file or not imp.finished or imp.finished_at is None:
        return None
    return imp.finished_at + retention()


def import_files_expire(*, import_ids: list[int] | None = None, now: dt.datetime | None = None) -> int:
    """Delete the stored files of finished imports past the retention period (of these imports only, when
    given). Returns how many were deleted. Safe to run twice: a file already gone is simply forgotten."""
    now = now or timezone.now()
    cutoff = now - retention()
    due = Import.objects.exclude(file="").filter(status__in=FINISHED, finished_at__lte=cutoff)
    if import_ids is not None:
        due = due.filter(pk__in=import_ids)
    deleted = 0
    for pk, name in due.values_list("pk", "file"):
        # The file first: if this stops between the two, the next run deletes nothing and forgets the name.
        Import.file.field.storage.delete(name)
        deleted += Import.objects.filter(pk=pk, file=name).update(file="", file_deleted_at=now)
    if deleted:
        logger.info("deleted %s stored upload(s) past their retention", deleted)
    return deleted
