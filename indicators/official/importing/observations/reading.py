"""Reading a file's rows and checking every one against its ``Layout``, into a ``ParsedFile``; nothing is written.

The first bad row raises ``ImportFileError`` naming line, column and reason.
"""

from __future__ import annotations

import csv
import gc
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import BinaryIO

from indicators.official.importing.files import ImportFileError, check_columns, text_stream
from indicators.official.importing.observations.cells import AREA_CODE, NUMBER, cell_status, unusual_value
from indicators.official.importing.observations.layout import Layout
from indicators.official.importing.observations.progress import Progress
from indicators.official.importing.periods import PeriodKey, parse_period
from indicators.official.models import ObservationStatus
from indicators.places.models import LocalAuthority
from indicators.places.selectors import area_ids_by_code

PROGRESS_EVERY = 25_000
SINK_EVERY = 20_000  # rows handed on at a time when streamed: small enough to overlap, large enough to batch


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


def read_source(source: str | Path | BinaryIO | bytes) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise ImportFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    return source.read()


def read_header(text: str) -> tuple[csv.reader, tuple[str, ...]]:
    reader = csv.reader(text_stream(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"not a CSV file ({exc})", line=1) from exc
    check_columns(header)
    header = tuple(h.strip() for h in header)
    if not any(header):
        raise ImportFileError("the first line is empty: expected a header", line=1)
    return reader, header


def area_index() -> tuple[dict[str, int], dict[str, int]]:
    """Code → id for every small area and local authority we hold (an LSOA code of both vintages: area_ids_by_code)."""
    return (
        area_ids_by_code(),
        dict(LocalAuthority.objects.values_list("code", "id")),
    )


def parse_rows(
    text: str,
    reader,
    layout: Layout,
    *,
    areas: tuple[dict[str, int], dict[str, int]] | None = None,
    progress: Progress | None = None,
    sink: Callable[[list[tuple], list[PeriodKey]], None] | None = None,
) -> ParsedFile:
    """Check every row against the layout; the first bad one raises ImportFileError. Writes nothing itself.

    With a ``sink``, checked rows are handed to it in blocks (with the periods so far) as the check goes on, and
    ``rows`` ends empty; the caller's transaction must then undo what the sink did if a later row is refused.
    Not with ``--sum-over``, which adds later rows into earlier ones."""
    if sink is not None and layout.sum_over is not None:
        raise ValueError("rows summed over a column cannot be streamed")
    with without_cycle_collection():
        return _parse(text, reader, layout, areas=areas, progress=progress, sink=sink)


def _parse(text: str, reader, layout: Layout, *, areas, progress: Progress | None, sink) -> ParsedFile:
    # One piece: the loop runs for each of millions of rows, over local names; what is rare is in helpers.
    small_areas, local_authorities = areas or area_index()
    parsed = ParsedFile()
    rows, unknown = parsed.rows, parsed.unknown_areas
    width = len(layout.header)
    period_cache: dict[tuple[str, ...], int] = {}
    status_cache: dict[tuple, tuple[str, str]] = {}
    seen: dict[int, int] = {}
    area_at, value_at = layout.area, layout.value
    filters = layout.filters
    # Each distinct period label and status cell is read once; cells are looked up as they stand, stripped only
    # when first met.
    labels_of = _period_labels_of(layout)
    status_cells = _status_cells(layout)
    total_lines = max(text.count("\n"), 1)
    value_column = layout.header[value_at]
    number_match = NUMBER.match
    sum_at, units = layout.sum_over, layout.unit_columns
    sums: dict[int, tuple[int, set[str], tuple[str, ...]]] = {}  # key → (row index, categories, unit)
    matched: set[tuple[int, str]] = set()  # (column, value) of the rows the filters kept
    found: dict[int, set[str]] = {i: set() for i, _ in filters}
    read = 0
    for values in reader:
        line = reader.line_num
        if len(values) != width:
            _check_blank(values, width, line)
            continue
        read += 1
        if progress and read % PROGRESS_EVERY == 0:
            progress("checking", line, total_lines)
        if filters:
            cells = [values[i].strip() for i, _ in filters]
            if any(cell not in want for cell, (_, want) in zip(cells, filters, strict=True)):
                for cell, (i, _) in zip(cells, filters, strict=True):
                    if len(found[i]) < 40:  # a few of each column's values, to name in an error
                        found[i].add(cell)
                parsed.skipped += 1
                continue
            matched.update(zip((i for i, _ in filters), cells, strict=True))
        # Period: read each distinct label once.
        labels = labels_of(values)
        period = period_cache.get(labels)
        if period is None:
            period = period_cache[labels] = _period(labels[:-1], layout, line, parsed.periods)
        # Value and status: checked on every row, ours or not.
        raw, marker = values[value_at].strip(), ""
        if raw and (
            not number_match(raw) or raw[0] == "+" or len(raw) > 12 or ("." in raw and len(raw) - raw.index(".") > 5)
        ):
            raw, marker = unusual_value(raw, line, value_column)
        status_key = (status_cells(values), marker, bool(raw))
        status = status_cache.get(status_key)
        if status is None:
            code, name = (cell.strip() for cell in status_key[0])
            status = status_cache[status_key] = cell_status(code, name, marker, bool(raw), layout, line)
        # Area: ours, someone else's (counted), or not an area code at all (an error).
        code = values[area_at]
        small_area = small_areas.get(code)
        local_authority = None
        if small_area is None:
            code = code.strip()
            small_area = small_areas.get(code)
        if small_area is None:
            local_authority = local_authorities.get(code)
            if local_authority is None:
                _check_area_code(code, layout, line)
                unknown[code] = unknown.get(code, 0) + 1
                parsed.skipped += 1
                continue
            key = -local_authority * 100_000 - period
        else:
            key = small_area * 100_000 + period
        first = seen.setdefault(key, line)
        if first != line:
            if sum_at is None:
                raise ImportFileError(_duplicate_message(text, layout, code, first, values), line)
            _add_up(rows, sums[key], values, layout, line, first, raw or None, status)
            continue
        rows.append((small_area, local_authority, period, raw or None, status[0], status[1]))
        if sink is not None and len(rows) >= SINK_EVERY:
            sink(rows, parsed.periods)
            rows.clear()
        if sum_at is not None:
            sums[key] = (len(rows) - 1, {values[sum_at].strip()}, tuple(values[i].strip() for i in units))
    parsed.read = read
    if not read:
        raise ImportFileError("the file has a header but no rows", line=2)
    _check_filters_matched(layout, matched, found)
    if sink is not None and rows:
        sink(rows, parsed.periods)
        rows.clear()
    if progress:
        progress("checking", total_lines, total_lines)
    return parsed


def scan_periods(text: str, layout: Layout) -> list[PeriodKey]:
    """The periods that ``parse_rows`` will meet, found by a quick pass over the period columns alone (rows the
    filters drop are left out, as parse_rows leaves them). Nothing is checked here: a label that cannot be read is
    passed over, for parse_rows to refuse with its line and column."""
    reader, _ = read_header(text)
    width, filters = len(layout.header), layout.filters
    labels_of = _period_labels_of(layout)
    with without_cycle_collection():
        labels = _period_labels(reader, width, filters, labels_of)
    periods: list[PeriodKey] = []
    for found in labels:
        found = found[:-1]
        try:
            _period(found, layout, 0, periods)
        except ImportFileError:
            continue
    return periods


def _period_labels_of(layout: Layout) -> Callable[[list[str]], tuple[str, ...]]:
    """A row's period cells as a tuple, with the first repeated at the end (so it is a tuple even for one period
    column); ``labels[:-1]`` are the cells themselves."""
    return itemgetter(*layout.periods, layout.periods[0])


def _period_labels(reader, width: int, filters, labels_of) -> set[tuple[str, ...]]:
    if filters:
        return {
            labels_of(values)
            for values in reader
            if len(values) == width and all(values[i].strip() in want for i, want in filters)
        }
    return {labels_of(values) for values in reader if len(values) == width}


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: checking a file makes millions of short-lived rows and no reference
    cycles, so the collector would only walk them over and over (about a sixth of the check's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _status_cells(layout: Layout) -> Callable[[list[str]], tuple[str, str]]:
    """A row's status code and status name cells, as they stand ("" for a column the file lacks)."""
    code_at, name_at = layout.status_code, layout.status_name
    if code_at is not None and name_at is not None:
        return itemgetter(code_at, name_at)
    if code_at is not None:
        return lambda values: (values[code_at], "")
    if name_at is not None:
        return lambda values: ("", values[name_at])
    return lambda values: ("", "")


def _check_filters_matched(layout: Layout, matched: set[tuple[int, str]], found: dict[int, set[str]]) -> None:
    """Every value a filter names must keep some row: a category misspelt would otherwise drop out unseen."""
    for index, wanted in layout.filters:
        for value in sorted(wanted):
            if (index, value) not in matched:
                column = layout.header[index]
                held = ", ".join(f"'{v}'" for v in sorted(found[index] - {value})[:8])
                raise ImportFileError(
                    f"--where {column}={value} matches no row"
                    + (" kept by the other filters" if len(layout.filters) > 1 else "")
                    + (f" (the column holds e.g. {held})" if held else ""),
                    line=1,
                    column=column,
                )


def _add_up(
    rows: list[tuple], slot: tuple, values: list[str], layout: Layout, line: int, first: int, raw, status
) -> None:
    """Add one more category's figure to the row already kept for its area and period (--sum-over)."""
    at, categories, unit = slot
    row_unit = tuple(values[i].strip() for i in layout.unit_columns)
    if row_unit != unit:
        differ = next(n for n, (a, b) in enumerate(zip(row_unit, unit, strict=True)) if a != b)
        column = layout.header[layout.unit_columns[differ]]
        raise ImportFileError(
            f"'{row_unit[differ]}' cannot be added to '{unit[differ]}' (line {first}): the figures summed over "
            f"{layout.header[layout.sum_over]} are in different units; choose one with "
            f'--where "{column}={unit[differ]}"',
            line,
            column,
        )
    category = values[layout.sum_over].strip()
    if category in categories:
        raise ImportFileError(
            f"a second figure for '{category}' in the same area and period (first on line {first})",
            line,
            layout.header[layout.sum_over],
        )
    categories.add(category)
    small_area, local_authority, period, total, total_status, total_code = rows[at]
    if total is None or raw is None:
        # A sum with a part missing is missing; it keeps the missing part's status.
        if total is not None:
            total_status, total_code = status
        total = None
    else:
        total = str(Decimal(total) + Decimal(raw))
        if total_status == ObservationStatus.NORMAL:
            total_status, total_code = status  # the first part that is not a normal value says so for the sum
    rows[at] = (small_area, local_authority, period, total, total_status, total_code)


def _check_blank(values: list[str], width: int, line: int) -> None:
    """A row of the wrong width is let through only when it is blank."""
    if any(v.strip() for v in values):
        raise ImportFileError(
            f"has {len(values)} fields where the header has {width}: the file may be cut short or mis-quoted",
            line=line,
        )


def _check_area_code(code: str, layout: Layout, line: int) -> None:
    if not AREA_CODE.match(code):
        raise ImportFileError(
            f"'{code}' is not an area code (a letter and eight digits, e.g. E01012345)",
            line,
            layout.header[layout.area],
        )


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
