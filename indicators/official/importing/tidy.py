"""Importing councils' own tidy extracts (``date, area_code, area_name, count, rate`` and the like).

The user names the area, period and value columns (and optionally a status column); periods may be ISO dates
(a day stands for its month), year-months, month names or years. The same checks and writer as Nomis files.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from indicators.official.importing.files import ImportFileError, excerpt
from indicators.official.importing.observations import Layout, Progress, find_column, import_observations, parse_filters
from indicators.official.importing.observations.layout import check_sum_over, parse_sum_over
from indicators.official.models import Import, Indicator


def tidy_layout(
    header: tuple[str, ...],
    *,
    area_column: str,
    period_column: str,
    value_column: str,
    status_column: str = "",
    where: dict[str, str | list[str]] | None = None,
    census: bool = False,
    sum_over: str = "",
) -> Layout:
    found = {}
    for role, name in (("area", area_column), ("period", period_column), ("value", value_column)):
        index = find_column(header, name)
        if index is None:
            raise ImportFileError(
                f"no {role} column named '{name}' in the header (it has: {excerpt(', '.join(header))})",
                line=1,
                column=name,
            )
        found[role] = index
    status = None
    if status_column:
        status = find_column(header, status_column)
        if status is None:
            raise ImportFileError(
                f"no status column named '{status_column}' in the header", line=1, column=status_column
            )
    filters = parse_filters(header, where)
    sum_at, units = parse_sum_over(header, sum_over, filters)
    return Layout(
        header=header,
        area=found["area"],
        value=found["value"],
        periods=(found["period"],),
        status_name=status,
        filters=filters,
        census=census,
        sum_over=sum_at,
        unit_columns=units,
    )


def tidy_import(
    *,
    source: str | Path | BinaryIO | bytes,
    indicator: Indicator,
    area_column: str,
    period_column: str,
    value_column: str,
    status_column: str = "",
    where: dict[str, str | list[str]] | None = None,
    sum_over: str = "",
    file_name: str = "",
    source_label: str = "command line",
    user=None,
    existing: Import | None = None,
    progress: Progress | None = None,
    method: str | None = None,
) -> Import:
    """Import a tidy CSV for one indicator, with the columns the user named.

    ``where`` keeps rows whose columns hold one of the values given (``{"Economic activity status (20
    categories)": ["…: Unemployed", …]}``); ``sum_over`` adds up the rows of one area and period that differ only
    in that column (the categories of a long-format census table) into one figure.
    """
    check_sum_over(indicator, sum_over)
    columns = {
        "area_column": area_column,
        "period_column": period_column,
        "value_column": value_column,
        "status_column": status_column,
    }
    return import_observations(
        source=source,
        indicator=indicator,
        make_layout=lambda header: tidy_layout(
            header, **columns, where=where, census=indicator.census, sum_over=sum_over
        ),
        format=Import.Format.TIDY,
        file_name=file_name,
        source_label=source_label,
        options={**columns, "where": where or {}, **({"sum_over": sum_over} if sum_over else {})},
        user=user,
        existing=existing,
        progress=progress,
        method=method,
    )
