"""Running a queued import (what the Celery task calls), once, by whoever holds it."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.db import connection
from django.utils import timezone

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.nomis import nomis_import
from indicators.official.importing.tidy import tidy_import
from indicators.official.models import Import


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
    hash. The write is one transaction, so a run that dies part-way has stored nothing."""
    with _claimed(import_id) as held:
        imp = Import.objects.select_related("indicator").get(pk=import_id)
        if imp.finished:
            return imp
        if not held:
            # Someone holds it: a live run, or a dead worker's session the database has not yet let go of.
            raise ImportBusyError(f"Import {import_id} is being run elsewhere; try again shortly.")
        return _run(imp, progress)


def _run(imp: Import, progress) -> Import:
    options = imp.options or {}
    with imp.file.open("rb") as handle:
        content = handle.read()
    common = {
        "source": content,
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
