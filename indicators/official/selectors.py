"""Reads of official figures, for pages, the API and the monitoring engine.

A neighbourhood's figure is the SUM of its small areas' values, in SQL, never a mean of rates; a ratio indicator
(worklessness) is SUM(numerator) / SUM(denominator) × multiplier over the same small areas, with the denominator
taken for the same period or for the year the period starts in (``Indicator.denominator_period``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from indicators.official.models import DeprivationDomain, Indicator, Observation, Period
from indicators.places.models import Neighbourhood


def observation_list(*, user) -> QuerySet[Observation]:
    return Observation.objects.visible_to(user).select_related(
        "indicator", "period", "small_area", "local_authority", "source_import"
    )


def neighbourhood_totals(
    *, indicator: Indicator, neighbourhood_ids: Iterable[int] | None = None, period_ids: Iterable[int] | None = None
) -> QuerySet:
    """One row per (neighbourhood, period): ``total`` (SUM of values), ``areas`` (observations summed over),
    ``missing`` (observations without a value). One GROUP BY query, served by the
    (indicator, period, small_area) index. A rate is refused (``NotSummableError``): it cannot be added up."""
    indicator.check_adds_up(across="a neighbourhood's small areas")
    rows = Observation.objects.filter(indicator=indicator, small_area__isnull=False)
    if neighbourhood_ids is not None:
        rows = rows.filter(small_area__neighbourhoods__in=list(neighbourhood_ids))
    else:
        rows = rows.filter(small_area__neighbourhoods__isnull=False)
    if period_ids is not None:
        rows = rows.filter(period_id__in=list(period_ids))
    return (
        rows.values("period_id", neighbourhood_id=F("small_area__neighbourhoods"))
        .annotate(total=Sum("value"), areas=Count("id"), missing=Count("id", filter=Q(value__isnull=True)))
        .order_by("neighbourhood_id", "period_id")
    )


@dataclass(frozen=True)
class RatioPoint:
    neighbourhood_id: int
    period: Period
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None  # numerator / denominator × multiplier, when both are complete
    areas: int  # the neighbourhood's small areas
    numerator_areas: int  # of which with a numerator value
    denominator_areas: int  # of which with a denominator value

    @property
    def complete(self) -> bool:
        return self.areas == self.numerator_areas == self.denominator_areas


def denominator_period_for(indicator: Indicator, period: Period, available: list[Period]) -> Period | None:
    """The denominator period a ratio divides ``period`` by: the same period, or (``year``) that calendar year's
    figure, or the latest earlier year's when the year's estimate is not yet published (populations lag)."""
    if indicator.denominator_period == Indicator.DenominatorPeriod.YEAR:
        years = [p for p in available if p.kind in (Period.Kind.YEAR, Period.Kind.CENSUS)]
        earlier = [p for p in years if p.start.year <= period.start.year]
        return max(earlier, key=lambda p: p.start) if earlier else None
    return period if period in available else None


def neighbourhood_ratio_series(
    *, indicator: Indicator, neighbourhood_ids: Iterable[int] | None = None
) -> list[RatioPoint]:
    """A ratio indicator for neighbourhoods, period by period (the numerator's periods)."""
    if not indicator.is_ratio:
        raise ValueError(f"{indicator.slug} is not a ratio indicator")
    ids = None if neighbourhood_ids is None else list(neighbourhood_ids)
    sizes = dict(
        (Neighbourhood.objects.filter(pk__in=ids) if ids is not None else Neighbourhood.objects.all())
        .annotate(n=Count("small_areas"))
        .values_list("pk", "n")
    )
    numerators = list(neighbourhood_totals(indicator=indicator.numerator, neighbourhood_ids=ids))
    denominators = {
        (row["neighbourhood_id"], row["period_id"]): row
        for row in neighbourhood_totals(indicator=indicator.denominator, neighbourhood_ids=ids)
    }
    periods = Period.objects.in_bulk({r["period_id"] for r in numerators} | {k[1] for k in denominators})
    available = [periods[k] for k in {k[1] for k in denominators}]
    points = []
    for row in numerators:
        period = periods[row["period_id"]]
        den_period = denominator_period_for(indicator, period, available)
        den = denominators.get((row["neighbourhood_id"], den_period.pk if den_period else None))
        num_areas = row["areas"] - row["missing"]
        den_areas = (den["areas"] - den["missing"]) if den else 0
        size = sizes.get(row["neighbourhood_id"], 0)
        value = None
        if num_areas == den_areas == size and den and den["total"]:
            value = row["total"] / den["total"] * indicator.multiplier
        points.append(
            RatioPoint(
                neighbourhood_id=row["neighbourhood_id"],
                period=period,
                numerator=row["total"],
                denominator=den["total"] if den else None,
                value=value,
                areas=size,
                numerator_areas=num_areas,
                denominator_areas=den_areas,
            )
        )
    return points


@dataclass(frozen=True)
class DomainSummary:
    """One IoD domain over a group of small areas: how many have a figure, how many are in the most deprived
    tenth (decile 1), and the middle (median) decile. Deciles are ranks, so they are counted, never averaged."""

    domain: str
    label: str
    edition: str
    areas: int
    with_figures: int
    in_decile_1: int
    median_decile: float


def domain_summaries(*, small_area_ids: Iterable[int] | QuerySet, areas: int) -> dict[str, DomainSummary]:
    """Domain → its summary over these small areas (``areas`` of them), from the newest edition that holds any.

    One query: ``small_area_ids`` may be a subquery (``neighbourhood.small_areas.values("pk")``)."""
    rows = list(
        DeprivationDomain.objects.filter(small_area_id__in=small_area_ids).values_list("edition", "domain", "decile")
    )
    if not rows:
        return {}
    edition = max(e for e, _, _ in rows)
    deciles: dict[str, list[int]] = {}
    for e, domain, decile in rows:
        if e == edition:
            deciles.setdefault(domain, []).append(decile)
    labels = dict(DeprivationDomain.Domain.choices)
    out = {}
    for domain, found in deciles.items():
        found.sort()
        middle = len(found) // 2
        median = found[middle] if len(found) % 2 else (found[middle - 1] + found[middle]) / 2
        out[domain] = DomainSummary(
            domain=domain,
            label=labels[domain],
            edition=edition,
            areas=areas,
            with_figures=len(found),
            in_decile_1=sum(1 for d in found if d == 1),
            median_decile=median,
        )
    return out
