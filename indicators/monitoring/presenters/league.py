"""The league's tables."""

from __future__ import annotations

from django.urls import reverse

from indicators.monitoring.content import REPORT_SHARES
from indicators.monitoring.exports import Column, Table, number, text
from indicators.monitoring.presenters.cells import status_cell


def league_tables(report, area_label: str, area_row, la_rows, neighbourhoods, region_slug: str) -> list[Table]:
    source = (
        f"Engine improvement report for '{report.indicator}' from {report.start} to {report.end}. Benchmark: the mean "
        f"change across {report.benchmark_areas:,} LSOAs, {report.reference}. A deprived LSOA is improving when its "
        "rate fell by more than the benchmark fell."
    )
    return [
        _areas_table(report, area_label, area_row, la_rows, region_slug, source),
        _neighbourhoods_table(report, area_label, neighbourhoods, source),
    ]


def _areas_table(report, area_label: str, area_row, la_rows, region_slug: str, source: str) -> Table:
    rows = []
    published = REPORT_SHARES.get(region_slug)
    if area_row is not None:
        rows.append(
            [
                text(area_label),
                number(area_row.deprived, digits=0),
                number(area_row.improving, digits=0),
                number(area_row.share, digits=0, missing="no deprived LSOAs"),
                number(published, digits=0, missing="not in the report") if region_slug else text("not in the report"),
            ]
        )
    for r in la_rows:
        if area_row is not None and r.code == area_row.code:
            continue
        rows.append(
            [
                text(r.name),
                number(r.deprived, digits=0),
                number(r.improving, digits=0),
                number(r.share, digits=0, missing="no deprived LSOAs"),
                text("not in the report"),
            ]
        )
    return Table(
        key="league-areas",
        caption=f"Share of deprived LSOAs improving faster than the benchmark, {report.start} to {report.end}",
        columns=[
            Column("Area"),
            Column("Deprived LSOAs with figures", numeric=True),
            Column("Improving faster than the benchmark", numeric=True),
            Column("Share improving (%)", numeric=True),
            Column("The report's figure, early 2000s (%)", numeric=True),
        ],
        rows=rows,
        source=source,
        empty="No deprived LSOA in this area has figures for both periods.",
    )


def _neighbourhoods_table(report, area_label: str, neighbourhoods, source: str) -> Table:
    nrows = [
        [
            text(n["name"], url=reverse("indicators:neighbourhood-detail", args=[n["neighbourhood_id"]])),
            text(n["local_authority"]),
            number(n["start_rate"], digits=2),
            number(n["end_rate"], digits=2),
            number(n["change"], digits=2, signed=True),
            number(n["against_benchmark"], digits=2, signed=True),
            status_cell(n["verdict"]),
        ]
        for n in neighbourhoods
    ]
    return Table(
        key="league-neighbourhoods",
        caption=f"Your neighbourhoods in {area_label}, {report.start} to {report.end}",
        columns=[
            Column("Neighbourhood"),
            Column("Local authority"),
            Column(f"Rate, {report.start} (%)", numeric=True),
            Column(f"Rate, {report.end} (%)", numeric=True),
            Column("Change (points)", numeric=True),
            Column("Against benchmark (points)", numeric=True),
            Column("Against similar areas"),
        ],
        rows=nrows,
        source=source,
        empty="None of your neighbourhoods here has figures for both periods.",
    )
