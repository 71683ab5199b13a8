"""The words, colours and cells every monitoring table shares: one meaning per symbol.

A factor is read two ways, and each way has its own family of symbols so that neither is mistaken for the other:
*since the last wave* with solid arrows and a dot (▲ ▼ ●), *against everyone surveyed in the wave* with a sign in
an outlined box (+ − =). Colour repeats the meaning (green better, red worse, grey neither) and words say it to
screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine.models import Trend
from indicators.engine.selectors.verdicts import keeping_pace_points
from indicators.monitoring.exports import Cell, number, text, withheld
from indicators.monitoring.wording import VERDICT_TAG, VERDICT_WORDS, signed

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


def signed_cell(value: float | None, *, digits: int = 2, missing: str = "no figure") -> Cell:
    """A change with its sign: +0.19, −0.04, and 0.00 (never −0.00) for none; the export gets the number."""
    if value is None:
        return Cell(value=None, text=missing, note=missing, numeric=True)
    rounded = round(float(value), digits) + 0.0  # + 0.0 turns a rounded −0.0 into 0.0
    return Cell(value=rounded, text=signed(value, digits), numeric=True)


def rate_source(provenance, span) -> str:
    bench = span.benchmark_change
    bench_text = f"{signed(bench)} points" if bench is not None else "no figure"
    return (
        f"{provenance.describe()} Change from {span.start} to {span.end}. Benchmark: the mean rate of England's "
        f"deprived LSOAs, which changed by {bench_text} over the same period. Improving: the rate fell by more "
        f"(or rose by less) than the benchmark's by over {keeping_pace_points():.2f} points; keeping pace: within "
        f"{keeping_pace_points():.2f} points of it; falling behind: rose by more (or fell by less) by over that."
    )


SINCE_SYMBOL = {Trend.BETTER: "▲", Trend.WORSE: "▼", Trend.NO_CLEAR_CHANGE: "●"}
AGAINST_SYMBOL = {Trend.BETTER: "+", Trend.WORSE: "−", Trend.NO_CLEAR_CHANGE: "="}


def factor_words(status) -> str:
    """Both readings of a factor in words: "down on last wave; below everyone surveyed"."""
    since = SINCE_WORDS.get(status.since_last_wave, "")
    if status.since_last_wave == Trend.NO_CLEAR_CHANGE:
        since += " since last wave"  # beside "below everyone surveyed", say which comparison it is
    words = [since, AGAINST_WORDS.get(status.against_benchmark, "")]
    return "; ".join(w for w in words if w)


def factor_cell(status) -> Cell:
    """A factor in a download: the score as a number (None when not surveyed or withheld), the words in the note."""
    if status is None or not status.surveyed:
        return Cell(value=None, text="not surveyed", note="not surveyed", numeric=True)
    if status.withheld:
        return withheld(status.withheld_reason)
    return Cell(
        value=round(status.mean, 1),
        text=f"{status.mean:.0f}",
        tag=TREND_TAG.get(status.signal, ""),
        note=factor_words(status),
        numeric=True,
        quiet=True,
    )


@dataclass(frozen=True)
class FactorMark:
    """A factor at a glance: its score with one symbol for each reading, and the same in words."""

    label: str  # the short label, shown as the column heading or, on a phone, beside the score
    score: str = ""  # "51", or "" when not surveyed or withheld
    since: str = ""  # a Trend, or "" at a first wave
    against: str = ""  # a Trend, or "" when there is nothing to compare with
    state: str = ""  # "", "withheld" or "not surveyed"
    words: str = ""  # everything above in words, for screen readers

    @property
    def since_symbol(self) -> str:
        return SINCE_SYMBOL.get(self.since, "")

    @property
    def against_symbol(self) -> str:
        return AGAINST_SYMBOL.get(self.against, "")

    @property
    def since_tag(self) -> str:
        return TREND_TAG.get(self.since, "")

    @property
    def against_tag(self) -> str:
        return TREND_TAG.get(self.against, "")


def factor_mark(label: str, full_label: str, status) -> FactorMark:
    if status is None or not status.surveyed:
        return FactorMark(label, state="not surveyed", words=f"{full_label}: not surveyed")
    if status.withheld:
        reason = status.withheld_reason or "too few residents answered to show it"
        return FactorMark(label, state="withheld", words=f"{full_label}: withheld ({reason})")
    words = factor_words(status)
    return FactorMark(
        label,
        score=f"{status.mean:.0f}",
        since=status.since_last_wave,
        against=status.against_benchmark,
        words=f"{full_label}: {status.mean:.0f} out of 100" + (f", {words}" if words else ""),
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
