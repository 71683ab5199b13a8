"""The engine's verdicts, decided here once: every page, export, API and report asks these functions.

- A factor's **signal** is its change since the last wave where there is one (that is what moved), and
  otherwise, at a first wave, how it stands against everyone surveyed in the wave.
- A place is **improving** on worklessness when its rate fell by more than the benchmark's (the report's
  method: a change below the benchmark's change), and **lagging** otherwise. The improvement report's SQL
  count applies the same comparison in the database (``IMPROVING_SQL``).
"""

from __future__ import annotations

from indicators.engine.models import Trend

IMPROVING = "improving"
LAGGING = "lagging"

# The same rule as ``worklessness_verdict``, for set-based counts: the change column against the benchmark.
IMPROVING_SQL = "change < %s"


def factor_signal(*, since_last_wave: str, against_benchmark: str) -> str:
    """A Trend, or '' when there is nothing to compare with (withheld, or no benchmark)."""
    return since_last_wave or against_benchmark


def factor_is_lagging(signal: str) -> bool:
    return signal == Trend.WORSE


def factor_is_improving(signal: str) -> bool:
    return signal == Trend.BETTER


def worklessness_verdict(change: float | None, benchmark_change: float | None) -> str:
    """'improving', 'lagging', or '' when either change is unknown."""
    if change is None or benchmark_change is None:
        return ""
    return IMPROVING if change < benchmark_change else LAGGING
