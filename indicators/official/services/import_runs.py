"""Running a queued import (what the Celery task calls), once, by whoever holds it, and giving up on one that
has stopped its worker too often (a task whose worker dies is delivered again, so without a count a file that
kills the worker would be tried for ever)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.utils import timezone

from indicators.official.importing.files import ImportFileError, bounded_errors
from indicators.official.importing.nomis import nomis_import
from indicators.official.importing.observations import progress_key
from indicators.official.importing.tidy import tidy_import
from indicators.official.models import Import
from indicators.official.services.area_imports import areas_import_run
from indicators.official.services.import_files import import_files_expire


class ImportBusyError(Exception):
    """Another process holds the import; the task retries until it can take it or finds it finished."""


RUN_LOCK_CLASS = 4202  # pg_try_advisory_lock(class, import id): who is running an import right now


@contextmanager
def _claimed(import_id: int):
    """True while this process holds the import. On PostgreSQL a session advisory lock: if the worker dies, its
    connection closes and the lock goes with it, so a re-delivered task can take the import over. SQLite runs
    tasks in-process, one at a time: nothing to claim."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, import_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK_CLASS, import_id])


def import_run(*, import_id: int, progress=None) -> Import:
    """Run a queued import (or one whose worker died part-way). Safe to run twice, even at once: only the holder of
    the import's lock runs it, a finished import is left alone, and a file already stored is recognised by its
    hash. The write is one transaction, so a run that dies part-way has stored nothing.

    Each run is counted before it starts; the run after ``REBALANCE_IMPORT_MAX_ATTEMPTS`` runs that never
    finished (each stopped its worker) marks the import failed instead of reading the file again."""
    with _claimed(import_id) as held:
        imp = Import.objects.select_related("indicator").get(pk=import_id)
        if imp.finished:
            return imp
        if not held:
            # Someone holds it: a live run, or a dead worker's session the database has not yet let go of.
            raise ImportBusyError(f"Import {import_id} is being run elsewhere; try again shortly.")
        imp.attempts = _count_attempt(import_id)
        limit = settings.REBALANCE_IMPORT_MAX_ATTEMPTS
        imp = _give_up(imp, stopped=imp.attempts - 1) if imp.attempts > limit else _run(imp, progress)
    import_files_expire(import_ids=[import_id])  # a retention of 0 deletes the file now
    return imp


def _count_attempt(import_id: int) -> int:
    # One UPDATE, committed before the run starts, so a worker killed mid-run has already counted it.
    Import.objects.filter(pk=import_id).update(attempts=F("attempts") + 1)
    return Import.objects.values_list("attempts", flat=True).get(pk=import_id)


def _give_up(imp: Import, *, stopped: int) -> Import:
    message = (
        f"the worker stopped {stopped} time{'s' if stopped != 1 else ''} while reading this file, so it is not "
        "tried again (REBALANCE_IMPORT_MAX_ATTEMPTS); it may be too large or malformed: check it, or split it, "
        "and upload it again"
    )
    imp.status = Import.Status.FAILED
    imp.errors = bounded_errors([{"line": None, "column": None, "message": message}])
    imp.finished_at = timezone.now()
    imp.progress = 100
    imp.save(update_fields=["status", "errors", "finished_at", "progress"])
    cache.delete(progress_key(imp.pk))
    return imp


def _run(imp: Import, progress) -> Import:
    if imp.is_areas:
        return areas_import_run(imp, progress)
    options = imp.options or {}
    with imp.file.open("rb") as handle:  # read in chunks by the importer, never whole
        return _run_file(imp, handle, options, progress)


def _run_file(imp: Import, handle, options: dict, progress) -> Import:
    common = {
        "source": handle,
        "indicator": imp.indicator,
        "file_name": imp.file_name,
        "existing": imp,
        "where": options.get("where") or None,
        "progress": progress,
    }
    try:
        if imp.format == Import.Format.TIDY:
            return tidy_import(
                area_column=options["area_column"],
                period_column=options["period_column"],
                value_column=options["value_column"],
                status_column=options.get("status_column", ""),
                **common,
            )
        return nomis_import(**common)
    except ImportFileError:
        imp.refresh_from_db()
        return imp


def import_run_queued(*, older_than: dt.timedelta = dt.timedelta(0)) -> list[int]:
    """Run every import still queued (the broker was down) or left running by a worker that died. Returns the ids
    it tried; those another worker holds are left to it."""
    queued = Import.objects.filter(
        status__in=[Import.Status.QUEUED, Import.Status.RUNNING], created_at__lte=timezone.now() - older_than
    )
    ids = list(queued.exclude(file="").values_list("pk", flat=True))
    for import_id in ids:
        import_run(import_id=import_id)
    return ids
