"""My neighbourhoods: the page's at-a-glance grid and the download's table, from the same selector and cells.

The grid answers an officer's three questions in each row: is it improving (the worklessness verdict in words,
with its signed change, the period and the benchmark's change), why (the main concerns, and all eight factors
with a symbol for each of their two readings), and where to look next (the neighbourhood's page). The download
keeps every figure in a column of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from indicators.engine.selectors.verdicts import keeping_pace_points
from indicators.monitoring.content import FACTORS, SHORT_LABELS
from indicators.monitoring.exports import Cell, Column, Table, number, text
from indicators.monitoring.presenters.cells import (
    FactorMark,
    factor_cell,
    factor_mark,
    rate_source,
    signed_cell,
    status_cell,
)
from indicators.monitoring.selectors.neighbourhoods import MyNeighbourhoods, NeighbourhoodRow
from indicators.monitoring.wording import VERDICT_TAG, VERDICT_WORDS, main_concerns, rate, signed, verdict_detail

NOT_SURVEYED = "Not surveyed yet"
ALL_WITHHELD = "Too few answers to show"
NOTHING_STANDS_OUT = "None stands out"


@dataclass(frozen=True)
class GlanceRow:
    name: str
    url: str
    local_authority: str
    decile: int | None
    verdict: str  # the engine's verdict key, "" for no figure
    verdict_words: str  # "Falling behind"
    verdict_tag: str  # good / neutral / bad
    detail: str  # "worklessness +0.31 points since March 2025 (similar areas −0.02)"
    rate: str  # "11.8% in March 2026"
    concerns: list[str]  # the one or two weakest factors, in words
    concerns_note: str  # why there are none: not surveyed, withheld, or none stands out
    factors: list[FactorMark]
    responses: int | None
    wave_name: str


@dataclass
class Glance:
    caption: str
    columns: list[Column]  # the view adds each sortable column's link
    rows: list[GlanceRow]
    source: str
    counts: list[tuple[str, str, str, int]] = field(default_factory=list)  # (verdict, words, tag, how many)
    benchmark_change: str = ""  # "+0.23", the benchmark's change over the same period
    tolerance: str = ""  # "0.10": a change within this many points of the benchmark's is keeping pace
    empty: str = "No neighbourhood matches these filters."


def concerns_of(row: NeighbourhoodRow) -> tuple[list[str], str]:
    """The main concerns in words, or, where there are none, why not."""
    statuses = [row.factors[key] for key, _ in FACTORS if key in row.factors and row.factors[key].surveyed]
    if not statuses:
        return [], NOT_SURVEYED
    if all(s.withheld for s in statuses):
        return [], ALL_WITHHELD
    concerns = main_concerns(statuses)
    return concerns, "" if concerns else NOTHING_STANDS_OUT


def _glance_row(r: NeighbourhoodRow, data: MyNeighbourhoods) -> GlanceRow:
    n = r.neighbourhood
    span = data.window
    concerns, note = concerns_of(r)
    return GlanceRow(
        name=n.display_name,
        url=reverse("indicators:neighbourhood-detail", args=[n.pk]),
        local_authority=n.local_authority.name,
        decile=r.decile,
        verdict=r.status,
        verdict_words=VERDICT_WORDS.get(r.status, VERDICT_WORDS[""]),
        verdict_tag=VERDICT_TAG.get(r.status, ""),
        detail=verdict_detail(change=r.change, benchmark_change=span.benchmark_change, since=span.start),
        rate=f"{rate(r.rate)} in {span.end}" if r.rate is not None and span.end else "",
        concerns=concerns,
        concerns_note=note,
        factors=[factor_mark(SHORT_LABELS[key], label, r.factors.get(key)) for key, label in FACTORS],
        responses=r.responses,
        wave_name=r.wave_name,
    )


def glance(data: MyNeighbourhoods) -> Glance:
    """The page's grid: one row per neighbourhood, every factor in view at 1280 px."""
    span = data.window
    columns = [
        Column("Neighbourhood", sort="name"),
        Column("Worklessness against similar areas", sort="status"),
        Column("Main concerns"),
        *(Column(SHORT_LABELS[key]) for key, _ in FACTORS),
        Column("Residents who answered", numeric=True, sort="responses"),
    ]
    counts = [
        (verdict, VERDICT_WORDS[verdict], VERDICT_TAG[verdict], data.counts.get(verdict, 0))
        for verdict in ("falling_behind", "keeping_pace", "improving", "")
    ]
    period = f", {span.start} to {span.end}" if span.start and span.end else ""
    return Glance(
        caption=f"Your neighbourhoods{period}: {len(data.rows)} of {data.total} shown",
        columns=columns,
        rows=[_glance_row(r, data) for r in data.rows],
        source=rate_source(data.provenance, span),
        counts=counts,
        benchmark_change=signed(span.benchmark_change),
        tolerance=f"{keeping_pace_points():.2f}",
    )


def _concerns_cell(r: NeighbourhoodRow) -> Cell:
    concerns, note = concerns_of(r)
    return text("; ".join(concerns) if concerns else note)


def my_neighbourhoods_table(data: MyNeighbourhoods) -> Table:
    """The download: every figure in a column of its own, numbers as numbers, words in their own columns."""
    span = data.window
    columns = [
        Column("Neighbourhood"),
        Column("Local authority"),
        Column("Most deprived IMD decile", numeric=True),
        Column(f"Worklessness rate, {span.end or 'latest'} (%)", numeric=True),
        Column(f"Change since {span.start or 'start'} (points)", numeric=True),
        Column("Change against benchmark (points)", numeric=True),
        Column("Against similar areas"),
        Column("Main concerns"),
        Column("Residents answering, latest wave", numeric=True),
        Column("Latest wave"),
    ] + [Column(f"{label} (score 0-100)", numeric=True) for _, label in FACTORS]
    rows = []
    for r in data.rows:
        n = r.neighbourhood
        rows.append(
            [
                text(n.display_name, url=reverse("indicators:neighbourhood-detail", args=[n.pk])),
                text(n.local_authority.name),
                number(r.decile, digits=0, missing="not loaded"),
                number(r.rate, digits=1, missing="no figure"),
                signed_cell(r.change),
                signed_cell(r.against_benchmark),
                status_cell(r.status),
                _concerns_cell(r),
                number(r.responses, digits=0, missing="not surveyed"),
                text(r.wave_name or "not surveyed"),
            ]
            + [factor_cell(r.factors.get(key)) for key, _ in FACTORS]
        )
    return Table(
        key="neighbourhoods",
        caption=f"Neighbourhoods you look after: {len(data.rows)} of {data.total} shown",
        columns=columns,
        rows=rows,
        source=rate_source(data.provenance, span)
        + " Factors: each neighbourhood's latest survey wave, scored 0-100 (higher is better); the note gives the "
        "change since the previous wave and the difference from everyone surveyed in the wave.",
        empty="No neighbourhood matches these filters.",
    )
