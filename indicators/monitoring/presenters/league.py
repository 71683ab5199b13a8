"""The league's tables and its headline in one plain sentence."""

from __future__ import annotations

from django.urls import reverse

from indicators.engine.selectors.verdicts import keeping_pace_points
from indicators.monitoring.content import REPORT_SHARES
from indicators.monitoring.exports import Column, Table, number, text
from indicators.monitoring.presenters.cells import signed_cell, status_cell
from indicators.monitoring.wording import signed


def league_tables(report, area_label: str, area_row, la_rows, neighbourhoods, region_slug: str) -> list[Table]:
    bench = f"{signed(report.benchmark_change)} points" if report.benchmark_change is not None else "no figure"
    source = (
        f"Engine improvement report for '{report.indicator}' from {report.start} to {report.end}. Benchmark: the mean "
        f"change over the {report.benchmark_areas:,} with figures for both periods of {report.reference}: {bench}. "
        f"The share counts one of the {report.areas_counted} as improving when its rate fell by more (or rose by "
        "less) than the benchmark's, as the report did. "
        f"A neighbourhood's verdict allows {keeping_pace_points():.2f} points either side of the benchmark for "
        "keeping pace."
    )
    return [
        _areas_table(report, area_label, area_row, la_rows, region_slug, source),
        _neighbourhoods_table(report, area_label, neighbourhoods, source),
    ]


def league_sentence(report, area_label: str, area_row, published: int | None) -> str:
    """The share in one plain sentence, with the report's own figure beside it where it has one."""
    if area_row is None or area_row.share is None:
        return f"No {_one(report.areas_counted)} in {area_label} has figures for both {report.start} and {report.end}."
    bench = signed(report.benchmark_change) if report.benchmark_change is not None else "no figure"
    sentence = (
        f"{area_row.improving} of the {area_row.areas} {report.areas_counted} in {area_label} ({area_row.share:.0f}%) "
        "saw "
        f"worklessness fall by more, or rise by less, than the benchmark's average change of {bench} points from "
        f"{report.start} to {report.end}."
    )
    if published is not None:
        sentence += f" The report found {published}% for {area_label} in the early 2000s, measured the same way."
    return sentence


def _one(noun: str) -> str:
    """'deprived LSOAs' → 'deprived LSOA', 'wards' → 'ward': the report counts areas of one kind."""
    return noun[:-1] if noun.endswith("s") else f"one of the {noun}"


def _areas_table(report, area_label: str, area_row, la_rows, region_slug: str, source: str) -> Table:
    rows = []
    published = REPORT_SHARES.get(region_slug)
    if area_row is not None:
        rows.append(
            [
                text(area_label),
                number(area_row.areas, digits=0),
                number(area_row.improving, digits=0),
                number(area_row.share, digits=0, missing=f"no {report.areas_counted}"),
                number(published, digits=0, missing="not in the report") if region_slug else text("not in the report"),
            ]
        )
    for r in la_rows:
        if area_row is not None and r.code == area_row.code:
            continue
        rows.append(
            [
                text(r.name),
                number(r.areas, digits=0),
                number(r.improving, digits=0),
                number(r.share, digits=0, missing=f"no {report.areas_counted}"),
                text("not in the report"),
            ]
        )
    return Table(
        key="league-areas",
        caption=(
            f"Share of {report.areas_counted} improving faster than the benchmark, {report.start} to {report.end}"
        ),
        columns=[
            Column("Area"),
            Column(f"{report.areas_counted[:1].upper()}{report.areas_counted[1:]} with figures", numeric=True),
            Column("Improving faster than the benchmark", numeric=True),
            Column("Share improving (%)", numeric=True),
            Column("The report's figure, early 2000s (%)", numeric=True),
        ],
        rows=rows,
        source=source,
        empty=f"None of the {report.areas_counted} in this area has figures for both periods.",
    )


def _neighbourhoods_table(report, area_label: str, neighbourhoods, source: str) -> Table:
    nrows = [
        [
            text(n["display_name"], url=reverse("indicators:neighbourhood-detail", args=[n["neighbourhood_id"]])),
            status_cell(n["verdict"]),
            signed_cell(n["change"]),
            signed_cell(n["against_benchmark"]),
            number(n["start_rate"], digits=2),
            number(n["end_rate"], digits=2),
            text(n["local_authority"]),
        ]
        for n in neighbourhoods
    ]
    return Table(
        key="league-neighbourhoods",
        caption=f"Your neighbourhoods in {area_label}, {report.start} to {report.end}, furthest behind first",
        columns=[
            Column("Neighbourhood"),
            Column("Against similar areas"),
            Column(f"Change since {report.start} (points)", numeric=True),
            Column("Change against benchmark (points)", numeric=True),
            Column(f"Rate, {report.start} (%)", numeric=True),
            Column(f"Rate, {report.end} (%)", numeric=True),
            Column("Local authority"),
        ],
        rows=nrows,
        source=source,
        empty="None of your neighbourhoods here has figures for both periods.",
    )
