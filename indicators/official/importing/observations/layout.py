"""Where things are in a file's columns: the layout each importer builds from a file's header."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from indicators.official.importing.files import ImportFileError
from indicators.official.models import Indicator


@dataclass(frozen=True)
class Layout:
    """Where things are in a file's columns (indexes into the header)."""

    header: tuple[str, ...]
    area: int
    value: int
    periods: tuple[int, ...]  # tried in order: the first that reads wins
    status_code: int | None = None
    status_name: int | None = None
    filters: tuple[tuple[int, frozenset[str]], ...] = ()  # keep a row when each column holds one of its values
    census: bool = False
    hint_columns: tuple[int, ...] = ()  # dimension columns worth naming when two rows clash
    sum_over: int | None = None  # rows differing only in this column are added up into one figure
    unit_columns: tuple[int, ...] = ()  # columns naming a figure's unit: rows added up must agree on them

    def name(self, index: int | None) -> str | None:
        return None if index is None else self.header[index]


def find_column(header: Iterable[str], name: str) -> int | None:
    want = " ".join(name.split()).casefold()
    for index, column in enumerate(header):
        if " ".join(column.split()).casefold() == want:
            return index
    return None


# Column names that say what unit a figure is in (Nomis: MEASURES_NAME "Value" or "Percent").
UNIT_COLUMNS = {"measures", "measures_name", "measure", "unit", "units", "unit of measure"}


def parse_filters(
    header: tuple[str, ...], where: dict[str, str | list[str]] | None
) -> tuple[tuple[int, frozenset[str]], ...]:
    """``{column: value or [values]}`` to (column index, values kept); a column named twice keeps either value."""
    filters = []
    for column, wanted in (where or {}).items():
        index = find_column(header, column)
        if index is None:
            raise ImportFileError(
                f"there is no column '{column}' to filter on (the header has: {', '.join(header)[:300]})",
                line=1,
                column=column,
            )
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        filters.append((index, frozenset(v.strip() for v in values)))
    return tuple(filters)


def parse_sum_over(
    header: tuple[str, ...], sum_over: str, filters: tuple[tuple[int, frozenset[str]], ...]
) -> tuple[int | None, tuple[int, ...]]:
    """The column whose categories are added up, and the unit columns that those rows must agree on."""
    units = tuple(i for i, name in enumerate(header) if " ".join(name.split()).casefold() in UNIT_COLUMNS)
    if not sum_over:
        return None, units
    index = find_column(header, sum_over)
    if index is None:
        raise ImportFileError(f"there is no column '{sum_over}' to sum over", line=1, column=sum_over)
    if index in units and not any(i == index and len(values) == 1 for i, values in filters):
        raise ImportFileError(
            f"'{header[index]}' names the unit of each figure: adding across it would mix units "
            f'(choose one with --where "{header[index]}=…")',
            line=1,
            column=header[index],
        )
    return index, units


def check_sum_over(indicator: Indicator, sum_over: str) -> None:
    """Rates as published cannot be added up across categories: only counts can (the one rule on sums)."""
    if sum_over and not indicator.adds_up_across_areas:
        raise ImportFileError(
            f"--sum-over adds up counts, and {indicator.slug} is a {indicator.get_kind_display().lower()}: "
            "adding rates or percentages would give a wrong figure",
            column=sum_over,
        )
