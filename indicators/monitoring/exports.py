"""The tables a monitoring page shows, and the same tables as CSV and XLSX.

A page builds its tables once, as :class:`Table` objects; the template renders
them and the download writes them, so a screen reader, a print-out and a
spreadsheet say the same thing. A withheld figure stays withheld, with its
reason, in every form.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from indicators.core.downloads import attachment
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
    if rounded == 0:
        rounded = 0.0  # no change reads 0.00, never +0.00 or −0.00
    shown = f"{rounded:+,.{digits}f}" if signed and rounded else f"{rounded:,.{digits}f}"
    shown = shown.replace("-", "−")  # a real minus sign reads better and is announced as "minus"
    return Cell(value=rounded, text=shown + suffix, tag=tag, note=note, numeric=True)


def withheld(reason: str) -> Cell:
    return Cell(value=None, text=WITHHELD, note=reason or "below the disclosure threshold", withheld=True, numeric=True)


# --- downloads ---------------------------------------------------------------------------------------------
# Tidy files: one header row, then one row per table row. A numeric column holds numbers only; where any of its
# cells carries words (a missing figure, a withheld one and why, a change's direction), a column beside it holds
# them. What the file is (title, source, who downloaded it and when) goes in the XLSX's About sheet and in the
# CSV's response headers, never in the data.

WITHHELD_NOTE = "Withheld figures come from too few responses to show without risk of identifying residents."


@dataclass(frozen=True)
class ExportColumn:
    header: str
    index: int
    words: bool = False  # the words of a numeric column's cells, not their numbers


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _words(cell: Cell) -> str:
    if cell.withheld:
        return f"withheld: {cell.note}" if cell.note else "withheld"
    parts = [] if _is_number(cell.value) or cell.value in (None, "") else [str(cell.value)]
    if cell.note:
        parts.append(cell.note.strip("()"))
    return "; ".join(parts)


def export_columns(table: Table) -> list[ExportColumn]:
    out = []
    for i, column in enumerate(table.columns):
        out.append(ExportColumn(column.label, i))
        if column.numeric and any(_words(row[i]) for row in table.rows):
            out.append(ExportColumn(f"{column.label}: in words", i, words=True))
    return out


def export_rows(table: Table) -> list[list[Any]]:
    """The header, then each row: numbers in numeric columns, words in their own columns."""
    columns = export_columns(table)
    rows: list[list[Any]] = [[c.header for c in columns]]
    for row in table.rows:
        values = []
        for c in columns:
            cell = row[c.index]
            if c.words:
                values.append(_words(cell))
            elif table.columns[c.index].numeric:
                values.append(cell.value if _is_number(cell.value) and not cell.withheld else None)
            else:
                values.append(cell.value)
        rows.append(values)
    return rows


def _stamp(user) -> str:
    return f"Downloaded from Rebalance on {timezone.localtime():%d %B %Y %H:%M} by {user.get_username()}"


def _header_safe(text: str) -> str:
    """HTTP header values are Latin-1: keep them plain ASCII, and on one line."""
    plain = unicodedata.normalize("NFKD", text.replace("−", "-").replace("→", "to").replace("–", "-"))
    return " ".join(plain.encode("ascii", "ignore").decode().split())[:900]


def _chosen(tables: list[Table], key: str) -> Table:
    return next((t for t in tables if t.key == key), tables[0])


def as_csv(tables: list[Table], *, title: str, filename: str, user, table_key: str = "") -> HttpResponse:
    """One table (``table_key``, or the page's first) as a tidy CSV."""
    table = _chosen(tables, table_key)
    buffer = io.StringIO()
    SafeCsvWriter(buffer).writerows(export_rows(table))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    suffix = "" if table is tables[0] else f"-{table.key}"
    attachment(response, f"{filename}{suffix}.csv")
    response["X-Rebalance-Title"] = _header_safe(f"{title}: {table.caption}")
    response["X-Rebalance-Source"] = _header_safe(table.source or "Rebalance")
    response["X-Rebalance-Downloaded"] = _header_safe(_stamp(user))
    return response


def sheet_name(caption: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), cut at a word and unique in the book."""
    text = re.sub(r"[\[\]*?/\\]", " ", caption)
    text = re.split(r"[:,;(]", text)[0].strip() or "Table"
    if len(text) > 31:
        whole_word = text[31] == " "
        text = text[:31] if whole_word else text[:31].rsplit(" ", 1)[0].rstrip(" -") or text[:31]
    name, n = text, 2
    while name.lower() in used:
        name = f"{text[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    used.add(name.lower())
    return name


def as_xlsx(tables: list[Table], *, title: str, filename: str, user) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "About"
    for line in ([title], [_stamp(user)], [WITHHELD_NOTE], [], ["Sheet", "What it shows", "Source"]):
        append_row(about, line)
    about["A1"].font = Font(bold=True, size=14)
    for cell in about[5]:
        cell.font = Font(bold=True)
    used = {"about"}
    for table in tables:
        sheet = book.create_sheet(sheet_name(table.caption, used))
        append_row(about, [sheet.title, table.caption, table.source])
        for row in export_rows(table):
            append_row(sheet, row)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, column in enumerate(export_columns(table)):
            letter = sheet.cell(row=1, column=i + 1).column_letter
            sheet.column_dimensions[letter].width = max(12, min(48, len(column.header) + 4))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    return attachment(response, f"{filename}.xlsx")


def download(fmt: str, tables: list[Table], *, title: str, filename: str, user, table_key: str = "") -> HttpResponse:
    if fmt == "xlsx":
        return as_xlsx(tables, title=title, filename=filename, user=user)
    return as_csv(tables, title=title, filename=filename, user=user, table_key=table_key)
