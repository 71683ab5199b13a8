"""Reads of the engine's figures, always through the user's scope. Arithmetic only: no aggregation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from indicators.engine.models import FactorScore, PairComparison, Trend, WorklessnessPoint
from indicators.engine.services.stats import trend, two_sided_p


def factor_scores(*, user) -> QuerySet[FactorScore]:
    return FactorScore.objects.visible_to(user).select_related(
        "wave", "neighbourhood", "local_authority", "previous_wave"
    )


def worklessness_points(*, user) -> QuerySet[WorklessnessPoint]:
    return WorklessnessPoint.objects.visible_to(user).select_related(
        "indicator", "period", "neighbourhood", "local_authority"
    )


def pair_comparisons(*, user) -> QuerySet[PairComparison]:
    return PairComparison.objects.visible_to(user).select_related("pair", "wave", "period")


@dataclass(frozen=True)
class FactorStatus:
    """Where a neighbourhood stands on one factor at its latest wave, with the numbers behind it."""

    factor: str
    figure: FactorScore
    since_last_wave: str  # a Trend, or "" when there is nothing to compare with
    benchmark: FactorScore | None
    benchmark_difference: float | None
    benchmark_p_value: float | None
    against_benchmark: str

    @property
    def withheld(self) -> bool:
        return self.figure.withheld


def against(figure: FactorScore, benchmark: FactorScore | None) -> tuple[float | None, float | None, str]:
    """The figure against the wave-wide figure: difference, p-value and status ('' when either is withheld)."""
    if figure.withheld or benchmark is None or benchmark.withheld:
        return None, None, ""
    difference = figure.mean - benchmark.mean
    p_value = two_sided_p(difference, (figure.standard_error**2 + benchmark.standard_error**2) ** 0.5)
    return difference, p_value, trend(difference, p_value)


def neighbourhood_status(*, user, neighbourhood_id: int) -> list[FactorStatus]:
    """For each factor: the latest wave's figure, its trend since the last wave, and against the benchmark."""
    rows = list(
        factor_scores(user=user)
        .filter(level=FactorScore.Level.NEIGHBOURHOOD, neighbourhood_id=neighbourhood_id)
        .order_by("factor", "wave__opens_on", "wave_id")
    )
    wave_ids = {r.wave_id for r in rows}
    benchmarks = factor_scores(user=user).filter(level=FactorScore.Level.WAVE, wave_id__in=wave_ids)
    return statuses_of(rows, {(b.wave_id, b.factor): b for b in benchmarks})


def statuses_of(rows, benchmarks: dict[tuple[int, str], FactorScore]) -> list[FactorStatus]:
    """Each factor's status from one neighbourhood's figures, oldest wave first, and the wave-wide figures
    by (wave, factor) visible to the user."""
    latest: dict[str, FactorScore] = {}
    for row in rows:
        latest[row.factor] = row  # the later wave wins
    statuses = []
    for factor, figure in sorted(latest.items()):
        benchmark = benchmarks.get((figure.wave_id, factor))
        difference, p_value, status = against(figure, benchmark)
        statuses.append(
            FactorStatus(
                factor=factor,
                figure=figure,
                since_last_wave=figure.trend,
                benchmark=benchmark,
                benchmark_difference=difference,
                benchmark_p_value=p_value,
                against_benchmark=status,
            )
        )
    return statuses


__all__ = [
    "FactorStatus",
    "Trend",
    "against",
    "factor_scores",
    "neighbourhood_status",
    "pair_comparisons",
    "statuses_of",
]
