"""Every cell we write to a CSV or XLSX file passes through ``defuse``.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and a leading tab or
carriage return can hide one (the OWASP rule for CSV injection). Such text is written with a leading
apostrophe, which spreadsheets show as text. Numbers are left alone: a negative number is not a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def defused(row: Iterable[Any]) -> list[Any]:
    return [defuse(value) for value in row]


class SafeCsvWriter:
    """``csv.writer`` whose every row is defused first."""

    def __init__(self, stream, **kwargs) -> None:
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(defused(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def append_row(sheet, row: Iterable[Any]) -> None:
    """``sheet.append`` for openpyxl, defused."""
    sheet.append(defused(row))
