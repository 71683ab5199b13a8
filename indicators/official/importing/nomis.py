"""Importing CSV as the Nomis API serves it, or as it comes back after a round trip through Excel.

Accepted: ``select=`` columns (``DATE_NAME, GEOGRAPHY_CODE, …, OBS_VALUE, OBS_STATUS_NAME``) and full columns
(six per dimension, then ``OBS_VALUE, OBS_STATUS, OBS_STATUS_NAME, OBS_CONF, …, RECORD_COUNT``); quoted LF or
Excel's unquoted CRLF; periods ``2021-12``, ``December 2021``, ``Dec-17``, ``2011``, ``Oct 2016-Sep 2017``; status
codes (``A``, ``Q``, …), status names and the APS markers ``! * ~ -``, all kept beside the value.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.observations import Layout, Progress, find_column, import_observations, parse_filters
from indicators.official.importing.observations.layout import check_sum_over, parse_sum_over
from indicators.official.models import Import, Indicator

# Dimensions whose *_NAME columns say which slice of a dataset a row is, named when two rows clash.
NOT_DIMENSIONS = {"DATE", "GEOGRAPHY", "OBS", "RECORD", "URN"}


def nomis_layout(
    header: tuple[str, ...],
    *,
    where: dict[str, str | list[str]] | None = None,
    census: bool = False,
    sum_over: str = "",
) -> Layout:
    """Where a Nomis file keeps each thing; ImportFileError (line 1) if it is not a Nomis file."""
    upper = tuple(h.upper() for h in header)
    if "OBS_VALUE" not in upper:
        if find_column(header, "geography code") is not None:
            raise ImportFileError(
                "this looks like a Nomis bulk (census table) file, with one column per category and no OBS_VALUE: "
                "import it with import_tidy --area-column 'geography code' --period-column date --value-column …",
                line=1,
                column="OBS_VALUE",
            )
        raise ImportFileError("this is not a Nomis CSV: the header has no OBS_VALUE column", line=1, column="OBS_VALUE")
    if "GEOGRAPHY_CODE" not in upper:
        raise ImportFileError(
            "the header has no GEOGRAPHY_CODE column: ask Nomis for it (select=…,GEOGRAPHY_CODE,…)",
            line=1,
            column="GEOGRAPHY_CODE",
        )
    periods = tuple(upper.index(name) for name in ("DATE_NAME", "DATE", "DATE_CODE") if name in upper)
    if not periods:
        raise ImportFileError("the header has no DATE_NAME, DATE or DATE_CODE column", line=1, column="DATE_NAME")
    hints = tuple(
        i
        for i, name in enumerate(upper)
        if name.endswith("_NAME") and name.split("_")[0] not in NOT_DIMENSIONS and name != "GEOGRAPHY_NAME"
    )
    filters = parse_filters(header, where)
    sum_at, units = parse_sum_over(header, sum_over, filters)
    return Layout(
        header=header,
        area=upper.index("GEOGRAPHY_CODE"),
        value=upper.index("OBS_VALUE"),
        periods=periods,
        status_code=upper.index("OBS_STATUS") if "OBS_STATUS" in upper else None,
        status_name=upper.index("OBS_STATUS_NAME") if "OBS_STATUS_NAME" in upper else None,
        filters=filters,
        census=census,
        hint_columns=hints,
        sum_over=sum_at,
        unit_columns=units,
    )


def nomis_import(
    *,
    source: str | Path | BinaryIO | bytes,
    indicator: Indicator,
    where: dict[str, str | list[str]] | None = None,
    sum_over: str = "",
    file_name: str = "",
    source_label: str = "command line",
    dataset_id: str = "",
    user=None,
    existing: Import | None = None,
    progress: Progress | None = None,
    method: str | None = None,
) -> Import:
    """Import a Nomis CSV for one indicator (see ``observations.import_observations``).

    ``where`` keeps only rows whose columns hold these values, e.g. ``{"MEASURES_NAME": "Value"}`` for a file
    that carries several measures; ``sum_over`` adds up the rows that differ only in that column (see tidy_import).
    """
    check_sum_over(indicator, sum_over)
    return import_observations(
        source=source,
        indicator=indicator,
        make_layout=lambda header: nomis_layout(header, where=where, census=indicator.census, sum_over=sum_over),
        format=Import.Format.NOMIS,
        file_name=file_name,
        source_label=source_label,
        dataset_id=dataset_id,
        options={"where": where or {}, **({"sum_over": sum_over} if sum_over else {})},
        user=user,
        existing=existing,
        progress=progress,
        method=method,
    )
