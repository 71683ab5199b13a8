"""The import itself: the ``Import`` record (content hash, who, when, counts, unknown areas, errors and progress)
around checking and writing a file. The same file twice is a no-op; a successful import that changed figures
sends ``signals.notify_observations_changed`` after commit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.official import signals as hooks
from indicators.official.importing.files import bounded_errors, error_record, file_sha256, read_text
from indicators.official.importing.observations.layout import Layout
from indicators.official.importing.observations.progress import Progress, progress_key, progress_reporter
from indicators.official.importing.observations.reading import parse_rows, read_header, scan_periods
from indicators.official.importing.observations.writing import stream_first_import, write_observations
from indicators.official.models import Import, Indicator

UNKNOWN_SAMPLE = 20


def import_observations(
    *,
    source: str | Path | BinaryIO | bytes,
    indicator: Indicator,
    make_layout: Callable[[tuple[str, ...]], Layout],
    format: str,  # noqa: A002
    file_name: str = "",
    source_label: str = "command line",
    dataset_id: str = "",
    options: dict | None = None,
    user=None,
    existing: Import | None = None,
    progress: Progress | None = None,
    method: str | None = None,
) -> Import:
    """Check a whole file, then store it; returns the Import. A bad file raises ImportFileError after
    recording the failed Import (status failed, with the error): no observation is touched."""
    if not isinstance(source, (bytes, str, Path)) and not source.seekable():
        source = source.read()  # a stream read once (a pipe): it is hashed and read from memory
    file_name = file_name or (str(source) if isinstance(source, (str, Path)) else "upload")
    imp = existing or Import(
        indicator=indicator,
        format=format,
        source=source_label,
        file_name=Path(file_name).name,
        dataset_id=dataset_id or indicator.dataset_id,
        options=options or {},
        created_by=user if user is not None and user.is_authenticated else None,
    )
    _start(imp, source)
    report = progress_reporter(imp, progress)
    try:
        same = _same_file_already_stored(imp)
        if same is not None:
            _finish(imp, status=Import.Status.UNCHANGED, same_as=same, rows_read=same.rows_read)
            return imp
        _check_and_write(imp, source, indicator=indicator, make_layout=make_layout, report=report, method=method)
    except Exception as exc:
        _finish(imp, status=Import.Status.FAILED, errors=bounded_errors([error_record(exc)]))
        raise
    finally:
        cache.delete(progress_key(imp.pk))
    return imp


def _start(imp: Import, source: str | Path | BinaryIO | bytes) -> None:
    imp.sha256 = file_sha256(source)  # in chunks: the file is not held to be hashed
    imp.status = Import.Status.RUNNING
    imp.started_at = timezone.now()
    imp.errors = []
    imp.save()


def _check_and_write(
    imp: Import,
    source: str | Path | BinaryIO | bytes,
    *,
    indicator: Indicator,
    make_layout,
    report: Progress,
    method: str | None,
) -> None:
    """Check every row (recording the counts), then write them all in one transaction; an indicator's first import
    on PostgreSQL is written as it is checked, in the same transaction (writing.StreamedFirstImport)."""
    text = read_text(source, progress=lambda done, total: report("reading", done, total))
    reader, header = read_header(text)
    layout = make_layout(header)
    with transaction.atomic():
        stream = None
        if layout.sum_over is None:
            stream = stream_first_import(
                indicator=indicator, source_import=imp, method=method, periods=lambda: scan_periods(text, layout)
            )
        if stream is not None:
            with stream:
                parsed = parse_rows(text, reader, layout, progress=report, sink=stream)
                report("writing", 0, 1)  # the last block, and the references checked once for each COPY
            _record_counts(imp, parsed)
            _store(imp, stream.result)
            report("writing", 1, 1)
            return
    parsed = parse_rows(text, reader, layout, progress=report)
    _record_counts(imp, parsed)
    report("writing", 0, 1)
    with transaction.atomic():
        _store(imp, write_observations(parsed=parsed, indicator=indicator, source_import=imp, method=method))
    report("writing", 1, 1)


def _record_counts(imp: Import, parsed) -> None:
    imp.rows_read, imp.rows_skipped = parsed.read, parsed.skipped
    imp.unknown_area_count = len(parsed.unknown_areas)
    imp.unknown_area_sample = sorted(parsed.unknown_areas)[:UNKNOWN_SAMPLE]
    imp.progress = 70
    imp.save(update_fields=["rows_read", "rows_skipped", "unknown_area_count", "unknown_area_sample", "progress"])


def _store(imp: Import, result) -> None:
    """Record a write's counts and finish the import; the hooks run after commit, if figures changed."""
    _finish(
        imp,
        status=Import.Status.SUCCEEDED,
        rows_inserted=result.inserted,
        rows_updated=result.updated,
        rows_unchanged=result.unchanged,
    )
    if result.inserted or result.updated:
        transaction.on_commit(lambda: hooks.notify_observations_changed(imp.pk))


def _same_file_already_stored(imp: Import) -> Import | None:
    """The earlier import of this very file for this indicator, if nothing has changed the figures since."""
    same = (
        Import.objects.filter(indicator_id=imp.indicator_id, sha256=imp.sha256, status=Import.Status.SUCCEEDED)
        .exclude(pk=imp.pk)
        .order_by("-pk")
        .first()
    )
    if same is None:
        return None
    later_changes = (
        Import.objects.filter(indicator_id=imp.indicator_id, status=Import.Status.SUCCEEDED, pk__gt=same.pk)
        .exclude(pk=imp.pk)
        .filter(Q(rows_inserted__gt=0) | Q(rows_updated__gt=0))
        .exists()
    )
    return None if later_changes else same


def _finish(imp: Import, **fields) -> None:
    for name, value in fields.items():
        setattr(imp, name, value)
    imp.finished_at = timezone.now()
    imp.progress = 100
    imp.save()
