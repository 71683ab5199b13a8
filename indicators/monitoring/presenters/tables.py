"""The tables and charts of each monitoring page, built once from the page's selector data.

The template renders these tables and the download writes them: the same rows,
the same withheld cells, the same sources.
"""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse
from django.utils import timezone

from indicators.engine.models import Trend
from indicators.engine.selectors.verdicts import factor_is_improving, factor_is_lagging, factor_signal
from indicators.monitoring.exports import Cell, Column, Table, number, text, withheld
from indicators.monitoring.selectors.dashboard import (
    FACTOR_GUIDE,
    FACTOR_LABELS,
    FACTORS,
    REPORT_SHARES,
    SHORT_LABELS,
    MyNeighbourhoods,
    NeighbourhoodPage,
    PairPage,
)

TREND_TAG = {Trend.BETTER: "good", Trend.WORSE: "bad", Trend.NO_CLEAR_CHANGE: "neutral"}
SINCE_WORDS = {
    Trend.BETTER: "up on last wave",
    Trend.WORSE: "down on last wave",
    Trend.NO_CLEAR_CHANGE: "no clear change",
}
AGAINST_WORDS = {
    Trend.BETTER: "above everyone surveyed",
    Trend.WORSE: "below everyone surveyed",
    Trend.NO_CLEAR_CHANGE: "close to everyone surveyed",
}
STATUS_TAG = {"improving": "good", "lagging": "bad"}
FACTOR_SOURCE = (
    "Resident survey: factor scores 0-100 (higher is better), mean of residents' scores with a 95% confidence "
    "interval; changes are tested against chance (p < 0.05). Figures from fewer than {threshold} responses "
    "are withheld."
)


def status_cell(status: str) -> Cell:
    if not status:
        return text("no figure")
    return text(status.capitalize(), tag=STATUS_TAG[status])


def rate_source(provenance, span) -> str:
    bench = span.benchmark_change
    bench_text = f"{bench:+.2f} points".replace("-", "−") if bench is not None else "no figure"
    return (
        f"{provenance.describe()} Change from {span.start} to {span.end}. Benchmark: the mean rate of England's "
        f"deprived LSOAs, which changed by {bench_text} over the same period. Improving: the rate fell by more "
        "than the benchmark fell."
    )


# --- My neighbourhoods -------------------------------------------------------------------------------------


def factor_cell(status) -> Cell:
    if status is None or not status.surveyed:
        return text("not surveyed")
    if status.withheld:
        return withheld(status.withheld_reason)
    signal = status.signal
    words = SINCE_WORDS.get(status.since_last_wave) or AGAINST_WORDS.get(status.against_benchmark, "")
    arrow = {Trend.BETTER: "▲", Trend.WORSE: "▼", Trend.NO_CLEAR_CHANGE: "●"}.get(signal, "")
    return Cell(
        value=f"{status.mean:.1f} ({words})" if words else f"{status.mean:.1f}",
        text=f"{arrow} {status.mean:.0f}".strip(),
        tag=TREND_TAG.get(signal, ""),
        note=f"({words})" if words else "",
        numeric=True,
        quiet=True,
    )


def my_neighbourhoods_table(data: MyNeighbourhoods) -> Table:
    span = data.window
    columns = [
        Column("Neighbourhood", sort="name"),
        Column("Local authority", sort="la"),
        Column("Most deprived IMD decile", numeric=True, sort="decile"),
        Column(f"Worklessness rate, {span.end or 'latest'} (%)", numeric=True, sort="rate"),
        Column(f"Change since {span.start or 'start'} (points)", numeric=True, sort="change"),
        Column("Change against benchmark (points)", numeric=True, sort="against"),
        Column("Improving or lagging", sort="status"),
        Column("Residents answering, latest wave", numeric=True, sort="responses"),
    ] + [Column(SHORT_LABELS[key], numeric=True) for key, _ in FACTORS]
    rows = []
    for r in data.rows:
        n = r.neighbourhood
        rows.append(
            [
                text(n.name, url=reverse("indicators:neighbourhood-detail", args=[n.pk])),
                text(n.local_authority.name),
                number(r.decile, digits=0, missing="not loaded"),
                number(r.rate, digits=1, missing="no figure"),
                number(r.change, digits=2, signed=True),
                number(r.against_benchmark, digits=2, signed=True),
                status_cell(r.status),
                replace(number(r.responses, digits=0, missing="not surveyed", note=r.wave_name), quiet=True),
            ]
            + [factor_cell(r.factors.get(key)) for key, _ in FACTORS]
        )
    return Table(
        key="neighbourhoods",
        caption=f"Neighbourhoods you look after: {len(data.rows)} of {data.total} shown",
        columns=columns,
        rows=rows,
        source=rate_source(data.provenance, span)
        + " Factors: each neighbourhood's latest survey wave; colour and words give the change since the "
        "previous wave, or, at a first wave, the difference from everyone surveyed in it.",
        empty="No neighbourhood matches these filters.",
    )


# --- A neighbourhood ---------------------------------------------------------------------------------------


def worklessness_table(page: NeighbourhoodPage) -> Table:
    rows = []
    for entry in reversed(page.series):
        point = entry["point"]
        gap = (
            entry["rate"] - entry["benchmark"] if entry["rate"] is not None and entry["benchmark"] is not None else None
        )
        rows.append(
            [
                text(entry["period"].label),
                number(entry["rate"], digits=2),
                number(point.numerator if point else None, digits=0),
                number(point.denominator if point else None, digits=0),
                text(f"{point.areas} of {point.areas_expected}" if point else "none"),
                number(entry["la_rate"], digits=2),
                number(entry["benchmark"], digits=2),
                number(gap, digits=2, signed=True),
            ]
        )
    return Table(
        key="worklessness",
        caption=f"Worklessness rate of {page.neighbourhood.name}, its local authority and the benchmark, by period",
        columns=[
            Column("Period"),
            Column("Neighbourhood rate (%)", numeric=True),
            Column("Claimants", numeric=True),
            Column("Working-age residents", numeric=True),
            Column("Small areas with figures"),
            Column(f"{page.neighbourhood.local_authority.name} rate (%)", numeric=True),
            Column("Benchmark rate (%)", numeric=True),
            Column("Neighbourhood minus benchmark (points)", numeric=True),
        ],
        rows=rows,
        source=page.provenance.describe()
        + " Rates are sums of the small areas' claimants over the sums of their residents aged 16-64; "
        "claimant counts keep the publisher's rounding to 5. Benchmark: mean rate of England's deprived LSOAs.",
    )


def _score(figure) -> Cell:
    if figure is None:
        return text("not surveyed")
    if figure.withheld:
        return withheld(figure.withheld_reason)
    return number(figure.mean, digits=1)


def _ci(figure) -> Cell:
    if figure is None or figure.withheld:
        return withheld(figure.withheld_reason) if figure is not None else text("not surveyed")
    if figure.ci_low is None:
        return text("no interval")
    return text(f"{figure.ci_low:.1f} to {figure.ci_high:.1f}")


def status_table(page: NeighbourhoodPage) -> Table:
    rows = []
    for key, label in FACTORS:
        status = page.statuses.get(key)
        if status is None:
            rows.append([text(label), text("not surveyed")] + [text("not surveyed")] * 5)
            continue
        figure = status.figure
        if figure.withheld:
            reason = withheld(figure.withheld_reason)
            rows.append(
                [
                    text(label),
                    text(figure.wave.name),
                    reason,
                    number(figure.responses, digits=0),
                    reason,
                    reason,
                    reason,
                ]
            )
            continue
        since = (
            number(
                figure.change,
                digits=1,
                signed=True,
                tag=TREND_TAG.get(status.since_last_wave, ""),
                note=f"{SINCE_WORDS.get(status.since_last_wave, '')}, since {figure.previous_wave}",
            )
            if figure.change is not None
            else text("first wave")
        )
        against = (
            number(
                status.benchmark_difference,
                digits=1,
                signed=True,
                tag=TREND_TAG.get(status.against_benchmark, ""),
                note=AGAINST_WORDS.get(status.against_benchmark, ""),
            )
            if status.benchmark_difference is not None
            else text("no figure")
        )
        rows.append(
            [
                text(label),
                text(figure.wave.name),
                number(figure.mean, digits=1),
                number(figure.responses, digits=0),
                _ci(figure),
                since,
                against,
            ]
        )
    return Table(
        key="changes",
        caption="Where each factor stands at the latest wave, and what changed since the last",
        columns=[
            Column("Factor"),
            Column("Wave"),
            Column("Score (0-100)", numeric=True),
            Column("Responses", numeric=True),
            Column("95% interval"),
            Column("Change since last wave (points)", numeric=True),
            Column("Against everyone surveyed (points)", numeric=True),
        ],
        rows=rows,
        source=FACTOR_SOURCE.format(threshold=page.threshold),
    )


def factor_waves_table(page: NeighbourhoodPage) -> Table:
    rows = []
    for key, label in FACTORS:
        for figure in page.factor_rows.get(key, []):
            la = page.la_scores.get((figure.wave_id, key))
            wave = page.wave_benchmarks.get((figure.wave_id, key))
            rows.append(
                [
                    text(label),
                    text(figure.wave.name),
                    _score(figure),
                    _ci(figure),
                    number(figure.favourable_share, digits=0)
                    if not figure.withheld
                    else withheld(figure.withheld_reason),
                    number(figure.responses, digits=0),
                    _score(la) if la else text("not available"),
                    _score(wave) if wave else text("not available"),
                ]
            )
    return Table(
        key="factor-waves",
        caption=f"Factor scores of {page.neighbourhood.name} at each survey wave",
        columns=[
            Column("Factor"),
            Column("Wave"),
            Column("Score (0-100)", numeric=True),
            Column("95% interval"),
            Column("Favourable (%)", numeric=True),
            Column("Responses", numeric=True),
            Column(f"{page.neighbourhood.local_authority.name} score", numeric=True),
            Column("Everyone surveyed in the wave", numeric=True),
        ],
        rows=rows,
        source=FACTOR_SOURCE.format(threshold=page.threshold),
        empty="No survey wave has been fielded here yet.",
    )


def checklist(page: NeighbourhoodPage) -> list[dict]:
    items = []
    for key, label in FACTORS:
        guide = FACTOR_GUIDE[key]
        status = page.statuses.get(key)
        if status is None:
            shows, signal, tag = "Not surveyed yet: no figure.", "No figure", "neutral"
        elif status.withheld:
            shows = f"Withheld at {status.figure.wave}: {status.figure.withheld_reason}."
            signal, tag = "Withheld", "neutral"
        else:
            f = status.figure
            interval = f"95% interval {f.ci_low:.1f} to {f.ci_high:.1f}, " if f.ci_low is not None else ""
            shows = f"Score {f.mean:.1f} out of 100 ({interval}{f.responses} responses, {f.wave})."
            if f.change is not None:
                words = SINCE_WORDS.get(status.since_last_wave, "").capitalize()
                shows += f" {words} ({f.change:+.1f} points since {f.previous_wave})."
            if status.benchmark_difference is not None:
                words = AGAINST_WORDS.get(status.against_benchmark, "").capitalize()
                shows += f" {words} ({status.benchmark_difference:+.1f} points)."
            at_a_glance = factor_signal(
                since_last_wave=status.since_last_wave, against_benchmark=status.against_benchmark
            )
            if factor_is_lagging(at_a_glance):
                signal, tag = "Lagging: act", "bad"
            elif factor_is_improving(at_a_glance):
                signal, tag = "Improving: keep it up", "good"
            else:
                signal, tag = "No clear signal", "neutral"
        items.append(
            {
                "key": key,
                "label": label,
                "shows": shows,
                "signal": signal,
                "tag": tag,
                "improving": guide.improving,
                "lagging": guide.lagging,
                "response": guide.response,
            }
        )
    return items


def checklist_table(items: list[dict]) -> Table:
    return Table(
        key="checklist",
        caption="The report's factors: what the data shows and the recommended response",
        columns=[Column("Factor"), Column("Signal"), Column("What the data shows"), Column("Recommended response")],
        rows=[
            [text(i["label"]), text(i["signal"], tag=i["tag"]), text(i["shows"]), text(i["response"])] for i in items
        ],
        source="Improving and lagging signs and responses: Rebalancing Local Economies (ippr north and the "
        "Joseph Rowntree Foundation, 2010).",
    )


def waves_table(page: NeighbourhoodPage) -> Table:
    today = timezone.localdate()
    rows = []
    for p in page.waves:
        w = p.wave
        state = "open" if w.is_open(today) else ("closed" if w.has_closed(today) else "not open yet")
        rows.append(
            [
                text(w.name, url=reverse("surveys:wave-detail", args=[w.pk])),
                text(f"{w.opens_on:%d %b %Y} to {w.closes_on:%d %b %Y}"),
                text(state),
                number(p.invitations, digits=0),
                number(p.completed, digits=0),
                number(p.invitations_used, digits=0),
                number(p.response_rate, digits=0, missing="no codes issued"),
                number(p.in_progress, digits=0),
            ]
        )
    return Table(
        key="waves",
        caption=f"Survey waves in {page.neighbourhood.name}: responses and progress",
        columns=[
            Column("Wave"),
            Column("Dates"),
            Column("State"),
            Column("Invitation codes", numeric=True),
            Column("Completed responses", numeric=True),
            Column("Codes used", numeric=True),
            Column("Response rate from codes (%)", numeric=True),
            Column("Started, not finished", numeric=True),
        ],
        rows=rows,
        source="Survey waves: counts of invitation codes and of responses (never answers).",
        empty="No survey wave includes this neighbourhood yet.",
    )


def areas_table(page: NeighbourhoodPage) -> Table:
    n = page.neighbourhood
    rows = []
    for area in n.small_areas.all():
        imd = area.imd[0] if area.imd else None
        rows.append(
            [
                text(area.code),
                text(area.name),
                number(imd.rank if imd else None, digits=0, missing="not loaded"),
                number(imd.decile if imd else None, digits=0, missing="not loaded"),
                text(f"{area.latitude}, {area.longitude}" if area.latitude is not None else "not loaded"),
            ]
        )
    edition = (
        n.small_areas.all()[0].imd[0].get_edition_display() if rows and n.small_areas.all()[0].imd else "not loaded"
    )
    return Table(
        key="areas",
        caption=f"The small areas of {n.name} and their deprivation",
        columns=[
            Column("Code"),
            Column("Name"),
            Column("IMD rank (1 is most deprived)", numeric=True),
            Column("IMD decile", numeric=True),
            Column("Centroid (latitude, longitude)"),
        ],
        rows=rows,
        source=f"Index of Multiple Deprivation: {edition} (Ministry of Housing, Communities and Local Government).",
    )


def short(period) -> str:
    """A period's label short enough for a chart axis."""
    return period.start.strftime("%b %Y") if period.kind == "month" else period.label


def worklessness_chart(page: NeighbourhoodPage) -> dict:
    series = page.series
    return {
        "id": "worklessness-chart",
        "title": f"Worklessness rate of {page.neighbourhood.name} against its local authority and the benchmark",
        "summary": (
            f"Line chart, {series[0]['period']} to {series[-1]['period']}: the figures are in the table that follows."
            if series
            else ""
        ),
        "x": [short(e["period"]) for e in series],
        "y_label": "Worklessness rate, % of residents aged 16-64",
        "series": [
            {"name": page.neighbourhood.name, "values": [e["rate"] for e in series]},
            {"name": page.neighbourhood.local_authority.name, "values": [e["la_rate"] for e in series]},
            {"name": "Benchmark: England's deprived LSOAs", "values": [e["benchmark"] for e in series]},
        ],
        "empty": "No worklessness figures have been imported for this neighbourhood yet.",
    }


def factor_interval_chart(page: NeighbourhoodPage) -> dict:
    items = []
    for key, label in FACTORS:
        status = page.statuses.get(key)
        if status is None:
            items.append({"label": label, "mean": None, "note": "not surveyed"})
            continue
        f = status.figure
        items.append(
            {
                "label": label,
                "mean": f.mean,
                "low": f.ci_low if f.ci_low is not None else f.mean,
                "high": f.ci_high if f.ci_high is not None else f.mean,
                "benchmark": status.benchmark.mean if status.benchmark and not status.benchmark.withheld else None,
                "withheld": f.withheld,
                "note": f"Withheld: {f.withheld_reason}" if f.withheld else "",
            }
        )
    waves = sorted({str(s.figure.wave) for s in page.statuses.values()})
    title = "Factor scores at the latest wave, out of 100" + (f" ({', '.join(waves)})" if waves else "")
    return {"id": "factors-chart", "title": title, "items": items}


def factor_wave_charts(page: NeighbourhoodPage) -> list[dict]:
    """One small chart per factor over the waves, when there is more than one wave."""
    charts = []
    for key, label in FACTORS:
        rows = page.factor_rows.get(key, [])
        if len(rows) < 2:
            continue
        bench = [page.wave_benchmarks.get((r.wave_id, key)) for r in rows]
        charts.append(
            {
                "id": f"factor-{key}",
                "title": f"{label}: score at each wave with its 95% interval",
                "summary": "The figures are in the table of factor scores at each wave.",
                "x": [r.wave.name for r in rows],
                "y_min": 0,
                "y_max": 100,
                "y_label": f"{label} (0-100)",
                "series": [
                    {
                        "name": page.neighbourhood.name,
                        "values": [r.mean for r in rows],
                        "low": [r.ci_low for r in rows],
                        "high": [r.ci_high for r in rows],
                    },
                    {
                        "name": "Everyone surveyed",
                        "values": [b.mean if b and not b.withheld else None for b in bench],
                        "style": 2,
                    },
                ],
            }
        )
    return charts


# --- A matched pair ----------------------------------------------------------------------------------------


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


# --- League ------------------------------------------------------------------------------------------------


def league_tables(report, area_label: str, area_row, la_rows, neighbourhoods, region_slug: str) -> list[Table]:
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
    source = (
        f"Engine improvement report for '{report.indicator}' from {report.start} to {report.end}. Benchmark: the mean "
        f"change across {report.benchmark_areas:,} LSOAs, {report.reference}. A deprived LSOA is improving when its "
        "rate fell by more than the benchmark fell."
    )
    areas = Table(
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
    nrows = [
        [
            text(n["name"], url=reverse("indicators:neighbourhood-detail", args=[n["neighbourhood_id"]])),
            text(n["local_authority"]),
            number(n["start_rate"], digits=2),
            number(n["end_rate"], digits=2),
            number(n["change"], digits=2, signed=True),
            number(n["against_benchmark"], digits=2, signed=True),
            status_cell("improving" if n["improving"] else "lagging"),
        ]
        for n in neighbourhoods
    ]
    hoods = Table(
        key="league-neighbourhoods",
        caption=f"Your neighbourhoods in {area_label}, {report.start} to {report.end}",
        columns=[
            Column("Neighbourhood"),
            Column("Local authority"),
            Column(f"Rate, {report.start} (%)", numeric=True),
            Column(f"Rate, {report.end} (%)", numeric=True),
            Column("Change (points)", numeric=True),
            Column("Against benchmark (points)", numeric=True),
            Column("Improving or lagging"),
        ],
        rows=nrows,
        source=source,
        empty="None of your neighbourhoods here has figures for both periods.",
    )
    return [areas, hoods]


__all__ = ["FACTOR_LABELS"]
