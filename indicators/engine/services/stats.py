"""The few statistics the engine needs, written out so that each can be checked by hand."""

from __future__ import annotations

import math
from dataclasses import dataclass

from indicators.engine.models import Trend

# Two-sided 95% critical values of Student's t for 1–30 degrees of freedom;
# beyond 30 the normal value 1.96 is within 0.05 of t.
T_975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
]  # fmt: skip
Z_975 = 1.959964


def t_critical(df: int) -> float:
    if df < 1:
        raise ValueError("a confidence interval needs at least two observations")
    return T_975[df - 1] if df <= len(T_975) else Z_975


@dataclass(frozen=True)
class Summary:
    """Count, sum and sum of squares: enough for a mean and its interval, and they add up."""

    n: int
    total: float
    squares: float

    def __add__(self, other: Summary) -> Summary:
        return Summary(self.n + other.n, self.total + other.total, self.squares + other.squares)

    def __sub__(self, other: Summary) -> Summary:
        return Summary(self.n - other.n, self.total - other.total, self.squares - other.squares)

    @property
    def mean(self) -> float:
        return self.total / self.n

    @property
    def variance(self) -> float:
        """Sample variance (n − 1 in the denominator)."""
        if self.n < 2:
            return 0.0
        return max(self.squares - self.total * self.total / self.n, 0.0) / (self.n - 1)

    @property
    def standard_error(self) -> float:
        return math.sqrt(self.variance / self.n)

    def interval(self) -> tuple[float, float]:
        half = t_critical(self.n - 1) * self.standard_error
        return _clamp(self.mean - half), _clamp(self.mean + half)


def _clamp(value: float) -> float:
    return min(max(value, 0.0), 100.0)


def weighted(cells: list[tuple[Summary, float]]) -> tuple[float, float, float] | None:
    """Post-stratified mean over cells (age band × sex) with population weights.

    Cells without respondents drop out and the weights of the rest are rescaled.
    Returns the mean and its 95% interval (variance Σ w²·s²/n per cell), or None
    when no cell has both respondents and population.
    """
    present = [(s, p) for s, p in cells if s.n > 0 and p > 0]
    population = sum(p for _, p in present)
    if not present or population <= 0:
        return None
    mean = sum(s.mean * p / population for s, p in present)
    variance = sum((p / population) ** 2 * s.variance / s.n for s, p in present)
    n = sum(s.n for s, _ in present)
    half = t_critical(max(n - 1, 1)) * math.sqrt(variance)
    return mean, _clamp(mean - half), _clamp(mean + half)


def two_sided_p(difference: float, standard_error: float) -> float:
    """p-value of a difference against zero under the normal approximation."""
    if standard_error <= 0:
        return 0.0 if difference else 1.0
    return math.erfc(abs(difference) / standard_error / math.sqrt(2))


def trend(difference: float, p_value: float, *, alpha: float = 0.05) -> str:
    """Better when higher by more than chance, worse when lower, else no clear change."""
    if p_value >= alpha:
        return Trend.NO_CLEAR_CHANGE
    return Trend.BETTER if difference > 0 else Trend.WORSE
