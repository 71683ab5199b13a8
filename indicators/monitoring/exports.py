"""The tables a monitoring page shows, and the same tables as CSV and XLSX.

A page builds its tables once, as :class:`Table` objects; the template renders
them and the download writes them, so a screen reader, a print-out and a
spreadsheet say the same thing. A withheld figure stays withheld, with its
reason, in every form.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from indicators.core.spreadsheets import SafeCsvWriter, append_row

WITHHELD = "Withheld"


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    sort: str = ""  # the key the page sorts on, when the column is sortable
    href: str = ""  # filled by the view: the link that sorts by this column
    aria_sort: str = ""  # "ascending" / "descending" for the current sort


@dataclass(frozen=True)
class Cell:
    """One figure: ``value`` is what an export writes, ``text`` what the page shows."""

    value: Any = None
    text: str = ""
    url: str = ""
    tag: str = ""  # good / bad / neutral
    note: str = ""
    withheld: bool = False
    numeric: bool = False
    quiet: bool = False  # the note is for screen readers only (the tag's colour and a key say it visually)

    @property
    def export_value(self) -> Any:
        if self.withheld:
            return f"withheld: {self.note}" if self.note else "withheld"
        return self.value


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    source: str = ""
    empty: str = "No figures yet."


# --- cells -------------------------------------------------------------------------------------------------


def text(value: Any, *, url: str = "", tag: str = "", note: str = "") -> Cell:
    shown = "" if value is None else str(value)
    return Cell(value=shown, text=shown, url=url, tag=tag, note=note)


def number(
    value: float | int | None,
    *,
    digits: int = 1,
    signed: bool = False,
    suffix: str = "",
    missing: str = "no figure",
    tag: str = "",
    note: str = "",
) -> Cell:
    """A figure; ``None`` says ``missing`` in words, never a zero or a blank."""
    if value is None:
        return Cell(value=missing, text=missing, note=note, numeric=True)
    rounded = round(float(value), digits) if digits else round(float(value))
    shown = f"{rounded:+,.{digits}f}" if signed else f"{rounded:,.{digits}f}"
    shown = shown.replace("-", "−")  # a real minus sign reads better and is announced as "minus"
    return Cell(value=rounded, text=shown + suffix, tag=tag, note=note, numeric=True)


def withheld(reason: str) -> Cell:
    return Cell(value=None, text=WITHHELD, note=reason or "below the disclosure threshold", withheld=True, numeric=True)


# --- downloads ---------------------------------------------------------------------------------------------


def _header_lines(title: str, user) -> list[list[str]]:
    stamp = timezone.localtime().strftime("%d %B %Y %H:%M")
    return [
        [title],
        [f"Downloaded from Rebalance on {stamp} by {user.get_username()}"],
        ["Withheld figures come from too few responses to show without risk of identifying residents."],
    ]


def as_csv(tables: list[Table], *, title: str, filename: str, user) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeCsvWriter(buffer)
    for line in _header_lines(title, user):
        writer.writerow(line)
    for table in tables:
        writer.writerow([])
        writer.writerow([table.caption])
        writer.writerow([c.label for c in table.columns])
        for row in table.rows:
            writer.writerow([cell.export_value for cell in row])
        if not table.rows:
            writer.writerow([table.empty])
        if table.source:
            writer.writerow([f"Source: {table.source}"])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _sheet_name(caption: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", caption)[:28].strip() or "Table"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def as_xlsx(tables: list[Table], *, title: str, filename: str, user) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    for line in _header_lines(title, user):
        append_row(about, line)
    about["A1"].font = Font(bold=True, size=14)
    append_row(about, [])
    append_row(about, ["Sheets"])
    used = {"about"}
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table.caption, used))
        append_row(about, [sheet.title, table.caption])
        append_row(sheet, [table.caption])
        sheet["A1"].font = Font(bold=True)
        append_row(sheet, [c.label for c in table.columns])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in table.rows:
            append_row(sheet, [cell.export_value for cell in row])
        if not table.rows:
            append_row(sheet, [table.empty])
        if table.source:
            append_row(sheet, [])
            append_row(sheet, [f"Source: {table.source}"])
        for i, column in enumerate(table.columns):
            letter = sheet.cell(row=2, column=i + 1).column_letter
            sheet.column_dimensions[letter].width = max(12, min(48, len(column.label) + 4))
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def download(fmt: str, tables: list[Table], *, title: str, filename: str, user) -> HttpResponse:
    writer = as_xlsx if fmt == "xlsx" else as_csv
    return writer(tables, title=title, filename=filename, user=user)
