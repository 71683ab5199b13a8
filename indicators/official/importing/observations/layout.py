"""Where things are in a file's columns: the layout each importer builds from a file's header."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from indicators.official.importing.files import ImportFileError


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
