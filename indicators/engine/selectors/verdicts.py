"""The engine's verdicts, decided here once: every page, export, API and report asks these functions.

- A factor's **signal** is its change since the last wave where there is one (that is what moved), and
  otherwise, at a first wave, how it stands against everyone surveyed in the wave.
- A place's **worklessness verdict** compares its change in rate with the benchmark's change over the same
  period (the report's method: a place improved when its rate fell by more than the benchmark's):
  *improving* when its change is below the benchmark's by more than ``REBALANCE_KEEPING_PACE_POINTS``,
  *falling behind* when it is above by more than that, and *keeping pace* within it. The improvement report's
  share of deprived areas improving is the report's own statistic and keeps the strict comparison
  (``IMPROVING_SQL``), so that it can be set beside the report's published shares.
"""

from __future__ import annotations

from django.conf import settings

from indicators.engine.models import Trend

IMPROVING = "improving"
KEEPING_PACE = "keeping_pace"
FALLING_BEHIND = "falling_behind"
VERDICTS = (IMPROVING, KEEPING_PACE, FALLING_BEHIND)

# The report's statistic, for set-based counts: the change column below the benchmark's change.
IMPROVING_SQL = "change < %s"


def factor_signal(*, since_last_wave: str, against_benchmark: str) -> str:
    """A Trend, or '' when there is nothing to compare with (withheld, or no benchmark)."""
    return since_last_wave or against_benchmark


def factor_is_lagging(signal: str) -> bool:
    return signal == Trend.WORSE


def factor_is_improving(signal: str) -> bool:
    return signal == Trend.BETTER


def keeping_pace_points() -> float:
    return float(getattr(settings, "REBALANCE_KEEPING_PACE_POINTS", 0.1))


def worklessness_verdict(change: float | None, benchmark_change: float | None) -> str:
    """'improving', 'keeping_pace', 'falling_behind', or '' when either change is unknown."""
    if change is None or benchmark_change is None:
        return ""
    difference = change - benchmark_change  # below zero: better than the benchmark
    tolerance = keeping_pace_points()
    if difference < -tolerance:
        return IMPROVING
    if difference > tolerance:
        return FALLING_BEHIND
    return KEEPING_PACE


# An intervention's estimated effect: clear only when its 95% interval leaves out zero. Worklessness is better
# lower, a factor score higher.
EFFECT_BETTER = "better"
EFFECT_NO_CLEAR_DIFFERENCE = "no_clear_difference"
EFFECT_WORSE = "worse"


def effect_verdict(*, measure: str, ci_low: float | None, ci_high: float | None) -> str:
    """'better', 'worse' or 'no_clear_difference' than the comparison group; '' when there is no estimate."""
    if ci_low is None or ci_high is None:
        return ""
    if ci_low <= 0 <= ci_high:
        return EFFECT_NO_CLEAR_DIFFERENCE
    lower = ci_high < 0
    better = lower if measure == "worklessness" else not lower
    return EFFECT_BETTER if better else EFFECT_WORSE
