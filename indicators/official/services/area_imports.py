"""A file of areas uploaded on the imports page: run by the worker as an ``Import`` of format ``areas``, so that it
is kept, counted, retried, given up on and deleted by the same rules as a file of figures (``import_runs``,
``import_files``). The checking and storing are ``importing.areas.areas_import``, as the ``import_areas`` command
uses them; this module records what it did on the Import and how far it has got for the page that shows it."""

from __future__ import annotations

from pathlib import Path

from django.core.cache import cache
from django.utils import timezone

from indicators.official.importing.areas import areas_import
from indicators.official.importing.files import ImportFileError, bounded_errors, error_record, file_sha256
from indicators.official.importing.observations import progress_key
from indicators.official.models import Import

# Area options the upload form may set, as ``areas_import`` names them.
AREA_OPTIONS = ("kind", "code_column", "name_column", "authority_column", "members_column")
CHECKING_SHARE = 70  # checking the rows is the first 70% of the bar, storing them the rest


def areas_import_run(imp: Import, progress=None) -> Import:
    """Check the Import's stored file of areas whole, then store it (``areas_import``: one transaction, all or
    nothing). A bad file marks the import failed with its line or feature and column; nothing is changed."""
    imp.sha256 = file_sha256(Path(imp.file.path))
    imp.status = Import.Status.RUNNING
    imp.started_at = timezone.now()
    imp.errors = []
    imp.save(update_fields=["sha256", "status", "started_at", "errors"])
    options = {k: v for k, v in (imp.options or {}).items() if k in AREA_OPTIONS}
    try:
        # The GeoJSON reader streams from a path; the stored upload is one.
        result = areas_import(source=Path(imp.file.path), progress=_reporter(imp, progress), **options)
    except ImportFileError as exc:
        _finish(imp, status=Import.Status.FAILED, errors=bounded_errors([error_record(exc)]))
    else:
        imp.options = {**imp.options, "read_as": result.format, "outlines": result.outlines}
        _finish(
            imp,
            status=Import.Status.SUCCEEDED,
            rows_read=result.rows,
            rows_inserted=result.created,
            rows_updated=result.updated,
            rows_unchanged=result.unchanged,
        )
    finally:
        cache.delete(progress_key(imp.pk))
    return imp


def _finish(imp: Import, **fields) -> None:
    for name, value in fields.items():
        setattr(imp, name, value)
    imp.finished_at = timezone.now()
    imp.progress = 100
    imp.save()


def _reporter(imp: Import, extra):
    def report(phase: str, done: int, total: int) -> None:
        if phase == "checking":
            percent = int(done / total * CHECKING_SHARE) if total else None
        else:
            percent = CHECKING_SHARE + int((done / total if total else 1) * (100 - CHECKING_SHARE))
        cache.set(progress_key(imp.pk), {"phase": phase, "done": done, "total": total, "percent": percent}, 60 * 60)
        if extra:
            extra(phase, done, total)

    return report


def area_import_progress(imp: Import) -> dict:
    """What the page shows while a file of areas is checked and stored: a sentence with the rows done, and the
    per cent (None while a GeoJSON's length is not yet known)."""
    live = cache.get(progress_key(imp.pk)) if not imp.finished else None
    if imp.finished:
        return {"phase": "finished", "percent": 100, "words": imp.get_status_display().lower(), "text": ""}
    if not live:
        words = "waiting for a worker" if imp.status == Import.Status.QUEUED else "starting"
        return {"phase": imp.status, "percent": 0, "words": words, "text": f"{words.capitalize()}."}
    done, total = live["done"], live["total"]
    if live["phase"] == "checking":
        words = "checking every row"
        text = f"Checking every row: {done:,} of {total:,} checked." if total else f"Checking: {done:,} checked so far."
    else:
        words = "storing the areas"
        text = f"Storing the areas: {done:,} of {total:,} stored (or found unchanged)."
    return {"phase": live["phase"], "percent": live["percent"], "words": words, "text": text}
