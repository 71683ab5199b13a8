"""Writing checked rows for one indicator, inside the caller's transaction, recording each value it replaces.

On PostgreSQL the rows are COPYed into a temporary staging table and upserted with one set-based
``INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE`` (value or status differ); when none of them is stored yet (a
first import) a plain ``INSERT … SELECT``, which spares the unique index a speculative insertion per row, and
one probe of that index (is anything of the indicator stored for these periods?) stands in for counting which
staged rows are new. Either
statement's references (indicator, periods, areas, import) are checked set-based by the observation table's
statement-level trigger (migration 0010), in one query per reference. Elsewhere (SQLite) a portable path gives
the same result; ``tests/indicators/official/importing/test_observations.py`` proves it.

An indicator's very first import (nothing of it stored) is streamed instead (``StreamedFirstImport``): each block
of checked rows is COPYed straight into the observation table while the next block is checked, so that
PostgreSQL's work (the rows, their indexes) runs on another core beside the check rather than after it. Nothing is
visible before the transaction commits, and the first bad row aborts the COPY and rolls back all of it, so a bad
file still changes nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from indicators.official.importing.observations.reading import ParsedFile
from indicators.official.importing.periods import PeriodKey
from indicators.official.models import Import, Indicator, Observation, ObservationRevision, Period

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WriteResult:
    inserted: int
    updated: int
    unchanged: int


def write_observations(
    *, parsed: ParsedFile, indicator: Indicator, source_import: Import, method: str | None = None
) -> WriteResult:
    """Store checked rows for one indicator. Call inside a transaction.

    ``method`` "copy" (PostgreSQL only) or "portable"; by default the fastest the database offers.
    (``import_observations`` also takes "stream", its default on PostgreSQL: see ``stream_first_import``.)
    """
    period_ids = _period_ids(parsed.periods)
    if method in (None, "stream"):  # "stream" applies to first imports only (stream_first_import)
        method = "copy" if connection.vendor == "postgresql" else "portable"
    if method == "copy":
        return _write_copy(parsed, period_ids, indicator.pk, source_import.pk)
    return _write_portable(parsed, period_ids, indicator.pk, source_import.pk)


def stream_first_import(
    *, indicator: Indicator, source_import: Import, method: str | None = None, periods: Callable[[], list[PeriodKey]]
):
    """A ``StreamedFirstImport`` when this is the indicator's first import on PostgreSQL, else None (the rows are
    then checked first and written by ``write_observations``). ``periods`` gives the file's periods, asked for
    only when streaming. Call inside the import's transaction."""
    if method not in (None, "stream") or connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # Nothing of the indicator can be stored between this probe and the commit.
        _lock_indicator(cursor, indicator.pk)
        cursor.execute(ANY_OF_INDICATOR_SQL.format(obs=Observation._meta.db_table), {"indicator": indicator.pk})
        if cursor.fetchone()[0]:
            return None
    return StreamedFirstImport(indicator_id=indicator.pk, import_id=source_import.pk, periods=periods())


class StreamedFirstImport:
    """Takes blocks of checked rows (``parse_rows(sink=…)``) and COPYs them into the observation table as they
    come. The file's periods are stored before the first COPY; should a block bring one that was not, the COPY
    ends, the period is stored, and another COPY starts (a connection cannot run a query inside a COPY). Use as
    a context manager: leaving it with an error aborts the COPY."""

    def __init__(self, *, indicator_id: int, import_id: int, periods: list[PeriodKey] = ()) -> None:
        self.prefix = f"{indicator_id}\t"
        self.suffix = f"\t{import_id}\n"
        # Periods made before the first COPY (from reading.scan_periods): each COPY checks its references once,
        # so one COPY for the file costs far less than one per period.
        self.known: dict[PeriodKey, int] = dict(zip(periods, _period_ids(list(periods)), strict=True))
        self.period_ids: list[str] = []
        self.written = 0
        self._cursor = None
        self._copy = None

    def __enter__(self) -> StreamedFirstImport:
        self._cursor = connection.cursor()
        return self

    def __call__(self, rows: list[tuple], periods: list[PeriodKey]) -> None:
        if len(periods) > len(self.period_ids):
            missing = [key for key in periods[len(self.period_ids) :] if key not in self.known]
            if missing:
                self._end_copy(None)
                self.known.update(zip(missing, _period_ids(missing), strict=True))
            self.period_ids = [str(self.known[key]) for key in periods]
        if self._copy is None:
            raw = self._cursor.cursor  # psycopg's own cursor, for its queued writer
            self._copy_context = raw.copy(
                f"COPY {Observation._meta.db_table} (indicator_id, period_id, small_area_id, local_authority_id, "
                "value, status, status_code, source_import_id) FROM STDIN",
                writer=QueuedLibpqWriter(raw),  # writes from a thread: the check goes on while the server reads
            )
            self._copy = self._copy_context.__enter__()
        ids, prefix, suffix = self.period_ids, self.prefix, self.suffix
        self._copy.write(
            "".join(
                f"{prefix}{ids[period]}\t{small_area or NULL}\t{local_authority or NULL}\t"
                f"{NULL if raw is None else raw}\t{status}\t{code}{suffix}"
                for small_area, local_authority, period, raw, status, code in rows
            )
        )
        self.written += len(rows)

    def _end_copy(self, exc: BaseException | None) -> None:
        if self._copy is not None:
            self._copy = None
            context, self._copy_context = self._copy_context, None
            context.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self._end_copy(exc)
        finally:
            self._cursor.close()

    @property
    def result(self) -> WriteResult:
        return WriteResult(self.written, 0, 0)


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
INSERT_SQL = (
    "INSERT INTO {obs} (indicator_id, period_id, small_area_id, local_authority_id, "
    "value, status, status_code, source_import_id) "
    "SELECT %(indicator)s, period_id, small_area_id, local_authority_id, value, status, status_code, %(import)s "
    "FROM {stage} WHERE {column} IS NOT NULL"
)
# Written per kind of area so that each half is one probe of a partial unique index (indicator_id alone would not
# imply either index's condition, and PostgreSQL would scan the whole table for an indicator with no rows).
ANY_OF_INDICATOR_SQL = (
    "SELECT EXISTS (SELECT 1 FROM {obs} WHERE indicator_id = %(indicator)s AND small_area_id IS NOT NULL) "
    "OR EXISTS (SELECT 1 FROM {obs} WHERE indicator_id = %(indicator)s AND local_authority_id IS NOT NULL)"
)
ANY_STORED_SQL = (
    "SELECT EXISTS (SELECT 1 FROM {obs} WHERE indicator_id = %(indicator)s AND period_id = ANY(%(periods)s) "
    "AND {column} IS NOT NULL)"
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


def _lock_indicator(cursor, indicator_id: int) -> None:
    """Imports of one indicator, one at a time, until the transaction ends."""
    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, indicator_id])


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
        # The counts below and the upsert then see the same table.
        _lock_indicator(cursor, indicator_id)
        inserted = updated = 0
        staged = {
            "small_area_id": sum(1 for row in parsed.rows if row[0]),
            "local_authority_id": sum(1 for row in parsed.rows if row[1]),
        }
        for column, count in staged.items():
            if not count:
                continue
            names = {"obs": obs, "rev": rev, "stage": STAGE, "column": column}
            # A first import (none of this indicator's rows stored for these periods) is all new: one probe of the
            # unique index instead of looking up each staged row.
            cursor.execute(ANY_STORED_SQL.format(**names), {**params, "periods": sorted(set(period_ids))})
            if cursor.fetchone()[0]:
                cursor.execute(COUNT_NEW_SQL.format(**names), params)
                new = cursor.fetchone()[0]
            else:
                new = count
            inserted += new
            if new < count:  # some rows exist already: keep the values about to be replaced
                cursor.execute(RECORD_REPLACED_SQL.format(**names), params)
                updated += cursor.rowcount  # each replaced value is one changed row
            logger.debug("%s: recorded replaced values at %.2f s", column, time.perf_counter() - clock)
            # Under the lock above nothing else adds rows for this indicator, so "all new" stays true; the unique
            # index would refuse a clash all the same.
            cursor.execute((INSERT_SQL if new == count else UPSERT_SQL).format(**names), params)
            logger.debug("%s: upserted at %.2f s", column, time.perf_counter() - clock)
        cursor.execute(f"DROP TABLE {STAGE}")
    return WriteResult(inserted, updated, len(parsed.rows) - inserted - updated)
