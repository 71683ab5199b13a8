"""My neighbourhoods: every neighbourhood the user looks after, with its worklessness verdict and each factor's
latest signal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection

from indicators.engine.models import FactorScore, WorklessnessPoint
from indicators.engine.selectors.factors import against
from indicators.engine.selectors.verdicts import (
    FALLING_BEHIND,
    IMPROVING,
    KEEPING_PACE,
    VERDICTS,
    factor_signal,
    worklessness_verdict,
)
from indicators.monitoring.selectors.common import Provenance, Window, benchmark_series, window, worklessness_provenance
from indicators.places import selectors
from indicators.places.models import LocalAuthority, Neighbourhood


@dataclass
class FactorCellStatus:
    factor: str
    mean: float | None = None
    withheld: bool = False
    withheld_reason: str = ""
    since_last_wave: str = ""
    change: float | None = None
    against_benchmark: str = ""
    benchmark_difference: float | None = None
    wave_name: str = ""
    responses: int | None = None

    @property
    def surveyed(self) -> bool:
        return bool(self.wave_name)

    @property
    def signal(self) -> str:
        return factor_signal(since_last_wave=self.since_last_wave, against_benchmark=self.against_benchmark)


@dataclass
class NeighbourhoodRow:
    neighbourhood: Neighbourhood
    decile: int | None
    rate: float | None = None
    start_rate: float | None = None
    change: float | None = None
    against_benchmark: float | None = None
    status: str = ""
    areas: int | None = None
    areas_expected: int | None = None
    wave_name: str = ""
    responses: int | None = None
    factors: dict[str, FactorCellStatus] = field(default_factory=dict)


@dataclass
class MyNeighbourhoods:
    rows: list[NeighbourhoodRow]
    total: int
    window: Window
    provenance: Provenance
    local_authorities: list[LocalAuthority]
    deciles: list[int]
    waves: list[str]
    counts: dict[str, int] = field(default_factory=dict)  # verdict ("" for no figure) -> neighbourhoods, unfiltered


VERDICT_ORDER = {FALLING_BEHIND: 0, KEEPING_PACE: 1, IMPROVING: 2}

SORTS = {
    "name": lambda r: r.neighbourhood.display_name.casefold(),
    "la": lambda r: (r.neighbourhood.local_authority.name, r.neighbourhood.display_name.casefold()),
    "decile": lambda r: (r.decile is None, r.decile or 0),
    "rate": lambda r: (r.rate is None, r.rate or 0),
    "change": lambda r: (r.change is None, r.change or 0),
    "against": lambda r: (r.against_benchmark is None, r.against_benchmark or 0),
    # Falling behind first, and within each verdict the furthest behind the benchmark first.
    "status": lambda r: (
        VERDICT_ORDER.get(r.status, 3),
        -(r.against_benchmark or 0),
        r.neighbourhood.display_name.casefold(),
    ),
    "responses": lambda r: (r.responses is None, r.responses or 0),
}


FIGURE_FIELDS = (
    "neighbourhood_id", "factor", "wave_id", "wave__name", "wave__opens_on", "withheld", "withheld_reason", "mean",
    "standard_error", "trend", "change", "responses",
)  # fmt: skip


def latest_factor_statuses(user, neighbourhood_ids) -> tuple[dict, dict]:
    """Each neighbourhood's latest figure per factor, with its trend and against the wave; and, per neighbourhood,
    its latest wave with the residents who answered it (the most for any factor). Two queries, plain values."""
    rows = (
        FactorScore.objects.visible_to(user)
        .filter(level=FactorScore.Level.NEIGHBOURHOOD, neighbourhood_id__in=neighbourhood_ids)
        .order_by("neighbourhood_id", "factor", "-wave__opens_on", "-wave_id")
    )
    if connection.features.can_distinct_on_fields:
        rows = rows.distinct("neighbourhood_id", "factor")  # only the latest wave's: a quarter of the rows or less
    latest: dict[tuple[int, str], SimpleNamespace] = {}
    for row in rows.values(*FIGURE_FIELDS):
        if (row["neighbourhood_id"], row["factor"]) not in latest:
            latest[(row["neighbourhood_id"], row["factor"])] = SimpleNamespace(**row)
    benchmarks = {
        (b.wave_id, b.factor): b
        for b in FactorScore.objects.visible_to(user)
        .filter(level=FactorScore.Level.WAVE, wave_id__in={r.wave_id for r in latest.values()})
        .only("wave_id", "factor", "withheld", "mean", "standard_error")
    }
    statuses: dict[int, dict[str, FactorCellStatus]] = defaultdict(dict)
    waves: dict[int, tuple] = {}
    for (n_id, factor), figure in latest.items():
        difference, _, status = against(figure, benchmarks.get((figure.wave_id, factor)))
        statuses[n_id][factor] = FactorCellStatus(
            factor=factor,
            mean=figure.mean,
            withheld=figure.withheld,
            withheld_reason=figure.withheld_reason,
            since_last_wave=figure.trend,
            change=figure.change,
            against_benchmark=status,
            benchmark_difference=difference,
            wave_name=figure.wave__name,
            responses=figure.responses,
        )
        key = (figure.wave__opens_on, figure.wave_id)
        known = waves.get(n_id)
        if known is None or key > known[0] or (key == known[0] and figure.responses > known[2]):
            waves[n_id] = (key, figure.wave__name, figure.responses)
    return statuses, {n: (name, responses) for n, (_, name, responses) in waves.items()}


def my_neighbourhoods(
    *,
    user,
    local_authority: str = "",
    decile: int | None = None,
    status: str = "",
    sort: str = "status",
    years: str = "1",
) -> MyNeighbourhoods:
    """Every neighbourhood the user looks after, with worklessness against the benchmark and the factors."""
    neighbourhoods = list(selectors.neighbourhood_list(user=user))
    provenance = worklessness_provenance()
    span = window(benchmark_series(provenance.indicator), years)
    visible = Neighbourhood.objects.visible_to(user).values("pk")

    rates: dict[int, dict[int, WorklessnessPoint]] = defaultdict(dict)
    if span.end is not None:
        periods = [p.pk for p in (span.start, span.end) if p is not None]
        for point in WorklessnessPoint.objects.filter(
            indicator=provenance.indicator,
            level=WorklessnessPoint.Level.NEIGHBOURHOOD,
            period_id__in=periods,
            neighbourhood_id__in=visible,
        ).only("neighbourhood_id", "period_id", "rate", "areas", "areas_expected"):
            rates[point.neighbourhood_id][point.period_id] = point

    factors, responses = latest_factor_statuses(user, visible)

    rows = []
    for n in neighbourhoods:
        row = NeighbourhoodRow(neighbourhood=n, decile=n.most_deprived_decile, factors=factors.get(n.pk, {}))
        by_period = rates.get(n.pk, {})
        end = by_period.get(span.end.pk) if span.end else None
        start = by_period.get(span.start.pk) if span.start else None
        if end is not None:
            row.rate, row.areas, row.areas_expected = end.rate, end.areas, end.areas_expected
        if end is not None and start is not None and end.rate is not None and start.rate is not None:
            row.start_rate = start.rate
            row.change = end.rate - start.rate
            if span.benchmark_change is not None:
                row.against_benchmark = row.change - span.benchmark_change
            row.status = worklessness_verdict(row.change, span.benchmark_change)
        if n.pk in responses:
            row.wave_name, row.responses = responses[n.pk]
        rows.append(row)

    authorities = sorted({n.local_authority for n in neighbourhoods}, key=lambda la: la.name)
    deciles = sorted({n.most_deprived_decile for n in neighbourhoods if n.most_deprived_decile})
    waves = sorted({r.wave_name for r in rows if r.wave_name})
    total = len(rows)
    counts = {verdict: sum(1 for r in rows if r.status == verdict) for verdict in (*VERDICTS, "")}
    if local_authority:
        rows = [r for r in rows if r.neighbourhood.local_authority.code == local_authority]
    if decile:
        rows = [r for r in rows if r.decile == decile]
    if status in VERDICTS:
        rows = [r for r in rows if r.status == status]
    elif status == "none":
        rows = [r for r in rows if not r.status]
    key = sort.lstrip("-")
    rows.sort(key=SORTS.get(key, SORTS["status"]), reverse=sort.startswith("-"))
    return MyNeighbourhoods(rows, total, span, provenance, authorities, deciles, waves, counts)
