"""Matched pairs: the list and one pair's tables and charts."""

from __future__ import annotations

from django.urls import reverse

from indicators.monitoring.content import FACTORS
from indicators.monitoring.exports import Cell, Column, Table, number, text, withheld
from indicators.monitoring.presenters.cells import short, signed_cell
from indicators.monitoring.selectors.pairs import PairPage
from indicators.monitoring.wording import signed


def _wave_cell(wave) -> Cell:
    """The wave by the month it opened on the page, so the figures beside it stay in view; by name in a download."""
    return Cell(value=wave.name, text=f"{wave.opens_on:%b %Y}")


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
            rows.append([text(label), _wave_cell(row.wave), *_pair_cells(row)])
    return Table(
        key="pair-factors",
        caption=f"{pair.first.display_name} and {pair.second.display_name} on each factor, at each wave",
        columns=[
            Column("Factor"),
            Column("Wave (opened)"),
            Column(f"{pair.first.display_name} score", numeric=True),
            Column(f"{pair.second.display_name} score", numeric=True),
            Column("Gap (first minus second)", numeric=True),
            Column(f"{pair.first.display_name} change", numeric=True),
            Column(f"{pair.second.display_name} change", numeric=True),
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
        caption=f"Worklessness of {pair.first.display_name} and {pair.second.display_name}, by period",
        columns=[
            Column("Period"),
            Column(f"{pair.first.display_name} rate (%)", numeric=True),
            Column(f"{pair.second.display_name} rate (%)", numeric=True),
            Column("Gap (points)", numeric=True),
            Column(f"{pair.first.display_name} change on previous period", numeric=True),
            Column(f"{pair.second.display_name} change on previous period", numeric=True),
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
    did = last.difference_in_differences
    return {
        "baseline": first.period,
        "latest": last.period,
        "first_change": signed(last.first_value - first.first_value),
        "second_change": signed(last.second_value - first.second_value),
        "did": signed(did),
        "gap_start": signed(first.gap),
        "gap_end": signed(last.gap),
        # Lower worklessness is better: below zero, the first's rate fell by more (or rose by less).
        "better": "" if round(did, 2) == 0 else ("first" if did < 0 else "second"),
    }


def pair_worklessness_chart(page: PairPage) -> dict:
    rows = page.worklessness
    return {
        "id": "pair-worklessness-chart",
        "title": f"Worklessness of {page.pair.first.display_name} and {page.pair.second.display_name} over time",
        "summary": "Line chart; the figures are in the table that follows.",
        "x": [short(r.period) for r in rows],
        "y_label": "Worklessness rate, % of residents aged 16-64",
        "series": [
            {"name": page.pair.first.display_name, "values": [r.first_value for r in rows]},
            {"name": page.pair.second.display_name, "values": [r.second_value for r in rows], "style": 1},
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


def pair_factor_multiples(page: PairPage) -> dict:
    """The eight factors as small multiples on one axis (0-100), wave by wave, one line for each side."""
    pair = page.pair
    waves = sorted({r.wave for rows in page.factors.values() for r in rows}, key=lambda w: (w.opens_on, w.pk))
    at = {w.pk: i for i, w in enumerate(waves)}
    panels = []
    for key, label in FACTORS:
        firsts: list = [None] * len(waves)
        seconds: list = [None] * len(waves)
        for row in page.factors.get(key, []):
            if not row.withheld:
                firsts[at[row.wave_id]], seconds[at[row.wave_id]] = row.first_value, row.second_value
        both = [
            f"{w.opens_on:%b %Y} {a:.1f} and {b:.1f}"
            for w, a, b in zip(waves, firsts, seconds, strict=True)
            if a is not None
        ]
        panels.append(
            {
                "key": key,
                "title": label,
                "note": "No comparison: not surveyed on both sides, or withheld (too few responses).",
                "summary": f"{pair.first.display_name} and {pair.second.display_name}: {', '.join(both) or 'none'}.",
                "series": [{"values": firsts}, {"values": seconds}],
            }
        )
    return {
        "id": "pair-factor-multiples",
        "title": "The eight factors at each survey wave, scored 0 to 100 (higher is better)",
        "summary": "Each small chart has the same scale, 0 to 100. The figures are in the table that follows.",
        "x": [f"{w.opens_on:%b %Y}" for w in waves],
        "series_names": [pair.first.display_name, pair.second.display_name],
        "panels": panels,
        "empty": "No factor can be compared yet: not surveyed on both sides, or withheld (too few responses).",
    }


def pair_list_table(pairs, latest, provenance) -> Table:
    """The pairs by the names people use, with the latest gap and the difference in their changes, signed."""
    rows = []
    for pair in pairs:
        first, second = pair.first.display_name, pair.second.display_name
        row = latest.get(pair.pk)
        if row is None:
            figures = [text("no figure"), signed_cell(None), signed_cell(None), text("no figure")]
        else:
            did = row.difference_in_differences
            leader = first if did < 0 else second
            figures = [
                text(row.period.label),
                signed_cell(row.gap),
                signed_cell(did),
                text(f"{leader} improved more" if round(did, 2) != 0 else "no difference"),
            ]
        rows.append(
            [
                text(f"{first} and {second}", url=reverse("indicators:matched-pair-detail", args=[pair.pk])),
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
        source=provenance.describe() + " Lower worklessness is better: a negative difference in differences (−) means "
        "the first's rate fell by more (or rose by less) than the second's since their baseline; 0.00 means no "
        "difference.",
        empty="No matched pairs among the neighbourhoods you look after.",
    )
