"""Queueing an uploaded file for import: kept with a queued ``Import``, run by the Celery task after commit.

Running a queued import (what the task calls) is ``import_runs``; the task module imports that one, and this
one imports the task.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile, File
from django.db import transaction

from indicators.official.importing.files import ImportFileError
from indicators.official.models import Import, Indicator
from indicators.official.tasks import import_areas_task, import_observations_task

logger = logging.getLogger(__name__)


def import_queue(
    *,
    content: bytes | File,
    file_name: str,
    indicator: Indicator | None,
    format: str,  # noqa: A002
    options: dict | None = None,
    user=None,
    source_label: str = "upload",
    dataset_id: str = "",
) -> Import:
    """Keep the file with a queued Import and run it in the background once this transaction commits. An upload
    is passed as the File it is: storage copies (or moves) it in chunks, never holding it whole in memory.
    A file of areas (``format="areas"``, no indicator; its kind and columns in ``options``) goes to its own task."""
    imp = Import(
        indicator=indicator,
        format=format,
        source=source_label,
        file_name=file_name,
        dataset_id=dataset_id or (indicator.dataset_id if indicator else ""),
        options=options or {},
        created_by=user if user is not None and user.is_authenticated else None,
        status=Import.Status.QUEUED,
    )
    imp.file.save(file_name, ContentFile(content) if isinstance(content, bytes) else content, save=False)
    imp.save()
    task = import_areas_task if imp.is_areas else import_observations_task
    transaction.on_commit(lambda: _enqueue(task, imp.pk))
    return imp


def _enqueue(task, import_id: int) -> None:
    try:
        task.delay(import_id)
    except ImportFileError:
        pass  # recorded on the Import by the service; eager mode raises it here
    except Exception:
        # The broker is down: the Import stays queued, with its file, for import_run_queued to pick up.
        logger.exception("could not queue import %s; it stays queued", import_id)
