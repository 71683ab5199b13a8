"""Did it work? For every accepted intervention, each neighbourhood it covers and each outcome it addresses
(worklessness always, and the factors it names): the change from before its start to after, minus a comparison
group's change over the same periods (a difference in differences), with a 95% interval.

The comparison group is the neighbourhood's statistical neighbours that had no intervention of their own at any
time in the periods compared (nor this one). With fewer than REBALANCE_EFFECT_MIN_COMPARISON of them holding the
figures, it is every other neighbourhood without one, and the estimate says so.

Worklessness (official figures, one rate per neighbourhood and month):

- each place's "before" is the mean of its monthly rates in the REBALANCE_EFFECT_WINDOW_MONTHS before the start,
  its "after" the mean in as many months from the start; the change is after minus before;
- the estimate is the neighbourhood's change minus the mean of the comparison neighbourhoods' changes;
- its standard error is the spread (sample standard deviation) of the comparison neighbourhoods' changes times
  √(1 + 1/m), for m of them: how far one neighbourhood's change strays from the group's mean when nothing special
  happens there, plus the uncertainty in that mean; the interval uses Student's t with m − 1 degrees of freedom;
- before the start, the same sum over its two halves shows whether the neighbourhood was already moving apart
  from the group: if that difference is clear (its interval leaves out zero) the comparison is called weak.

A factor (resident survey, scored 0-100 per resident):

- "before" is the last wave here that closed before the start, "after" the latest closed wave that opened on or
  after it; each place's score is the mean over its residents (the engine's cells);
- the estimate is the neighbourhood's change minus the mean of the comparison neighbourhoods' changes;
- its variance adds the residents' sampling variances: s²/n for each mean (the neighbourhood's two waves, and the
  comparison neighbourhoods' divided by m²); the interval uses t with the smaller wave's residents − 1 degrees of
  freedom;
- with two waves before the start, the same sum between them checks the trend before, as for worklessness.

Disclosure: a factor whose score here is withheld in either wave gives a withheld estimate with that reason; a
comparison neighbourhood whose score is withheld is left out, and a group left with none withholds the estimate.
Worklessness is official data and never withheld.

Idempotent: every row is deleted and written again in one transaction; ``measurable_since`` (when an estimate was
first made) is carried over, so that the alerts can say "first measurable" once.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from indicators.engine.models import EffectEstimate, FactorCell, FactorScore, StatisticalNeighbour, WorklessnessPoint
from indicators.engine.services.neighbours import WORKLESSNESS
from indicators.engine.services.stats import t_critical
from indicators.interventions.models import Intervention
from indicators.official.models import Indicator, Period
from indicators.places.models import Neighbourhood
from surveys.models import Wave

Status = EffectEstimate.Status
Comparison = EffectEstimate.Comparison


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class _Case:
    """One intervention in one neighbourhood: what to compare it with."""

    intervention: Intervention
    neighbourhood_id: int
    measures: list[str]
    neighbours: list[int]
    free: set[int]  # every neighbourhood with no intervention in the periods compared
    rows: list[dict] = field(default_factory=list)


def _busy(interventions: list[Intervention], start: dt.date, end: dt.date) -> set[int]:
    """Neighbourhoods covered by an accepted intervention running at some time between start and end."""
    return {
        n.pk
        for i in interventions
        if i.start_date < end and (i.end_date is None or i.end_date >= start)
        for n in i.neighbourhoods.all()
    }


def _group(case: _Case, usable: set[int]) -> tuple[list[int], str]:
    """The comparison neighbourhoods among those with usable figures: its clean statistical neighbours if enough
    of them, else every clean neighbourhood."""
    own = [n for n in case.neighbours if n in case.free and n in usable]
    if len(own) >= settings.REBALANCE_EFFECT_MIN_COMPARISON:
        return own, Comparison.NEIGHBOURS
    return sorted(n for n in case.free if n in usable), Comparison.ALL


def _weak(group: list[int], kind: str) -> list[str]:
    reasons = []
    if kind == Comparison.ALL:
        reasons.append(
            f"Fewer than {settings.REBALANCE_EFFECT_MIN_COMPARISON} of its statistical neighbours were free of other "
            "programmes and had the figures, so it is compared with every other neighbourhood that was."
        )
    if len(group) < settings.REBALANCE_EFFECT_WEAK_COMPARISON:
        reasons.append(f"The comparison group is small: {len(group)} neighbourhood{'s' if len(group) != 1 else ''}.")
    return reasons


def _interval(estimate: float, se: float, df: int) -> tuple[float, float]:
    half = t_critical(max(df, 1)) * se
    return estimate - half, estimate + half


# --- worklessness -------------------------------------------------------------------------------------------


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


class _Rates:
    """The neighbourhoods' monthly (or quarterly) worklessness rates within the windows asked for."""

    def __init__(self, indicator: Indicator | None, earliest: dt.date, latest: dt.date) -> None:
        self.by_place: dict[int, dict[int, float]] = defaultdict(dict)
        self.periods: list[Period] = []
        if indicator is None:
            return
        points = WorklessnessPoint.objects.filter(
            indicator=indicator,
            level=WorklessnessPoint.Level.NEIGHBOURHOOD,
            rate__isnull=False,
            period__kind__in=[Period.Kind.MONTH, Period.Kind.QUARTER],
            period__start__gte=earliest,
            period__start__lt=latest,
        ).values_list("neighbourhood_id", "period_id", "rate")
        for place, period, rate in points:
            self.by_place[place][period] = rate
        ids = {p for rates in self.by_place.values() for p in rates}
        self.periods = sorted(Period.objects.filter(pk__in=ids), key=lambda p: p.start)

    def mean(self, place: int, periods: list[Period]) -> float | None:
        rates = self.by_place.get(place)
        if not rates:
            return None
        return _mean([rates[i] for i in (p.pk for p in periods) if i in rates])


def _months(periods: list[Period]) -> int:
    return sum(3 if p.kind == Period.Kind.QUARTER else 1 for p in periods)


def _span(periods: list[Period]) -> str:
    if not periods:
        return ""
    first, last = periods[0], periods[-1]
    return first.label if first == last else f"{first.start:%b %Y} to {last.end:%b %Y}"


def _changes(rates: _Rates, places, before: list[Period], after: list[Period]) -> dict[int, tuple[float, float]]:
    out = {}
    for place in places:
        b, a = rates.mean(place, before), rates.mean(place, after)
        if b is not None and a is not None:
            out[place] = (b, a)
    return out


def _worklessness(case: _Case, rates: _Rates, today: dt.date) -> dict:
    start = case.intervention.start_date
    window = settings.REBALANCE_EFFECT_WINDOW_MONTHS
    needed = settings.REBALANCE_EFFECT_MIN_MONTHS
    place = case.neighbourhood_id
    own = rates.by_place.get(place, {})
    before = [p for p in rates.periods if add_months(start, -window) <= p.start and p.end < start and p.pk in own]
    after = [p for p in rates.periods if start <= p.start < add_months(start, window) and p.pk in own]
    row = {"measure": "worklessness", "before_label": _span(before), "after_label": _span(after)}
    row["after_amount"] = _months(after)
    if start > today:
        return {**row, "status": Status.TOO_EARLY, "note": f"It starts on {start:%-d %B %Y}."}
    if _months(after) < needed:
        got = _months(after)
        return {
            **row,
            "status": Status.TOO_EARLY,
            "note": f"Too early to say: {got} month{'s' if got != 1 else ''} of worklessness figures since it "
            f"started; an estimate needs {needed}.",
        }
    if _months(before) < needed:
        got = _months(before)
        return {
            **row,
            "status": Status.NO_BASELINE,
            "note": f"Only {got} month{'s' if got != 1 else ''} of worklessness figures from before it started; "
            f"an estimate needs {needed}.",
        }
    # The statistical neighbours' changes first; every free neighbourhood's only when too few of them have figures.
    candidates = _changes(rates, [n for n in case.neighbours if n in case.free], before, after)
    if len(candidates) < settings.REBALANCE_EFFECT_MIN_COMPARISON:
        candidates = _changes(rates, case.free, before, after)
    group, kind = _group(case, set(candidates))
    if len(group) < 2:
        return {
            **row,
            "status": Status.NO_COMPARISON,
            "note": "No comparison is possible: fewer than two other neighbourhoods without a programme at the time "
            "have worklessness figures for the same months.",
        }
    treated_before, treated_after = rates.mean(place, before), rates.mean(place, after)
    changes = [candidates[n][1] - candidates[n][0] for n in group]
    m = len(group)
    treated_change = treated_after - treated_before
    comparison_change = statistics.fmean(changes)
    estimate = treated_change - comparison_change
    se = statistics.stdev(changes) * math.sqrt(1 + 1 / m)
    low, high = _interval(estimate, se, m - 1)
    weak = _weak(group, kind)
    pretrend = _pretrend_worklessness(rates, place, group, before)
    if pretrend is not None and pretrend[1]:
        weak.append(
            f"Before it started, worklessness here was already moving apart from the comparison group "
            f"({pretrend[0]:+.1f} points between the two halves of the year before)."
        )
    return {
        **row,
        "status": Status.ESTIMATED,
        "treated_before": treated_before,
        "treated_after": treated_after,
        "comparison_before": statistics.fmean(candidates[n][0] for n in group),
        "comparison_after": statistics.fmean(candidates[n][1] for n in group),
        "treated_change": treated_change,
        "comparison_change": comparison_change,
        "estimate": estimate,
        "standard_error": se,
        "ci_low": low,
        "ci_high": high,
        "comparison_kind": kind,
        "comparison_ids": group,
        "weak_reasons": weak,
        "pretrend_difference": pretrend[0] if pretrend else None,
    }


def _pretrend_worklessness(rates: _Rates, place: int, group: list[int], before: list[Period]):
    """The difference in differences between the two halves of the period before: (value, clear?) or None."""
    half = len(before) // 2
    early, late = before[:half], before[half:]
    if len(early) < 2 or len(late) < 2:
        return None
    mine = _changes(rates, [place], early, late).get(place)
    others = _changes(rates, group, early, late)
    if mine is None or len(others) < 2:
        return None
    changes = [a - b for b, a in others.values()]
    value = (mine[1] - mine[0]) - statistics.fmean(changes)
    se = statistics.stdev(changes) * math.sqrt(1 + 1 / len(changes))
    low, high = _interval(value, se, len(changes) - 1)
    return value, low > 0 or high < 0


# --- factors ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Score:
    n: int
    mean: float
    variance: float


class _Factors:
    """Each neighbourhood's residents' scores per wave and factor (from the cells), and what is withheld."""

    def __init__(self, factors: set[str]) -> None:
        self.scores: dict[tuple[int, int, str], _Score] = {}
        self.withheld: dict[tuple[int, int, str], str] = {}
        self.waves: dict[int, Wave] = {}
        self.by_place: dict[tuple[int, str], set[int]] = {}
        if not factors:
            return
        for row in FactorScore.objects.filter(level=FactorScore.Level.NEIGHBOURHOOD, factor__in=factors).values(
            "wave_id", "neighbourhood_id", "factor", "withheld", "withheld_reason"
        ):
            if row["withheld"]:
                self.withheld[(row["wave_id"], row["neighbourhood_id"], row["factor"])] = row["withheld_reason"]
        sums = (
            FactorCell.objects.filter(factor__in=factors)
            .values("wave_id", "neighbourhood_id", "factor")
            .annotate(n=Sum("n"), total=Sum("total"), squares=Sum("squares"))
            .order_by()
        )
        for row in sums:
            key = (row["wave_id"], row["neighbourhood_id"], row["factor"])
            n = row["n"]
            if not n or key in self.withheld:
                continue
            mean = row["total"] / n
            variance = max(row["squares"] - row["total"] * mean, 0.0) / (n - 1) if n > 1 else 0.0
            self.scores[key] = _Score(n, mean, variance)
        self.waves = Wave.objects.in_bulk({k[0] for k in [*self.scores, *self.withheld]})
        self.by_place: dict[tuple[int, str], set[int]] = defaultdict(set)
        for wave, place, factor in [*self.scores, *self.withheld]:
            self.by_place[(place, factor)].add(wave)

    def surveyed(self, place: int, factor: str) -> list[Wave]:
        waves = [self.waves[w] for w in self.by_place.get((place, factor), ())]
        return sorted(waves, key=lambda w: (w.opens_on, w.pk))


def _factor(case: _Case, factor: str, data: _Factors, today: dt.date) -> dict:
    start = case.intervention.start_date
    place = case.neighbourhood_id
    waves = data.surveyed(place, factor)
    before = [w for w in waves if w.closes_on < start]
    after = [w for w in waves if w.opens_on >= start and w.closes_on < today]
    needed = settings.REBALANCE_EFFECT_MIN_WAVES_AFTER
    if not waves:
        return {"measure": factor, "status": Status.NO_BASELINE, "note": "No survey wave here has measured it yet."}
    row = {
        "measure": factor,
        "before_label": before[-1].name if before else "",
        "after_label": after[-1].name if after else "",
        "after_amount": len(after),
    }
    if len(after) < needed:
        return {
            **row,
            "status": Status.TOO_EARLY,
            "note": f"Too early to say: {len(after)} survey wave{'s' if len(after) != 1 else ''} here "
            f"{'has' if len(after) == 1 else 'have'} closed since it started; an estimate needs {needed}.",
        }
    if not before:
        return {**row, "status": Status.NO_BASELINE, "note": "No survey wave here closed before it started."}
    w0, w1 = before[-1], after[-1]
    for wave in (w0, w1):
        reason = data.withheld.get((wave.pk, place, factor))
        if reason:
            return {**row, "status": Status.WITHHELD, "withheld": True, "withheld_reason": f"{reason} here in {wave}."}
    mine0, mine1 = data.scores.get((w0.pk, place, factor)), data.scores.get((w1.pk, place, factor))
    if mine0 is None or mine1 is None:
        return {**row, "status": Status.NO_BASELINE, "note": "The factor was not measured here in both waves."}
    surveyed = {n for n in case.free if (w0.pk, n, factor) in data.scores or (w0.pk, n, factor) in data.withheld}
    surveyed &= {n for n in case.free if (w1.pk, n, factor) in data.scores or (w1.pk, n, factor) in data.withheld}
    shown = {n for n in surveyed if (w0.pk, n, factor) in data.scores and (w1.pk, n, factor) in data.scores}
    group, kind = _group(case, shown)
    if not group:
        if surveyed:
            return {
                **row,
                "status": Status.WITHHELD,
                "withheld": True,
                "withheld_reason": f"The comparison neighbourhoods' scores are withheld in {w0} or {w1} (fewer than "
                f"{settings.REBALANCE_DISCLOSURE_MIN_RESPONSES} responses each), so no comparison can be shown.",
            }
        return {
            **row,
            "status": Status.NO_COMPARISON,
            "note": f"No other neighbourhood without a programme at the time was surveyed in both {w0} and {w1}.",
        }
    m = len(group)
    others0 = [data.scores[(w0.pk, n, factor)] for n in group]
    others1 = [data.scores[(w1.pk, n, factor)] for n in group]
    treated_change = mine1.mean - mine0.mean
    comparison_change = statistics.fmean(b.mean - a.mean for a, b in zip(others0, others1, strict=True))
    estimate = treated_change - comparison_change
    variance = mine0.variance / mine0.n + mine1.variance / mine1.n
    variance += sum(s.variance / s.n for s in [*others0, *others1]) / m**2
    se = math.sqrt(variance)
    low, high = _interval(estimate, se, min(mine0.n, mine1.n) - 1)
    weak = _weak(group, kind)
    pretrend = _pretrend_factor(data, place, group, factor, before)
    if pretrend is not None and pretrend[1]:
        weak.append(
            f"Between the two waves before it started, the score here was already moving apart from the comparison "
            f"group's ({pretrend[0]:+.1f} points)."
        )
    return {
        **row,
        "status": Status.ESTIMATED,
        "treated_before": mine0.mean,
        "treated_after": mine1.mean,
        "comparison_before": statistics.fmean(s.mean for s in others0),
        "comparison_after": statistics.fmean(s.mean for s in others1),
        "treated_change": treated_change,
        "comparison_change": comparison_change,
        "estimate": estimate,
        "standard_error": se,
        "ci_low": low,
        "ci_high": high,
        "comparison_kind": kind,
        "comparison_ids": group,
        "weak_reasons": weak,
        "pretrend_difference": pretrend[0] if pretrend else None,
    }


def _pretrend_factor(data: _Factors, place: int, group: list[int], factor: str, before: list[Wave]):
    """The difference in differences between the last two waves before the start: (value, clear?) or None."""
    if len(before) < 2:
        return None
    wp, w0 = before[-2], before[-1]
    mine_p, mine0 = data.scores.get((wp.pk, place, factor)), data.scores.get((w0.pk, place, factor))
    members = [n for n in group if (wp.pk, n, factor) in data.scores]
    if mine_p is None or mine0 is None or not members:
        return None
    earlier = [data.scores[(wp.pk, n, factor)] for n in members]
    later = [data.scores[(w0.pk, n, factor)] for n in members]
    value = (mine0.mean - mine_p.mean) - statistics.fmean(b.mean - a.mean for a, b in zip(earlier, later, strict=True))
    variance = mine_p.variance / mine_p.n + mine0.variance / mine0.n
    variance += sum(s.variance / s.n for s in [*earlier, *later]) / len(members) ** 2
    low, high = _interval(value, math.sqrt(variance), min(mine_p.n, mine0.n) - 1)
    return value, low > 0 or high < 0


# --- the refresh --------------------------------------------------------------------------------------------


def _cases(interventions: list[Intervention], neighbours: dict[int, list[int]], everyone: set[int]) -> list[_Case]:
    window = settings.REBALANCE_EFFECT_WINDOW_MONTHS
    cases = []
    for intervention in interventions:
        covered = {n.pk for n in intervention.neighbourhoods.all()}
        start = intervention.start_date
        others = [i for i in interventions if i.pk != intervention.pk]
        busy = _busy(others, add_months(start, -window), add_months(start, window)) | covered
        measures = ["worklessness", *sorted({link.factor for link in intervention.factor_links.all()})]
        for place in sorted(covered):
            cases.append(_Case(intervention, place, measures, neighbours.get(place, []), everyone - busy))
    return cases


@transaction.atomic
def effects_refresh(*, today: dt.date | None = None) -> int:
    """Rewrite every accepted intervention's estimates, from the figures and neighbours as they stand."""
    today = today or timezone.localdate()
    now = timezone.now()
    interventions = list(Intervention.objects.accepted().prefetch_related("neighbourhoods", "factor_links"))
    earlier = EffectEstimate.objects.filter(measurable_since__isnull=False).values_list(
        "intervention_id", "neighbourhood_id", "measure", "measurable_since"
    )
    kept = {(i, n, m): since for i, n, m, since in earlier}
    EffectEstimate.objects.all().delete()
    if not interventions:
        return 0
    neighbours: dict[int, list[int]] = defaultdict(list)
    for place, other in StatisticalNeighbour.objects.order_by("neighbourhood_id", "rank").values_list(
        "neighbourhood_id", "neighbour_id"
    ):
        neighbours[place].append(other)
    everyone = set(Neighbourhood.objects.values_list("pk", flat=True))
    cases = _cases(interventions, neighbours, everyone)
    window = settings.REBALANCE_EFFECT_WINDOW_MONTHS
    starts = [i.start_date for i in interventions]
    indicator = Indicator.objects.filter(slug=WORKLESSNESS, kind=Indicator.Kind.RATIO).first()
    rates = _Rates(indicator, add_months(min(starts), -window), add_months(max(starts), window))
    factors = _Factors({m for case in cases for m in case.measures if m != "worklessness"})
    rows = []
    for case in cases:
        for measure in case.measures:
            found = (
                _worklessness(case, rates, today)
                if measure == "worklessness"
                else _factor(case, measure, factors, today)
            )
            key = (case.intervention.pk, case.neighbourhood_id, measure)
            since = kept.get(key) or (now if found["status"] == Status.ESTIMATED else None)
            rows.append(
                EffectEstimate(
                    intervention_id=case.intervention.pk,
                    neighbourhood_id=case.neighbourhood_id,
                    measurable_since=since,
                    computed_at=now,
                    **found,
                )
            )
    EffectEstimate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
