"""Loading observations: check every row, then write them all at once, with provenance.

Every importer (Nomis, tidy council files, the Nomis client, the demo data) ends here:

1. ``parse_rows`` reads the whole file against a ``Layout`` (which column holds the
   area, the period, the value and the status) and raises ``ImportFileError`` naming
   line, column and reason at the first bad row. Nothing has been written yet.
2. ``write_observations`` stores the rows in one transaction. On PostgreSQL it
   COPYs them into a temporary staging table and upserts with one set-based
   ``INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE`` (value or status differ),
   after recording the values it is about to replace. Elsewhere (SQLite) it takes
   a portable path with the same result; ``tests/indicators/test_services_observations.py``
   proves it.
3. ``import_observations`` wraps both with the ``Import`` record: content hash,
   who, when, counts, unknown areas, errors and progress; the same file twice is
   a no-op; a successful import queues ``hooks.observations_changed`` after commit.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import BinaryIO

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from indicators.official import signals as hooks
from indicators.official.importing.files import ImportFileError, read_text, text_stream
from indicators.official.importing.periods import PeriodKey, parse_period
from indicators.official.models import Import, Indicator, Observation, ObservationRevision, ObservationStatus, Period
from indicators.places.models import LocalAuthority, SmallArea

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (phase, done, total)

AREA_CODE = re.compile(r"^[EWSNK]\d{8}$")
LOCAL_AUTHORITY_CODE = re.compile(r"^E0[6-9]\d{6}$")
NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")
GROUPED_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
MAX_INTEGER_DIGITS = 12
UNKNOWN_SAMPLE = 20
PROGRESS_EVERY = 25_000

# APS and Nomis query-tool markers, in the value cell or the status cell.
MARKERS = {
    "!": ObservationStatus.NO_ESTIMATE,
    "*": ObservationStatus.UNRELIABLE,
    "~": ObservationStatus.BELOW_500,
    "-": ObservationStatus.MISSING,
    "..": ObservationStatus.MISSING,
    ":": ObservationStatus.MISSING,
}

# Nomis OBS_STATUS codes.
STATUS_CODES = {
    "A": ObservationStatus.NORMAL,
    "B": ObservationStatus.BREAK,
    "E": ObservationStatus.ESTIMATED,
    "F": ObservationStatus.ESTIMATED,
    "I": ObservationStatus.ESTIMATED,
    "M": ObservationStatus.MISSING,
    "N": ObservationStatus.UNRELIABLE,
    "P": ObservationStatus.PROVISIONAL,
    "Q": ObservationStatus.MISSING,
    "S": ObservationStatus.MISSING,
    "U": ObservationStatus.UNRELIABLE,
    "X": ObservationStatus.MISSING,
    "R": ObservationStatus.ROUNDED,
}
# OBS_STATUS_NAME, as Nomis words them (compared case-insensitively), back to the code.
STATUS_NAMES = {
    "normal value": "A",
    "normal": "A",
    "break in series": "B",
    "estimated value": "E",
    "forecast value": "F",
    "imputed value": "I",
    "missing value; suppressed": "M",
    "not significant": "N",
    "provisional value": "P",
    "missing value; data cannot exist": "Q",
    "missing value": "Q",
    "missing": "Q",
    "strike": "S",
    "low reliability": "U",
    "missing value; data exists but was not collected": "X",
    "rounded": "R",
}
MISSING_STATUSES = {ObservationStatus.MISSING, ObservationStatus.NO_ESTIMATE}


@dataclass(frozen=True)
class Layout:
    """Where things are in a file's columns (indexes into the header)."""

    header: tuple[str, ...]
    area: int
    value: int
    periods: tuple[int, ...]  # tried in order: the first that reads wins
    status_code: int | None = None
    status_name: int | None = None
    filters: tuple[tuple[int, str], ...] = ()
    census: bool = False
    hint_columns: tuple[int, ...] = ()  # dimension columns worth naming when two rows clash

    def name(self, index: int | None) -> str | None:
        return None if index is None else self.header[index]


@dataclass
class ParsedFile:
    """Every row of a file, checked, ready to write. ``rows`` are
    ``(small_area_id, local_authority_id, period_index, value, status, status_code)``; ``value`` is a decimal
    string or None; ``period_index`` points into ``periods``."""

    rows: list[tuple] = field(default_factory=list)
    periods: list[PeriodKey] = field(default_factory=list)
    read: int = 0
    skipped: int = 0
    unknown_areas: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteResult:
    inserted: int
    updated: int
    unchanged: int


def find_column(header: Iterable[str], name: str) -> int | None:
    want = " ".join(name.split()).casefold()
    for index, column in enumerate(header):
        if " ".join(column.split()).casefold() == want:
            return index
    return None


def parse_filters(header: tuple[str, ...], where: dict[str, str] | None) -> tuple[tuple[int, str], ...]:
    filters = []
    for column, value in (where or {}).items():
        index = find_column(header, column)
        if index is None:
            raise ImportFileError(f"there is no column '{column}' to filter on", line=1, column=column)
        filters.append((index, value.strip()))
    return tuple(filters)


def read_header(text: str) -> tuple[csv.reader, tuple[str, ...]]:
    reader = csv.reader(text_stream(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"not a CSV file ({exc})", line=1) from exc
    header = tuple(h.strip() for h in header)
    if not any(header):
        raise ImportFileError("the first line is empty: expected a header", line=1)
    return reader, header


def _value(raw: str, line: int, column: str) -> str:
    """A decimal string, checked, at most four decimal places."""
    if not NUMBER.match(raw):
        if GROUPED_NUMBER.match(raw):  # Excel's "1,234"
            raw = raw.replace(",", "")
        else:
            raise ImportFileError(f"'{raw}' is not a number", line, column)
    if raw[0] == "+":
        raw = raw[1:]
    whole, _, fraction = raw.lstrip("-").partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ImportFileError(f"'{raw}' is too large", line, column)
    if len(fraction) > 4:
        raw = str(Decimal(raw).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return raw


def _status(code: str, name: str, marker: str, has_value: bool, layout: Layout, line: int) -> tuple[str, str]:
    """(status, status code kept from the file)."""
    if marker:
        return MARKERS[marker], marker
    if code:
        if code in MARKERS:
            return MARKERS[code], code
        status = STATUS_CODES.get(code.upper())
        if status is None:
            raise ImportFileError(f"'{code}' is not a status code we know", line, layout.name(layout.status_code))
        return status, code.upper()
    if name:
        if name in MARKERS:
            return MARKERS[name], name
        folded = " ".join(name.split()).casefold()
        found = STATUS_NAMES.get(folded)
        if found is None:
            raise ImportFileError(f"'{name}' is not a status we know", line, layout.name(layout.status_name))
        return STATUS_CODES[found], found
    return (ObservationStatus.NORMAL, "") if has_value else (ObservationStatus.MISSING, "")


def area_index() -> tuple[dict[str, int], dict[str, int]]:
    """Code → id for every small area and local authority we hold."""
    return (
        dict(SmallArea.objects.values_list("code", "id")),
        dict(LocalAuthority.objects.values_list("code", "id")),
    )


def parse_rows(
    text: str,
    reader,
    layout: Layout,
    *,
    areas: tuple[dict[str, int], dict[str, int]] | None = None,
    progress: Progress | None = None,
) -> ParsedFile:
    """Check every row against the layout; the first bad one raises ImportFileError. Writes nothing."""
    small_areas, local_authorities = areas or area_index()
    parsed = ParsedFile()
    rows = parsed.rows
    width = len(layout.header)
    period_cache: dict[tuple[str, ...], int] = {}
    status_cache: dict[tuple[str, str, str, bool], tuple[str, str]] = {}
    seen: dict[int, int] = {}
    unknown = parsed.unknown_areas
    area_at, value_at, periods_at = layout.area, layout.value, layout.periods
    code_at, name_at, filters = layout.status_code, layout.status_name, layout.filters
    total_lines = max(text.count("\n"), 1)
    value_column = layout.header[value_at]
    number_match = NUMBER.match
    for values in reader:
        line = reader.line_num
        parsed.read += 1
        if progress and parsed.read % PROGRESS_EVERY == 0:
            progress("checking", line, total_lines)
        if len(values) != width:
            if not any(v.strip() for v in values):
                parsed.read -= 1
                continue
            raise ImportFileError(
                f"has {len(values)} fields where the header has {width}: the file may be cut short or mis-quoted",
                line=line,
            )
        if filters and any(values[i].strip() != want for i, want in filters):
            parsed.skipped += 1
            continue
        # Period: read each distinct label once.
        labels = tuple(values[i] for i in periods_at)
        period = period_cache.get(labels)
        if period is None:
            period = _period(labels, layout, line, parsed.periods)
            period_cache[labels] = period
        # Value and status: checked on every row, ours or not.
        raw = values[value_at].strip()
        marker = ""
        if raw and not number_match(raw):
            if raw in MARKERS:
                marker, raw = raw, ""
            else:
                raw = _value(raw, line, value_column)
        elif raw and (raw[0] == "+" or len(raw) > 12 or ("." in raw and len(raw) - raw.index(".") > 5)):
            raw = _value(raw, line, value_column)
        status_key = (
            values[code_at].strip() if code_at is not None else "",
            values[name_at].strip() if name_at is not None else "",
            marker,
            bool(raw),
        )
        status = status_cache.get(status_key)
        if status is None:
            status = _status(*status_key, layout, line)
            if status[0] == ObservationStatus.NORMAL and not raw:
                raise ImportFileError("the value is empty but its status says it is a normal value", line, value_column)
            status_cache[status_key] = status
        # Area: ours, someone else's (counted), or not an area code at all (an error).
        code = values[area_at].strip()
        small_area = small_areas.get(code)
        local_authority = None
        if small_area is None:
            local_authority = local_authorities.get(code)
            if local_authority is None:
                if not AREA_CODE.match(code):
                    raise ImportFileError(
                        f"'{code}' is not an area code (a letter and eight digits, e.g. E01012345)",
                        line,
                        layout.header[area_at],
                    )
                unknown[code] = unknown.get(code, 0) + 1
                parsed.skipped += 1
                continue
            key = -local_authority * 100_000 - period
        else:
            key = small_area * 100_000 + period
        first = seen.setdefault(key, line)
        if first != line:
            raise ImportFileError(_duplicate_message(text, layout, code, first, values), line)
        rows.append((small_area, local_authority, period, raw or None, status[0], status[1]))
    if not parsed.read:
        raise ImportFileError("the file has a header but no rows", line=2)
    if progress:
        progress("checking", total_lines, total_lines)
    return parsed


def _period(labels: tuple[str, ...], layout: Layout, line: int, periods: list[PeriodKey]) -> int:
    reasons = []
    for index, label in zip(layout.periods, labels, strict=True):
        if not label.strip():
            continue
        try:
            key = parse_period(label.strip(), census=layout.census)
        except ValueError as exc:
            reasons.append((index, str(exc)))
            continue
        if key not in periods:
            periods.append(key)
        return periods.index(key)
    index, reason = reasons[0] if reasons else (layout.periods[0], "the period is empty")
    raise ImportFileError(reason, line, layout.header[index])


def _duplicate_message(text: str, layout: Layout, code: str, first: int, values: list[str]) -> str:
    message = f"area {code} has a second figure for the same period (first on line {first})"
    if layout.hint_columns:
        earlier = next(csv.reader(io.StringIO(text.splitlines()[first - 1])))
        differ = [i for i in layout.hint_columns if i < len(earlier) and earlier[i].strip() != values[i].strip()]
        if differ:
            column = layout.header[differ[0]]
            message += (
                f"; the rows differ in {', '.join(layout.header[i] for i in differ)}: "
                f'choose one with --where "{column}={earlier[differ[0]].strip()}"'
            )
    return message


# --- Writing ---------------------------------------------------------------------------------------------------


def _period_ids(keys: list[PeriodKey]) -> list[int]:
    existing = {(p.kind, p.start): p.id for p in Period.objects.filter(start__in={k.start for k in keys})}
    missing = []
    for key in keys:
        if (key.kind, key.start) not in existing:
            end, label = Period.describe(key.kind, key.start)
            missing.append(Period(kind=key.kind, start=key.start, end=end, label=label))
    if missing:
        Period.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {(p.kind, p.start): p.id for p in Period.objects.filter(start__in={k.start for k in keys})}
    return [existing[(k.kind, k.start)] for k in keys]


def write_observations(
    *, parsed: ParsedFile, indicator: Indicator, source_import: Import, method: str | None = None
) -> WriteResult:
    """Store checked rows for one indicator. Call inside a transaction.

    ``method`` "copy" (PostgreSQL only) or "portable"; by default the fastest the database offers.
    """
    period_ids = _period_ids(parsed.periods)
    method = method or ("copy" if connection.vendor == "postgresql" else "portable")
    if method == "copy":
        return _write_copy(parsed, period_ids, indicator.pk, source_import.pk)
    return _write_portable(parsed, period_ids, indicator.pk, source_import.pk)


def _write_portable(parsed: ParsedFile, period_ids: list[int], indicator_id: int, import_id: int) -> WriteResult:
    existing = {}
    for obs in Observation.objects.filter(indicator_id=indicator_id, period_id__in=set(period_ids)).only(
        "id", "small_area_id", "local_authority_id", "period_id", "value", "status", "status_code", "source_import_id"
    ):
        existing[(obs.small_area_id, obs.local_authority_id, obs.period_id)] = obs
    new, changed, revisions = [], [], []
    for small_area, local_authority, period, raw, status, code in parsed.rows:
        period_id = period_ids[period]
        value = None if raw is None else Decimal(raw)
        before = existing.get((small_area, local_authority, period_id))
        if before is None:
            new.append(
                Observation(
                    indicator_id=indicator_id,
                    period_id=period_id,
                    small_area_id=small_area,
                    local_authority_id=local_authority,
                    value=value,
                    status=status,
                    status_code=code,
                    source_import_id=import_id,
                )
            )
            continue
        if before.value == value and before.status == status and before.status_code == code:
            continue
        revisions.append(
            ObservationRevision(
                observation_id=before.id,
                replaced_by_id=import_id,
                previous_import_id=before.source_import_id,
                old_value=before.value,
                old_status=before.status,
                old_status_code=before.status_code,
                new_value=value,
                new_status=status,
                new_status_code=code,
            )
        )
        before.value, before.status, before.status_code, before.source_import_id = value, status, code, import_id
        changed.append(before)
    ObservationRevision.objects.bulk_create(revisions, batch_size=2000)
    Observation.objects.bulk_update(changed, ["value", "status", "status_code", "source_import"], batch_size=1000)
    Observation.objects.bulk_create(new, batch_size=2000)
    return WriteResult(len(new), len(changed), len(parsed.rows) - len(new) - len(changed))


STAGE = "official_observation_stage"
NULL = "\\N"  # COPY text format
ADVISORY_LOCK_CLASS = 4201  # pg_advisory_xact_lock(class, indicator id): imports of one indicator, one at a time

# {names} are our own table and column names, never input; values go in as parameters.
RECORD_REPLACED_SQL = (
    "INSERT INTO {rev} (observation_id, replaced_by_id, previous_import_id, old_value, old_status, old_status_code, "
    "new_value, new_status, new_status_code) "
    "SELECT o.id, %(import)s, o.source_import_id, o.value, o.status, o.status_code, s.value, s.status, s.status_code "
    "FROM {stage} s JOIN {obs} o "
    "ON o.indicator_id = %(indicator)s AND o.period_id = s.period_id AND o.{column} = s.{column} "
    "WHERE o.value IS DISTINCT FROM s.value OR o.status <> s.status OR o.status_code <> s.status_code"
)
COUNT_NEW_SQL = (
    "SELECT count(*) FROM {stage} s WHERE s.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {obs} o "
    "WHERE o.indicator_id = %(indicator)s AND o.period_id = s.period_id AND o.{column} = s.{column})"
)
UPSERT_SQL = (
    "INSERT INTO {obs} AS o (indicator_id, period_id, small_area_id, local_authority_id, "
    "value, status, status_code, source_import_id) "
    "SELECT %(indicator)s, period_id, small_area_id, local_authority_id, value, status, status_code, %(import)s "
    "FROM {stage} WHERE {column} IS NOT NULL "
    "ON CONFLICT (indicator_id, period_id, {column}) WHERE {column} IS NOT NULL DO UPDATE SET "
    "value = EXCLUDED.value, status = EXCLUDED.status, status_code = EXCLUDED.status_code, "
    "source_import_id = EXCLUDED.source_import_id "
    "WHERE o.value IS DISTINCT FROM EXCLUDED.value OR o.status <> EXCLUDED.status "
    "OR o.status_code <> EXCLUDED.status_code"
)


def _write_copy(parsed: ParsedFile, period_ids: list[int], indicator_id: int, import_id: int) -> WriteResult:
    obs = Observation._meta.db_table
    rev = ObservationRevision._meta.db_table
    params = {"indicator": indicator_id, "import": import_id}
    clock = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (small_area_id bigint, local_authority_id bigint, period_id bigint, "
            "value numeric(16, 4), status varchar(12), status_code varchar(4)) ON COMMIT DROP"
        )
        with cursor.copy(f"COPY {STAGE} FROM STDIN") as copy:
            ids = [str(p) for p in period_ids]
            buffer = []
            for small_area, local_authority, period, raw, status, code in parsed.rows:
                buffer.append(
                    f"{small_area or NULL}\t{local_authority or NULL}\t{ids[period]}\t"
                    f"{NULL if raw is None else raw}\t{status}\t{code}\n"
                )
                if len(buffer) >= 50_000:
                    copy.write("".join(buffer))
                    buffer.clear()
            copy.write("".join(buffer))
        cursor.execute(f"ANALYZE {STAGE}")
        logger.debug("staged %s rows in %.2f s", len(parsed.rows), time.perf_counter() - clock)
        # One import per indicator at a time: the counts below and the upsert then see the same table.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, indicator_id])
        inserted = updated = 0
        staged = {
            "small_area_id": sum(1 for row in parsed.rows if row[0]),
            "local_authority_id": sum(1 for row in parsed.rows if row[1]),
        }
        for column, count in staged.items():
            if not count:
                continue
            names = {"obs": obs, "rev": rev, "stage": STAGE, "column": column}
            cursor.execute(COUNT_NEW_SQL.format(**names), params)
            new = cursor.fetchone()[0]
            inserted += new
            if new < count:  # some rows exist already: keep the values about to be replaced
                cursor.execute(RECORD_REPLACED_SQL.format(**names), params)
                updated += cursor.rowcount  # each replaced value is one changed row
            logger.debug("%s: recorded replaced values at %.2f s", column, time.perf_counter() - clock)
            cursor.execute(UPSERT_SQL.format(**names), params)
            logger.debug("%s: upserted at %.2f s", column, time.perf_counter() - clock)
        cursor.execute(f"DROP TABLE {STAGE}")
    return WriteResult(inserted, updated, len(parsed.rows) - inserted - updated)


# --- The import, with its provenance --------------------------------------------------------------------------


def progress_key(import_id: int) -> str:
    return f"indicators:import-progress:{import_id}"


def import_progress(imp: Import) -> dict:
    """What the browser shows while an import runs: the phase and per cent done."""
    live = cache.get(progress_key(imp.pk)) if not imp.finished else None
    if live:
        return live
    return {"phase": imp.get_status_display(), "percent": 100 if imp.finished else imp.progress}


def _progress_reporter(imp: Import, extra: Progress | None) -> Progress:
    # Checking is the first 70%, writing the rest. The figure goes to the cache (seen across transactions)
    # and, outside the write transaction, to the import row.
    def report(phase: str, done: int, total: int) -> None:
        share = done / total if total else 1
        percent = int(share * 70) if phase == "checking" else 70 + int(share * 30)
        cache.set(progress_key(imp.pk), {"phase": phase, "percent": percent}, 60 * 60)
        if extra:
            extra(phase, done, total)

    return report


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_source(source: str | Path | BinaryIO | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise ImportFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    return source.read()


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
    raw = read_source(source)
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
    imp.sha256 = sha256_of(raw)
    imp.status = Import.Status.RUNNING
    imp.started_at = timezone.now()
    imp.errors = []
    imp.save()
    report = _progress_reporter(imp, progress)
    try:
        same = _same_file_already_stored(imp)
        if same is not None:
            _finish(imp, status=Import.Status.UNCHANGED, same_as=same, rows_read=same.rows_read)
            return imp
        text = read_text(raw)
        reader, header = read_header(text)
        layout = make_layout(header)
        parsed = parse_rows(text, reader, layout, progress=report)
        imp.rows_read, imp.rows_skipped = parsed.read, parsed.skipped
        imp.unknown_area_count = len(parsed.unknown_areas)
        imp.unknown_area_sample = sorted(parsed.unknown_areas)[:UNKNOWN_SAMPLE]
        imp.progress = 70
        imp.save(update_fields=["rows_read", "rows_skipped", "unknown_area_count", "unknown_area_sample", "progress"])
        report("writing", 0, 1)
        with transaction.atomic():
            result = write_observations(parsed=parsed, indicator=indicator, source_import=imp, method=method)
            _finish(
                imp,
                status=Import.Status.SUCCEEDED,
                rows_inserted=result.inserted,
                rows_updated=result.updated,
                rows_unchanged=result.unchanged,
            )
            if result.inserted or result.updated:
                transaction.on_commit(lambda: hooks.notify_observations_changed(imp.pk))
        report("writing", 1, 1)
    except ImportFileError as exc:
        error = {"line": exc.line, "column": exc.column, "message": exc.message}
        _finish(imp, status=Import.Status.FAILED, errors=[error])
        raise
    except Exception as exc:
        _finish(imp, status=Import.Status.FAILED, errors=[{"line": None, "column": None, "message": repr(exc)}])
        raise
    finally:
        cache.delete(progress_key(imp.pk))
    return imp


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
