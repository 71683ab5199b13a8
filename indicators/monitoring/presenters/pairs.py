"""Matched pairs: the list and one pair's tables and charts."""

from __future__ import annotations

from django.urls import reverse

from indicators.monitoring.content import FACTORS
from indicators.monitoring.exports import Cell, Column, Table, number, text, withheld
from indicators.monitoring.presenters.cells import short
from indicators.monitoring.selectors.pairs import PairPage


def _pair_cells(row) -> list[Cell]:
    if row.withheld:
        cell = withheld(row.withheld_reason)
        return [cell] * 6
    return [
        number(row.first_value, digits=1),
        number(row.second_value, digits=1),
        number(row.gap, digits=1, signed=True),
        number(row.first_change, digits=1, signed=True, missing="first point"),
        number(row.second_change, digits=1, signed=True, missing="first point"),
        number(row.difference_in_differences, digits=1, signed=True),
    ]


def pair_factor_table(page: PairPage) -> Table:
    pair = page.pair
    rows = []
    for key, label in FACTORS:
        comparisons = page.factors.get(key, [])
        if not comparisons:
            first, second = page.sides.get((pair.first_id, key)), page.sides.get((pair.second_id, key))
            reason = next((f.withheld_reason for f in (first, second) if f is not None and f.withheld), "")
            cells = [withheld(reason)] * 6 if reason else [text("no comparison")] * 6
            rows.append([text(label), text("none"), *cells])
            continue
        for row in comparisons:
            rows.append([text(label), text(row.wave.name), *_pair_cells(row)])
    return Table(
        key="pair-factors",
        caption=f"{pair.first.name} and {pair.second.name} on each factor, at each wave",
        columns=[
            Column("Factor"),
            Column("Wave"),
            Column(f"{pair.first.name} score", numeric=True),
            Column(f"{pair.second.name} score", numeric=True),
            Column("Gap (first minus second)", numeric=True),
            Column(f"{pair.first.name} change", numeric=True),
            Column(f"{pair.second.name} change", numeric=True),
            Column("Difference in differences since baseline", numeric=True),
        ],
        rows=rows,
        source="Resident survey: factor scores 0-100 (higher is better). A comparison is withheld when either "
        "side's figure is.",
    )


def pair_worklessness_table(page: PairPage) -> Table:
    pair = page.pair
    rows = [[text(r.period.label), *_pair_cells(r)] for r in reversed(page.worklessness)]
    return Table(
        key="pair-worklessness",
        caption=f"Worklessness of {pair.first.name} and {pair.second.name}, by period",
        columns=[
            Column("Period"),
            Column(f"{pair.first.name} rate (%)", numeric=True),
            Column(f"{pair.second.name} rate (%)", numeric=True),
            Column("Gap (points)", numeric=True),
            Column(f"{pair.first.name} change on previous period", numeric=True),
            Column(f"{pair.second.name} change on previous period", numeric=True),
            Column("Difference in differences since baseline (points)", numeric=True),
        ],
        rows=rows,
        source=page.provenance.describe() + " Lower is better for worklessness.",
        empty="No worklessness figures for both sides yet.",
    )


def pair_summary(page: PairPage) -> dict | None:
    shown = page.worklessness_shown
    if len(shown) < 2:
        return None
    first, last = shown[0], shown[-1]
    return {
        "baseline": first.period,
        "latest": last.period,
        "first_change": last.first_value - first.first_value,
        "second_change": last.second_value - first.second_value,
        "did": last.difference_in_differences,
        "gap_start": first.gap,
        "gap_end": last.gap,
    }


def pair_worklessness_chart(page: PairPage) -> dict:
    rows = page.worklessness
    return {
        "id": "pair-worklessness-chart",
        "title": f"Worklessness of {page.pair.first.name} and {page.pair.second.name} over time",
        "summary": "Line chart; the figures are in the table that follows.",
        "x": [short(r.period) for r in rows],
        "y_label": "Worklessness rate, % of residents aged 16-64",
        "series": [
            {"name": page.pair.first.name, "values": [r.first_value for r in rows]},
            {"name": page.pair.second.name, "values": [r.second_value for r in rows], "style": 1},
        ],
        "empty": "No worklessness figures for both sides yet.",
    }


def pair_gap_chart(page: PairPage) -> dict:
    rows = page.worklessness
    return {
        "id": "pair-gap-chart",
        "title": "The gap between them (first minus second), in points",
        "summary": "Line chart of the gap; the figures are in the table that follows.",
        "x": [short(r.period) for r in rows],
        "y_label": "Gap in worklessness rate, points",
        "series": [{"name": "Gap (first minus second)", "values": [r.gap for r in rows], "style": 3}],
    }


def pair_interval_chart(page: PairPage) -> list[dict]:
    charts = []
    for side in (page.pair.first, page.pair.second):
        items = []
        for key, label in FACTORS:
            f = page.sides.get((side.pk, key))
            if f is None:
                items.append({"label": label, "mean": None, "note": "not surveyed"})
            else:
                items.append(
                    {
                        "label": label,
                        "mean": f.mean,
                        "low": f.ci_low if f.ci_low is not None else f.mean,
                        "high": f.ci_high if f.ci_high is not None else f.mean,
                        "withheld": f.withheld,
                        "note": f"Withheld: {f.withheld_reason}" if f.withheld else "",
                    }
                )
        waves = sorted({str(f.wave) for (n, _), f in page.sides.items() if n == side.pk})
        title = f"{side.name}: latest factor scores" + (f" ({', '.join(waves)})" if waves else "")
        charts.append({"id": f"pair-side-{side.pk}", "title": title, "items": items})
    return charts


def pair_list_table(pairs, latest, provenance) -> Table:
    rows = []
    for pair in pairs:
        row = latest.get(pair.pk)
        if row is None:
            figures = [text("no figure")] * 4
        else:
            did = row.difference_in_differences
            leader = pair.first.name if did < 0 else pair.second.name
            figures = [
                text(row.period.label),
                number(row.gap, digits=2, signed=True),
                number(did, digits=2, signed=True),
                text(f"{leader} improved more" if abs(did) >= 0.005 else "no difference"),
            ]
        rows.append(
            [
                text(
                    f"{pair.first.name} and {pair.second.name}",
                    url=reverse("indicators:matched-pair-detail", args=[pair.pk]),
                ),
                text(", ".join(dict.fromkeys([pair.first.local_authority.name, pair.second.local_authority.name]))),
                *figures,
                text(pair.reason),
            ]
        )
    return Table(
        key="pairs",
        caption="Pairs of neighbourhoods alike at baseline, with the latest worklessness gap",
        columns=[
            Column("Pair"),
            Column("Local authorities"),
            Column("Latest period"),
            Column("Gap, first minus second (points)", numeric=True),
            Column("Difference in differences since baseline (points)", numeric=True),
            Column("Which improved more"),
            Column("Why matched"),
        ],
        rows=rows,
        source=provenance.describe() + " Lower worklessness is better: a negative difference in differences means "
        "the first's rate fell by more than the second's since their baseline.",
        empty="No matched pairs among the neighbourhoods you look after.",
    )
