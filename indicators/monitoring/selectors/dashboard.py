"""Reads for the monitoring pages: the engine's rollups, scoped to the user, in a constant number of queries.

Nothing here aggregates residents' answers or official observations: every
figure comes from ``FactorScore``, ``WorklessnessPoint`` or ``PairComparison``
(or from the engine's improvement report), and a withheld figure arrives
withheld. What this module adds is arithmetic on those figures (a change
between two periods) and the grouping a page needs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from indicators.engine.models import FactorScore, PairComparison, Trend, WorklessnessPoint
from indicators.engine.selectors.factors import FactorStatus, against, factor_scores, statuses_of
from indicators.engine.selectors.improvement import improvement_report
from indicators.engine.selectors.verdicts import factor_signal, worklessness_verdict
from indicators.monitoring.state import official_state
from indicators.official.models import Import, Indicator, Period
from indicators.places import selectors
from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood, Region
from surveys.models import REPORT_FACTORS, Factor, Invitation, Response, ResponseStatus, Wave

WORKLESSNESS = "worklessness"

# The report's eight factors, in the order DOMAIN.md gives them.
FACTORS: list[tuple[str, str]] = [(key, Factor(key).label) for key in REPORT_FACTORS]
FACTOR_LABELS = dict(FACTORS)
SHORT_LABELS = {
    "housing_environment": "Housing",
    "retention": "Retention",
    "work_connection": "Work link",
    "outlook": "Outlook",
    "confidence": "Confidence",
    "aspiration": "Aspiration",
    "leadership": "Leadership",
    "travel_to_work": "Travel",
}


@dataclass(frozen=True)
class Guide:
    improving: str
    lagging: str
    response: str


# What the report found in improving and lagging neighbourhoods, and what it recommends when a factor lags.
FACTOR_GUIDE: dict[str, Guide] = {
    "housing_environment": Guide(
        "early action on housing and local crime and grime keeps people with skills in the area",
        "poor housing, crime and grime push people with skills out",
        "Act early on housing, crime and grime: agree priorities with residents, fix the environment before "
        "people with skills leave, and allocate housing after consulting residents.",
    ),
    "retention": Guide(
        "people with skills and potential stay",
        "those with better life chances move out",
        "Make it possible to get on without moving out: housing allocation, decided with residents, that lets "
        "working households stay, and a mix of homes to move up into within the neighbourhood.",
    ),
    "work_connection": Guide(
        "flexible, local, tailored employment support links residents to jobs in the wider economy",
        "employment support does not reach residents",
        "Give local people and organisations a say in welfare-to-work: flexible, local, tailored support, "
        "delivered where residents are, linked to employers in the wider economy.",
    ),
    "outlook": Guide(
        "a positive, outward-looking neighbourhood spirit",
        "a defensive, inward-looking identity",
        "Involve community groups in shaping services and connect the neighbourhood to opportunities across "
        "the city, so residents see what lies beyond it.",
    ),
    "confidence": Guide(
        "residents are confident to take the chances on offer",
        "residents lack the confidence to take them",
        "Build confidence through small, supported steps: tailored advice, mentoring, volunteering and "
        "training close to home, run with community groups residents already trust.",
    ),
    "aspiration": Guide(
        "a sense of aspiration",
        "low aspiration",
        "Make routes into work and learning visible: local role models, links with colleges and employers, "
        "and support for the next step a resident names.",
    ),
    "leadership": Guide(
        "strong local leadership, with community groups, estate managers and officers involved",
        "no strong community leadership",
        "Strengthen community leadership: involve community groups, estate managers and officers in decisions, "
        "and support residents who take a lead.",
    ),
    "travel_to_work": Guide(
        "residents look for work beyond the neighbourhood",
        "residents are unwilling to travel out of the neighbourhood to find work",
        "Widen travel horizons: travel training, help with fares for the first weeks in a job, and employment "
        "support that brings vacancies from across the travel-to-work area.",
    ),
}

# The report's published shares (ippr north, 2010), shown beside the figure computed here.
REPORT_SHARES = {"greater-liverpool": 68, "greater-leeds": 59, "tees-valley": 56}


# --- shared pieces -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Provenance:
    indicator: Indicator | None
    imports: list[dict]

    def describe(self) -> str:
        if self.indicator is None:
            return "No worklessness indicator is defined."
        parts = []
        for part in (self.indicator.numerator, self.indicator.denominator):
            if part is None:
                continue
            done = next((i for i in self.imports if i["indicator_id"] == part.pk), None)
            where = f"{part.name} (dataset {part.dataset_id or 'not named'}"
            if done:
                when = done["finished_at"] or done["created_at"]
                where += f", import {done['pk']} of {when:%d %b %Y}, {done['source']}"
            else:
                where += ", not imported yet"
            parts.append(where + ")")
        return f"{self.indicator.name}: " + " ÷ ".join(parts) + f" × {self.indicator.multiplier:g}."


def worklessness_provenance(slug: str = WORKLESSNESS) -> Provenance:
    """The indicator and the latest stored import of each of its parts: two queries."""
    indicator = Indicator.objects.select_related("numerator", "denominator").filter(slug=slug).first()
    if indicator is None or not indicator.is_ratio:
        return Provenance(indicator, [])
    imports = list(
        Import.objects.filter(
            indicator_id__in=[indicator.numerator_id, indicator.denominator_id],
            status__in=[Import.Status.SUCCEEDED, Import.Status.UNCHANGED],
        )
        .order_by("-finished_at", "-pk")
        .values("pk", "indicator_id", "source", "file_name", "finished_at", "created_at")[:20]
    )
    return Provenance(indicator, imports)


@dataclass(frozen=True)
class Window:
    """Two periods a change is measured between, with the benchmark's rate at each."""

    start: Period | None
    end: Period | None
    benchmark_start: float | None
    benchmark_end: float | None

    @property
    def benchmark_change(self) -> float | None:
        if self.benchmark_start is None or self.benchmark_end is None:
            return None
        return self.benchmark_end - self.benchmark_start

    def describe(self) -> str:
        if not self.end:
            return "no period"
        return f"{self.start} to {self.end}" if self.start else str(self.end)


YEARS_CHOICES = [("1", "1 year"), ("3", "3 years"), ("5", "5 years"), ("all", "the whole series")]


def benchmark_series(indicator: Indicator | None) -> list[tuple[Period, float | None, int]]:
    """The benchmark's rate at every period, oldest first: one query."""
    if indicator is None:
        return []
    points = (
        WorklessnessPoint.objects.filter(indicator=indicator, level=WorklessnessPoint.Level.BENCHMARK)
        .select_related("period")
        .order_by("period__start")
    )
    return [(p.period, p.rate, p.areas) for p in points]


def window(series: list[tuple[Period, float | None, int]], years: str = "1") -> Window:
    """The latest period with a benchmark, and the period ``years`` earlier (or the earliest)."""
    if not series:
        return Window(None, None, None, None)
    end, end_rate, _ = series[-1]
    if years == "all" or len(series) == 1:
        start, start_rate, _ = series[0] if len(series) > 1 else (None, None, 0)
        return Window(start, end, start_rate, end_rate)
    wanted = end.start.replace(year=end.start.year - int(years))
    earlier = [(p, r) for p, r, _ in series[:-1] if p.start <= wanted and p.kind == end.kind]
    start, start_rate = earlier[-1] if earlier else (series[0][0], series[0][1])
    return Window(start, end, start_rate, end_rate)


# --- My neighbourhoods -------------------------------------------------------------------------------------


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


SORTS = {
    "name": lambda r: r.neighbourhood.name,
    "la": lambda r: (r.neighbourhood.local_authority.name, r.neighbourhood.name),
    "decile": lambda r: (r.decile is None, r.decile or 0),
    "rate": lambda r: (r.rate is None, r.rate or 0),
    "change": lambda r: (r.change is None, r.change or 0),
    "against": lambda r: (r.against_benchmark is None, r.against_benchmark or 0),
    "status": lambda r: ({"improving": 0, "lagging": 1}.get(r.status, 2), r.neighbourhood.name),
    "responses": lambda r: (r.responses is None, r.responses or 0),
}


FIGURE_FIELDS = (
    "neighbourhood_id", "factor", "wave_id", "wave__name", "wave__opens_on", "withheld", "withheld_reason", "mean",
    "standard_error", "trend", "change", "responses",
)  # fmt: skip


def _latest_factor_statuses(user, neighbourhood_ids) -> tuple[dict, dict]:
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
    sort: str = "la",
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

    factors, responses = _latest_factor_statuses(user, visible)

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
    if local_authority:
        rows = [r for r in rows if r.neighbourhood.local_authority.code == local_authority]
    if decile:
        rows = [r for r in rows if r.decile == decile]
    if status in ("improving", "lagging"):
        rows = [r for r in rows if r.status == status]
    elif status == "none":
        rows = [r for r in rows if not r.status]
    key = sort.lstrip("-")
    rows.sort(key=SORTS.get(key, SORTS["la"]), reverse=sort.startswith("-"))
    return MyNeighbourhoods(rows, total, span, provenance, authorities, deciles, waves)


# --- A neighbourhood ---------------------------------------------------------------------------------------


@dataclass
class WaveProgress:
    wave: Wave
    completed: int = 0
    in_progress: int = 0
    invitations: int = 0
    invitations_used: int = 0

    @property
    def response_rate(self) -> float | None:
        """Share of invitation codes used for a completed response (open-link answers have no code)."""
        return 100.0 * self.invitations_used / self.invitations if self.invitations else None


@dataclass
class NeighbourhoodPage:
    neighbourhood: Neighbourhood
    provenance: Provenance
    series: list[dict]  # one per period: period, rate, la_rate, benchmark, numerator, denominator, areas...
    window: Window
    change: float | None
    status: str
    factor_rows: dict[str, list[FactorScore]]  # factor -> rows oldest first
    wave_benchmarks: dict[tuple[int, str], FactorScore]
    la_scores: dict[tuple[int, str], FactorScore]
    statuses: dict[str, FactorStatus]
    waves: list[WaveProgress]
    pairs: list[MatchedPair]
    threshold: int = field(default_factory=lambda: settings.REBALANCE_DISCLOSURE_MIN_RESPONSES)

    @property
    def current_wave(self) -> WaveProgress | None:
        return self.waves[0] if self.waves else None

    @property
    def latest(self) -> dict | None:
        shown = [p for p in self.series if p["rate"] is not None]
        return shown[-1] if shown else None


def neighbourhood_page(*, user, pk: int, years: str = "1") -> NeighbourhoodPage:
    neighbourhood = selectors.neighbourhood_detail(user=user, pk=pk)
    provenance = worklessness_provenance()
    indicator = provenance.indicator

    series: dict[int, dict] = {}
    if indicator is not None:
        # Three series of ten years of months: plain values, and each period made once, not once per series.
        points = list(
            WorklessnessPoint.objects.visible_to(user)
            .filter(indicator=indicator)
            .filter(
                Q(level=WorklessnessPoint.Level.NEIGHBOURHOOD, neighbourhood_id=neighbourhood.pk)
                | Q(level=WorklessnessPoint.Level.LOCAL_AUTHORITY, local_authority_id=neighbourhood.local_authority_id)
                | Q(level=WorklessnessPoint.Level.BENCHMARK)
            )
            .order_by("period__start")
            .values("period_id", "level", "rate", "numerator", "denominator", "areas", "areas_expected")
        )
        periods = Period.objects.in_bulk({p["period_id"] for p in points})
        for point in points:
            entry = series.setdefault(
                point["period_id"],
                {
                    "period": periods[point["period_id"]],
                    "rate": None,
                    "la_rate": None,
                    "benchmark": None,
                    "point": None,
                },
            )
            if point["level"] == WorklessnessPoint.Level.NEIGHBOURHOOD:
                entry["rate"], entry["point"] = point["rate"], SimpleNamespace(**point)
            elif point["level"] == WorklessnessPoint.Level.LOCAL_AUTHORITY:
                entry["la_rate"] = point["rate"]
            else:
                entry["benchmark"] = point["rate"]
    ordered = [v for v in series.values() if v["rate"] is not None or v["benchmark"] is not None]
    bench = [(e["period"], e["benchmark"], 0) for e in ordered if e["benchmark"] is not None]
    span = window(bench, years)
    change = None
    if span.start and span.end:
        start = series.get(span.start.pk, {}).get("rate")
        end = series.get(span.end.pk, {}).get("rate")
        if start is not None and end is not None:
            change = end - start

    scores = list(
        FactorScore.objects.visible_to(user)
        .select_related("wave", "previous_wave")  # shown by name
        .filter(
            Q(level=FactorScore.Level.NEIGHBOURHOOD, neighbourhood_id=neighbourhood.pk)
            | Q(level=FactorScore.Level.LOCAL_AUTHORITY, local_authority_id=neighbourhood.local_authority_id)
            | Q(
                level=FactorScore.Level.WAVE,
                wave_id__in=Wave.objects.filter(neighbourhoods=neighbourhood.pk).values("pk"),
            )
        )
        .order_by("wave__opens_on", "wave_id")
    )
    factor_rows: dict[str, list[FactorScore]] = defaultdict(list)
    wave_benchmarks, la_scores = {}, {}
    for score in scores:
        if score.level == FactorScore.Level.NEIGHBOURHOOD:
            factor_rows[score.factor].append(score)
        elif score.level == FactorScore.Level.WAVE:
            wave_benchmarks[(score.wave_id, score.factor)] = score
        else:
            la_scores[(score.wave_id, score.factor)] = score
    own = [score for score in scores if score.level == FactorScore.Level.NEIGHBOURHOOD]
    statuses = {s.factor: s for s in statuses_of(own, wave_benchmarks)}

    waves = [WaveProgress(wave=w) for w in Wave.objects.filter(neighbourhoods=neighbourhood).order_by("-opens_on")]
    by_wave = {p.wave.pk: p for p in waves}
    for row in (
        Response.objects.filter(neighbourhood=neighbourhood, wave_id__in=list(by_wave))
        .values("wave_id")
        .annotate(
            completed=Count("pk", filter=Q(status=ResponseStatus.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=ResponseStatus.IN_PROGRESS)),
        )
    ):
        by_wave[row["wave_id"]].completed = row["completed"]
        by_wave[row["wave_id"]].in_progress = row["in_progress"]
    for row in (
        Invitation.objects.filter(neighbourhood=neighbourhood, wave_id__in=list(by_wave))
        .values("wave_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
    ):
        by_wave[row["wave_id"]].invitations = row["issued"]
        by_wave[row["wave_id"]].invitations_used = row["used"]

    pairs = list(selectors.matched_pair_list(user=user).filter(Q(first=neighbourhood) | Q(second=neighbourhood)))
    return NeighbourhoodPage(
        neighbourhood=neighbourhood,
        provenance=provenance,
        series=ordered,
        window=span,
        change=change,
        status=worklessness_verdict(change, span.benchmark_change),
        factor_rows=dict(factor_rows),
        wave_benchmarks=wave_benchmarks,
        la_scores=la_scores,
        statuses=statuses,
        waves=waves,
        pairs=pairs,
    )


# --- A matched pair ----------------------------------------------------------------------------------------


@dataclass
class PairPage:
    pair: MatchedPair
    provenance: Provenance
    factors: dict[str, list[PairComparison]]  # factor -> rows oldest first
    worklessness: list[PairComparison]
    sides: dict[tuple[int, str], FactorScore]  # latest (neighbourhood, factor) figure

    @property
    def worklessness_shown(self) -> list[PairComparison]:
        return [r for r in self.worklessness if not r.withheld]


def pair_page(*, user, pk: int) -> PairPage:
    pair = get_object_or_404(selectors.matched_pair_list(user=user), pk=pk)
    provenance = worklessness_provenance()
    measure = f"worklessness:{provenance.indicator.slug}" if provenance.indicator else ""
    rows = (
        PairComparison.objects.visible_to(user)
        .filter(pair=pair)
        .filter(Q(measure__in=[k for k, _ in FACTORS]) | Q(measure=measure))
        .select_related("wave", "period")
        .order_by("wave__opens_on", "period__start")
    )
    factors: dict[str, list[PairComparison]] = defaultdict(list)
    worklessness = []
    for row in rows:
        (worklessness if row.measure == measure else factors[row.measure]).append(row)
    sides: dict[tuple[int, str], FactorScore] = {}
    for score in (
        factor_scores(user=user)
        .filter(level=FactorScore.Level.NEIGHBOURHOOD, neighbourhood_id__in=[pair.first_id, pair.second_id])
        .order_by("-wave__opens_on", "-wave_id")
    ):
        sides.setdefault((score.neighbourhood_id, score.factor), score)
    return PairPage(pair, provenance, dict(factors), worklessness, sides)


def pair_list(*, user) -> tuple[list[MatchedPair], dict[int, PairComparison], Provenance]:
    """The user's pairs with each one's latest worklessness comparison: four queries whatever the number."""
    from django.db.models import Max

    pairs = list(selectors.matched_pair_list(user=user))
    provenance = worklessness_provenance()
    latest: dict[int, PairComparison] = {}
    if provenance.indicator is not None and pairs:
        measure = f"worklessness:{provenance.indicator.slug}"
        rows = PairComparison.objects.visible_to(user).filter(measure=measure, withheld=False)
        newest = rows.aggregate(start=Max("period__start"))["start"]
        for row in rows.filter(period__start=newest).select_related("period"):
            latest[row.pair_id] = row
    return pairs, latest, provenance


# --- An area's league --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeagueChoices:
    indicators: list[Indicator]
    areas: list[tuple[str, str]]  # ("la:E08000012", "Liverpool"), ("region:tees-valley", "Tees Valley")
    periods: list[Period]
    local_authorities: list[LocalAuthority]


def league_choices(*, user, indicator_slug: str = WORKLESSNESS) -> LeagueChoices:
    """What the user may ask for: their authorities and regions, and the periods with a benchmark."""
    authorities = list(LocalAuthority.objects.visible_to(user).filter(neighbourhoods__isnull=False).distinct())
    authorities.sort(key=lambda la: la.name)
    region_ids = {la.region_id for la in authorities if la.region_id}
    regions = list(Region.objects.filter(pk__in=region_ids).order_by("name"))
    indicators = list(Indicator.objects.filter(kind=Indicator.Kind.RATIO).order_by("name"))
    periods = list(
        Period.objects.filter(
            pk__in=WorklessnessPoint.objects.filter(
                indicator__slug=indicator_slug, level=WorklessnessPoint.Level.BENCHMARK
            ).values("period_id")
        ).order_by("start")
    )
    areas = [(f"region:{r.slug}", f"{r.name} (region)") for r in regions]
    areas += [(f"la:{la.code}", la.name) for la in authorities]
    return LeagueChoices(indicators, areas, periods, authorities)


def _improvement_report(*, indicator_slug: str, start: str, end: str, reference: str):
    """The engine's report for everyone, shared by all users until the official figures change (survey responses
    do not touch it); callers scope it."""

    seconds = getattr(settings, "REBALANCE_PAGE_CACHE_SECONDS", 300)
    if not seconds:
        return improvement_report(indicator_slug=indicator_slug, start=start, end=end, reference=reference)
    raw = "|".join([indicator_slug, start, end, reference, official_state()])
    key = "pages:improvement-report:" + hashlib.sha256(raw.encode()).hexdigest()
    report = cache.get(key)
    if report is None:
        report = improvement_report(indicator_slug=indicator_slug, start=start, end=end, reference=reference)
        cache.set(key, report, seconds)
    return report


def league(*, user, indicator_slug: str, area: str, start: str, end: str, reference: str):
    """The engine's improvement report, cut to the area and to the user's neighbourhoods: its share and the rows
    behind it.

    Raises EngineError (from the engine) for periods or indicators it cannot answer for.
    """
    report = _improvement_report(indicator_slug=indicator_slug, start=start, end=end, reference=reference)
    kind, _, value = area.partition(":")
    authorities = {la.code: la for la in LocalAuthority.objects.visible_to(user).select_related("region")}
    if kind == "region":
        codes = {code for code, la in authorities.items() if la.region and la.region.slug == value}
        area_row = next((r for r in report.regions if r.code == value), None)
    else:
        codes = {value}
        area_row = next((r for r in report.local_authorities if r.code == value), None)
    la_rows = [r for r in report.local_authorities if r.code in codes]
    names = {authorities[c].name for c in codes if c in authorities}
    visible = set(Neighbourhood.objects.visible_to(user).values_list("pk", flat=True))
    mine = [n for n in report.neighbourhoods if n["neighbourhood_id"] in visible]
    neighbourhoods = [n for n in mine if n["local_authority"] in names]
    return replace(report, neighbourhoods=mine), area_row, la_rows, neighbourhoods


__all__ = [
    "FACTORS",
    "FACTOR_GUIDE",
    "Trend",
    "league",
    "league_choices",
    "my_neighbourhoods",
    "neighbourhood_page",
    "pair_page",
]
