"""One neighbourhood's page: its worklessness against the authority and the benchmark, its factors wave by wave,
its survey waves and its small areas."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Count, Q

from indicators.engine.models import FactorScore, WorklessnessPoint
from indicators.engine.selectors.factors import FactorStatus, statuses_of
from indicators.engine.selectors.verdicts import worklessness_verdict
from indicators.monitoring.selectors.common import Provenance, Window, window, worklessness_provenance
from indicators.official.models import Period
from indicators.official.selectors import DomainSummary, domain_summaries
from indicators.places import selectors
from indicators.places.models import MatchedPair, Neighbourhood
from surveys.models import Channel, Invitation, Response, ResponseStatus, Wave


@dataclass
class WaveProgress:
    wave: Wave
    completed: int = 0
    in_progress: int = 0
    invitations: int = 0
    invitations_used: int = 0
    # Completed responses by how they came in (a Channel value): web and kiosk/app (API) answers use an invitation
    # code; paper and open-link answers do not.
    by_channel: dict[str, int] = field(default_factory=dict)

    @property
    def response_rate(self) -> float | None:
        """Share of invitation codes used for a completed response (open-link answers have no code)."""
        return 100.0 * self.invitations_used / self.invitations if self.invitations else None

    @property
    def without_code(self) -> int:
        """Completed answers that used no invitation code: paper and open link."""
        return self.completed - self.by_channel.get(Channel.WEB, 0) - self.by_channel.get(Channel.API, 0)

    def share_of(self, population: int | None) -> float | None:
        """Completed responses as a percentage of a population, or None when there is none to divide by."""
        return 100.0 * self.completed / population if population else None


@dataclass
class NeighbourhoodPage:
    neighbourhood: Neighbourhood
    provenance: Provenance
    series: list[dict]  # one per period: period, rate, la_rate, benchmark, numerator, denominator, areas...
    window: Window
    change: float | None
    status: str
    start_rate: float | None
    end_rate: float | None
    factor_rows: dict[str, list[FactorScore]]  # factor -> rows oldest first
    wave_benchmarks: dict[tuple[int, str], FactorScore]
    la_scores: dict[tuple[int, str], FactorScore]
    statuses: dict[str, FactorStatus]
    waves: list[WaveProgress]
    pairs: list[MatchedPair]
    domains: dict[str, DomainSummary] = field(default_factory=dict)  # IoD domain → its summary over the LSOAs
    threshold: int = field(default_factory=lambda: settings.REBALANCE_DISCLOSURE_MIN_RESPONSES)

    @property
    def current_wave(self) -> WaveProgress | None:
        return self.waves[0] if self.waves else None

    @property
    def latest(self) -> dict | None:
        shown = [p for p in self.series if p["rate"] is not None]
        return shown[-1] if shown else None

    @property
    def working_age(self) -> int | None:
        """Residents aged 16-64 at the latest worklessness figure (its denominator): the only count of residents
        stored. No count of all adults (16 and over) is stored."""
        latest = self.latest
        point = latest["point"] if latest else None
        return int(point.denominator) if point and point.denominator else None


def neighbourhood_page(*, user, pk: int, years: str = "1") -> NeighbourhoodPage:
    neighbourhood = selectors.neighbourhood_detail(user=user, pk=pk)
    provenance = worklessness_provenance()
    series = _worklessness_series(user, neighbourhood, provenance.indicator)
    ordered = [v for v in series.values() if v["rate"] is not None or v["benchmark"] is not None]
    span = window([(e["period"], e["benchmark"], 0) for e in ordered if e["benchmark"] is not None], years)
    start = series.get(span.start.pk, {}).get("rate") if span.start else None
    end = series.get(span.end.pk, {}).get("rate") if span.end else None
    change = end - start if start is not None and end is not None else None
    factor_rows, wave_benchmarks, la_scores = _factor_scores(user, neighbourhood)
    own = [score for rows in factor_rows.values() for score in rows]
    own.sort(key=lambda s: (s.wave.opens_on, s.wave_id))
    return NeighbourhoodPage(
        neighbourhood=neighbourhood,
        provenance=provenance,
        series=ordered,
        window=span,
        change=change,
        status=worklessness_verdict(change, span.benchmark_change),
        start_rate=start,
        end_rate=end,
        factor_rows=factor_rows,
        wave_benchmarks=wave_benchmarks,
        la_scores=la_scores,
        statuses={s.factor: s for s in statuses_of(own, wave_benchmarks)},
        waves=_wave_progress(neighbourhood),
        pairs=list(selectors.matched_pair_list(user=user).filter(Q(first=neighbourhood) | Q(second=neighbourhood))),
        domains=domain_summaries(
            small_area_ids=neighbourhood.small_areas.values("pk"), areas=neighbourhood.small_area_count
        ),
    )


def _worklessness_series(user, neighbourhood: Neighbourhood, indicator) -> dict[int, dict]:
    """Period id → the neighbourhood's, its authority's and the benchmark's rates, oldest first."""
    series: dict[int, dict] = {}
    if indicator is None:
        return series
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
            {"period": periods[point["period_id"]], "rate": None, "la_rate": None, "benchmark": None, "point": None},
        )
        if point["level"] == WorklessnessPoint.Level.NEIGHBOURHOOD:
            entry["rate"], entry["point"] = point["rate"], SimpleNamespace(**point)
        elif point["level"] == WorklessnessPoint.Level.LOCAL_AUTHORITY:
            entry["la_rate"] = point["rate"]
        else:
            entry["benchmark"] = point["rate"]
    return series


def _factor_scores(user, neighbourhood: Neighbourhood) -> tuple[dict, dict, dict]:
    """The neighbourhood's factor scores by factor (oldest wave first), and the wave-wide and authority scores
    by (wave, factor)."""
    scores = (
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
    return dict(factor_rows), wave_benchmarks, la_scores


def _wave_progress(neighbourhood: Neighbourhood) -> list[WaveProgress]:
    """The neighbourhood's waves, newest first, with responses and invitation codes counted."""
    waves = [WaveProgress(wave=w) for w in Wave.objects.filter(neighbourhoods=neighbourhood).order_by("-opens_on")]
    by_wave = {p.wave.pk: p for p in waves}
    # One query, grouped by wave and channel, so the counts by channel always add up to the total.
    for row in (
        Response.objects.filter(neighbourhood=neighbourhood, wave_id__in=list(by_wave))
        .values("wave_id", "channel")
        .annotate(
            completed=Count("pk", filter=Q(status=ResponseStatus.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=ResponseStatus.IN_PROGRESS)),
        )
        .order_by()
    ):
        progress = by_wave[row["wave_id"]]
        progress.completed += row["completed"]
        progress.in_progress += row["in_progress"]
        if row["completed"]:
            progress.by_channel[row["channel"]] = row["completed"]
    for row in (
        Invitation.objects.filter(neighbourhood=neighbourhood, wave_id__in=list(by_wave))
        .values("wave_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
    ):
        by_wave[row["wave_id"]].invitations = row["issued"]
        by_wave[row["wave_id"]].invitations_used = row["used"]
    return waves
