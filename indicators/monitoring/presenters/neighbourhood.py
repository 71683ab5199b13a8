"""One neighbourhood's tables, checklist and charts; its summary comes from neighbourhood_summary."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from indicators.engine.selectors.verdicts import factor_is_lagging, factor_signal
from indicators.monitoring.content import FACTOR_GUIDE, FACTORS
from indicators.monitoring.exports import Cell, Column, Table, number, text, withheld
from indicators.monitoring.presenters.cells import (
    AGAINST_SYMBOL,
    AGAINST_WORDS,
    FACTOR_SOURCE,
    SINCE_SYMBOL,
    SINCE_WORDS,
    TREND_TAG,
    interval_cell,
    score_cell,
    short,
)
from indicators.monitoring.presenters.neighbourhood_summary import summary as summary  # the page's top
from indicators.monitoring.selectors.neighbourhood import NeighbourhoodPage
from indicators.monitoring.wording import signed
from indicators.official.models import DeprivationDomain


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
        caption=f"Worklessness rate of {page.neighbourhood.display_name}, its local authority and the benchmark, "
        "by period",
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


def status_table(page: NeighbourhoodPage) -> Table:
    rows = [_status_row(label, page.statuses.get(key)) for key, label in FACTORS]
    return Table(
        key="changes",
        caption="Where each factor stands at the latest wave, and what changed since the last",
        columns=[
            Column("Factor"),
            Column("Wave (opened)"),
            Column("Score (0-100)", numeric=True),
            Column("Responses", numeric=True),
            Column("95% interval"),
            Column("Change since last wave (points)", numeric=True),
            Column("Against everyone surveyed (points)", numeric=True),
        ],
        rows=rows,
        source=FACTOR_SOURCE.format(threshold=page.threshold),
    )


def _wave_cell(wave) -> Cell:
    """The wave by the month it opened on the page, so the figures beside it stay in view; by name in a download."""
    return Cell(value=wave.name, text=f"{wave.opens_on:%b %Y}")


def _compared(value: float | None, trend: str, symbols: dict, words: dict) -> Cell | None:
    """A signed difference with its comparison's own symbol (one family per comparison, as on My neighbourhoods:
    ▲ ▼ ● since the last wave, + − = against everyone surveyed), its colour and its words."""
    if value is None:
        return None
    shown = signed(value, 1)
    symbol = symbols.get(trend, "")
    # Against everyone surveyed, + and − are the gap's own sign; only "close" needs its symbol.
    if symbol and not (symbols is AGAINST_SYMBOL and symbol in "+−"):
        shown = f"{symbol} {shown}"
    return Cell(
        value=round(value, 1), text=shown, tag=TREND_TAG.get(trend, ""), note=words.get(trend, ""), numeric=True
    )


def _status_row(label: str, status) -> list[Cell]:
    """One factor's row: its latest figure, the change since the last wave and against everyone surveyed."""
    if status is None:
        return [text(label), text("not surveyed")] + [text("not surveyed")] * 5
    figure = status.figure
    if figure.withheld:
        reason = withheld(figure.withheld_reason)
        return [
            text(label),
            _wave_cell(figure.wave),
            reason,
            number(figure.responses, digits=0),
            reason,
            reason,
            reason,
        ]
    since = _compared(figure.change, status.since_last_wave, SINCE_SYMBOL, SINCE_WORDS) or text("first wave")
    against = _compared(status.benchmark_difference, status.against_benchmark, AGAINST_SYMBOL, AGAINST_WORDS)
    return [
        text(label),
        _wave_cell(figure.wave),
        number(figure.mean, digits=1),
        number(figure.responses, digits=0),
        interval_cell(figure),
        since,
        against or text("no figure"),
    ]


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
                    score_cell(figure),
                    interval_cell(figure),
                    number(figure.favourable_share, digits=0)
                    if not figure.withheld
                    else withheld(figure.withheld_reason),
                    number(figure.responses, digits=0),
                    score_cell(la) if la else text("not available"),
                    score_cell(wave) if wave else text("not available"),
                ]
            )
    return Table(
        key="factor-waves",
        caption=f"Factor scores of {page.neighbourhood.display_name} at each survey wave",
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


def _signal(status) -> tuple[str, str]:
    """The card's signal, from factor_signal, naming what it is compared with: the last wave where there is
    one, otherwise (at a first wave) everyone surveyed in the wave."""
    at_a_glance = factor_signal(since_last_wave=status.since_last_wave, against_benchmark=status.against_benchmark)
    if not at_a_glance:
        return "Nothing to compare with", "neutral"
    if status.since_last_wave:
        compared = f"compared with {_month(status.figure.previous_wave)}"
        words = f"{SINCE_SYMBOL[at_a_glance]} {SINCE_WORDS[at_a_glance].capitalize()} ({compared})"
    else:
        words = f"{AGAINST_SYMBOL[at_a_glance]} {AGAINST_WORDS[at_a_glance].capitalize()} (first wave)"
    return (f"{words}: act" if factor_is_lagging(at_a_glance) else words), TREND_TAG[at_a_glance]


def _month(wave) -> str:
    """A wave by the month it opened: short enough for a card, and the table of every wave gives its name."""
    return f"{wave.opens_on:%b %Y}" if wave is not None else "the last wave"


def _shows(status) -> str:
    f = status.figure
    interval = f"95% interval {f.ci_low:.1f} to {f.ci_high:.1f}, " if f.ci_low is not None else ""
    shows = f"Score {f.mean:.1f} out of 100 ({interval}{f.responses} responses, {_month(f.wave)})."
    if f.change is not None:
        words = SINCE_WORDS.get(status.since_last_wave, "").capitalize()
        shows += f" {words}: {signed(f.change, 1)} points since {_month(f.previous_wave)}."
    if status.benchmark_difference is not None:
        words = AGAINST_WORDS.get(status.against_benchmark, "").capitalize()
        shows += f" {words}: {signed(status.benchmark_difference, 1)} points."
    return shows


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
            shows = _shows(status)
            signal, tag = _signal(status)
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
        caption=f"Survey waves in {page.neighbourhood.display_name}: responses and progress",
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
        caption=f"The small areas of {n.display_name} and their deprivation",
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


def worklessness_chart(page: NeighbourhoodPage) -> dict:
    series = page.series
    return {
        "id": "worklessness-chart",
        "title": f"Worklessness rate of {page.neighbourhood.display_name} against its local authority and the "
        "benchmark",
        "summary": (
            f"Line chart, {series[0]['period']} to {series[-1]['period']}: the figures are in the table that follows."
            if series
            else ""
        ),
        "x": [short(e["period"]) for e in series],
        "y_label": "Worklessness rate, % of residents aged 16-64",
        "series": [
            {"name": page.neighbourhood.display_name, "values": [e["rate"] for e in series]},
            {"name": page.neighbourhood.local_authority.name, "values": [e["la_rate"] for e in series]},
            {"name": "Benchmark: England's deprived LSOAs", "values": [e["benchmark"] for e in series]},
        ],
        "empty": "No worklessness figures have been imported for this neighbourhood yet.",
    }


def _scores(rows: list) -> str:
    shown = [f"{r.wave.opens_on:%b %Y} {r.mean:.1f}" for r in rows if r is not None and not r.withheld]
    return ", ".join(shown) or "withheld"


def factor_waves(page: NeighbourhoodPage) -> list:
    """The waves of the factors' small charts, in the order they opened: their x axis."""
    return sorted({r.wave for rows in page.factor_rows.values() for r in rows}, key=lambda w: (w.opens_on, w.pk))


def factor_multiples(page: NeighbourhoodPage) -> dict:
    """The eight factors as small multiples on one axis (0-100), wave by wave, the neighbourhood (with its 95%
    intervals) against everyone surveyed in each wave."""
    waves = factor_waves(page)
    at = {w.pk: i for i, w in enumerate(waves)}
    panels = []
    for key, label in FACTORS:
        own: list = [None] * len(waves)
        for r in page.factor_rows.get(key, []):
            own[at[r.wave_id]] = r
        bench = [page.wave_benchmarks.get((w.pk, key)) for w in waves]
        shown = [r if r is not None and not r.withheld else None for r in own]
        everyone = [b if b is not None and not b.withheld else None for b in bench]
        note = "Not surveyed yet." if not any(own) else "Withheld at every wave: too few responses."
        panels.append(
            {
                "key": key,
                "title": label,
                "note": note,
                "summary": f"{page.neighbourhood.display_name}: {_scores(own)}. Everyone surveyed: {_scores(bench)}.",
                "series": [
                    {
                        "values": [r.mean if r else None for r in shown],
                        "low": [r.ci_low if r else None for r in shown],
                        "high": [r.ci_high if r else None for r in shown],
                    },
                    {"values": [b.mean if b else None for b in everyone]},
                ],
            }
        )
    return {
        "id": "factor-multiples",
        "title": "The eight factors at each survey wave, scored 0 to 100 (higher is better)",
        "summary": "Each small chart has the same scale, 0 to 100. Bars show the 95% interval. "
        "The figures are in the table of factor scores at each wave.",
        "y_label": "Score (0-100)",
        "x": [f"{w.opens_on:%b %Y}" for w in waves],
        "series_names": [page.neighbourhood.display_name, "Everyone surveyed in the wave"],
        "panels": panels,
        "empty": "No survey wave has been fielded here yet.",
    }


# Where each IoD domain sits on the page: beside the residents' factor, or the official figure, it speaks to.
HOUSING_DOMAINS = ("crime", "barriers", "living_environment")
WORK_DOMAINS = ("employment", "income")
EDITION_YEAR = {"iod2019": "2019", "iod2025": "2025"}


def _decile(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _domain_words(d) -> str:
    """ "Crime: 3 of its 4 small areas are in England's most deprived tenth (middle decile 1)." """
    of = f"{d.in_decile_1} of its {d.with_figures} small area{'s' if d.with_figures != 1 else ''}"
    verb = "is" if d.in_decile_1 == 1 else "are"
    return f"{d.label}: {of} {verb} in England's most deprived tenth (middle decile {_decile(d.median_decile)})."


def domain_groups(page: NeighbourhoodPage) -> dict[str, list[str]]:
    """The domains in plain words, grouped where the page shows them: ``housing`` beside the residents' housing
    and 'crime and grime', ``work`` beside worklessness."""
    return {
        group: [_domain_words(page.domains[k]) for k in keys if k in page.domains]
        for group, keys in (("housing", HOUSING_DOMAINS), ("work", WORK_DOMAINS))
    }


def domains_table(page: NeighbourhoodPage) -> Table:
    domains = [page.domains[k] for k, _ in DeprivationDomain.Domain.choices if k in page.domains]
    edition = EDITION_YEAR.get(domains[0].edition, domains[0].edition) if domains else ""
    return Table(
        key="domains",
        caption=f"Deprivation of {page.neighbourhood.display_name} by domain: how many of its small areas are in "
        "England's most deprived tenth",
        columns=[
            Column("Domain"),
            Column("Small areas with figures"),
            Column("In the most deprived 10% (decile 1)", numeric=True),
            Column("Middle (median) decile", numeric=True),
        ],
        rows=[
            [
                text(d.label),
                text(f"{d.with_figures} of {d.areas}"),
                number(d.in_decile_1, digits=0),
                number(d.median_decile, digits=1 if d.median_decile != int(d.median_decile) else 0),
            ]
            for d in domains
        ],
        source=f"English Indices of Deprivation {edition}, File 7 (Ministry of Housing, Communities and Local "
        "Government). Each domain ranks every LSOA in England; decile 1 is the most deprived tenth. A "
        "neighbourhood's figures count its LSOAs and give their middle decile: deciles are never averaged.",
        empty="No domain figures are loaded for these small areas (they come with the IoD's File 7).",
    )
