"""The words, colours and cells every monitoring table shares: one meaning per symbol."""

from __future__ import annotations

from indicators.engine.models import Trend
from indicators.monitoring.exports import Cell, number, text, withheld
from indicators.monitoring.wording import VERDICT_TAG, VERDICT_WORDS

TREND_TAG = {Trend.BETTER: "good", Trend.WORSE: "bad", Trend.NO_CLEAR_CHANGE: "neutral"}


SINCE_WORDS = {
    Trend.BETTER: "up on last wave",
    Trend.WORSE: "down on last wave",
    Trend.NO_CLEAR_CHANGE: "no clear change",
}


AGAINST_WORDS = {
    Trend.BETTER: "above everyone surveyed",
    Trend.WORSE: "below everyone surveyed",
    Trend.NO_CLEAR_CHANGE: "close to everyone surveyed",
}


FACTOR_SOURCE = (
    "Resident survey: factor scores 0-100 (higher is better), mean of residents' scores with a 95% confidence "
    "interval; changes are tested against chance (p < 0.05). Figures from fewer than {threshold} responses "
    "are withheld."
)


def status_cell(status: str) -> Cell:
    """A worklessness verdict in words, with its colour."""
    if not status:
        return text("no figure")
    return text(VERDICT_WORDS[status], tag=VERDICT_TAG[status])


def rate_source(provenance, span) -> str:
    bench = span.benchmark_change
    bench_text = f"{bench:+.2f} points".replace("-", "−") if bench is not None else "no figure"
    return (
        f"{provenance.describe()} Change from {span.start} to {span.end}. Benchmark: the mean rate of England's "
        f"deprived LSOAs, which changed by {bench_text} over the same period. Improving: the rate fell by more "
        "than the benchmark fell."
    )


def factor_cell(status) -> Cell:
    if status is None or not status.surveyed:
        return text("not surveyed")
    if status.withheld:
        return withheld(status.withheld_reason)
    signal = status.signal
    words = SINCE_WORDS.get(status.since_last_wave) or AGAINST_WORDS.get(status.against_benchmark, "")
    arrow = {Trend.BETTER: "▲", Trend.WORSE: "▼", Trend.NO_CLEAR_CHANGE: "●"}.get(signal, "")
    return Cell(
        value=round(status.mean, 1),
        text=f"{arrow} {status.mean:.0f}".strip(),
        tag=TREND_TAG.get(signal, ""),
        note=f"({words})" if words else "",
        numeric=True,
        quiet=True,
    )


def score_cell(figure) -> Cell:
    if figure is None:
        return text("not surveyed")
    if figure.withheld:
        return withheld(figure.withheld_reason)
    return number(figure.mean, digits=1)


def interval_cell(figure) -> Cell:
    if figure is None or figure.withheld:
        return withheld(figure.withheld_reason) if figure is not None else text("not surveyed")
    if figure.ci_low is None:
        return text("no interval")
    return text(f"{figure.ci_low:.1f} to {figure.ci_high:.1f}")


def short(period) -> str:
    """A period's label short enough for a chart axis."""
    return period.start.strftime("%b %Y") if period.kind == "month" else period.label
