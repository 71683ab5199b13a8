"""Verdicts and reasons in plain words, with signed numbers beside them. The pages, exports and summaries all
take their wording from here; the verdicts themselves are the engine's (indicators/engine/selectors/verdicts.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from indicators.engine.models import Trend
from indicators.engine.selectors.verdicts import FALLING_BEHIND, IMPROVING, KEEPING_PACE
from indicators.monitoring.content import FACTOR_GUIDE, FACTOR_LABELS, SENTENCE_NAMES

MINUS = "−"  # a real minus sign: it reads better and screen readers announce it

VERDICT_WORDS = {
    IMPROVING: "Improving",
    KEEPING_PACE: "Keeping pace",
    FALLING_BEHIND: "Falling behind",
    "": "No figure",
}
VERDICT_TAG = {IMPROVING: "good", KEEPING_PACE: "neutral", FALLING_BEHIND: "bad", "": ""}
# The benchmark's name where it is the report's default reference set.
BENCHMARK_NAME = "England's most deprived areas"


def signed(value: float | None, digits: int = 2) -> str:
    """+0.19, −0.04, and 0.00 for no change (never −0.00)."""
    if value is None:
        return "no figure"
    rounded = round(float(value), digits)
    if rounded == 0:
        return f"{0:.{digits}f}"
    text = f"{abs(rounded):.{digits}f}"
    return f"+{text}" if rounded > 0 else f"{MINUS}{text}"


def rate(value: float | None, digits: int = 1) -> str:
    return "no figure" if value is None else f"{value:.{digits}f}%"


def _moved(change: float) -> str:
    if round(change, 2) == 0:
        return "did not change"
    return f"{'rose' if change > 0 else 'fell'} {abs(change):.2f} points"


def _relative(difference: float, verdict: str) -> str:
    """How the place did against similar areas, from its change minus the benchmark's (below zero is better)."""
    size = abs(difference)
    if verdict == KEEPING_PACE:
        return "in step with similar areas"
    degree = "much " if size >= 1 else "" if size >= 0.5 else "slightly "
    return f"{degree}{'better' if difference < 0 else 'worse'} than similar areas"


def worklessness_sentence(
    *,
    verdict: str,
    change: float | None,
    start_rate: float | None,
    end_rate: float | None,
    benchmark_change: float | None,
    start: object,
    end: object,
    benchmark_name: str = BENCHMARK_NAME,
) -> str:
    """ "Worklessness rose 0.19 points (11.6% → 11.8%) from March 2024 to March 2025; England's most deprived
    areas rose 0.23: slightly better than similar areas." The period is always part of the verdict."""
    if change is None or start is None or end is None:
        return "Worklessness: no figure for both ends of the period yet."
    sentence = f"Worklessness {_moved(change)} ({rate(start_rate)} → {rate(end_rate)}) from {start} to {end}"
    if benchmark_change is None or not verdict:
        return sentence + "; there is no benchmark figure for the same period."
    return f"{sentence}; {benchmark_name} {_moved(benchmark_change)}: {_relative(change - benchmark_change, verdict)}."


def _listed(labels: list[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def factor_reasons(statuses: Iterable) -> dict[str, list[str]]:
    """Factor keys by what stands out, from each factor's latest status (the engine's FactorStatus or the
    page's cell status: anything with factor, withheld, since_last_wave and against_benchmark):
    weakest and strongest against everyone surveyed (the furthest from them first), and clearly down or up since
    the last wave."""
    statuses = list(statuses)
    out: dict[str, list[str]] = {"weakest": [], "strongest": [], "down": [], "up": []}
    for status in statuses:
        if status is None or status.withheld:
            continue
        if status.against_benchmark == Trend.WORSE:
            out["weakest"].append(status.factor)
        elif status.against_benchmark == Trend.BETTER:
            out["strongest"].append(status.factor)
        if status.since_last_wave == Trend.WORSE:
            out["down"].append(status.factor)
        elif status.since_last_wave == Trend.BETTER:
            out["up"].append(status.factor)
    # The furthest from everyone surveyed first, so that "the weakest" is the weakest (ties keep their order).
    gaps = {s.factor: getattr(s, "benchmark_difference", None) for s in statuses if s is not None}
    out["weakest"].sort(key=lambda k: gaps.get(k) if gaps.get(k) is not None else 0)
    out["strongest"].sort(key=lambda k: -(gaps.get(k) or 0))
    return out


def main_concerns(statuses: Iterable, limit: int = 2) -> list[str]:
    """The one or two factors that most need attention, in words: clearly below everyone surveyed first, then
    clearly down since the last wave."""
    reasons = factor_reasons(statuses)
    keys = list(dict.fromkeys(reasons["weakest"] + reasons["down"]))
    return [FACTOR_LABELS[k] for k in keys[:limit]]


def why_sentence(statuses: Iterable) -> str:
    """One or two sentences on the factors that explain the picture, from the stored figures."""
    reasons = factor_reasons(list(statuses))

    def named(key: str) -> str:
        return _listed([SENTENCE_NAMES[k] for k in reasons[key]])

    parts = []
    if reasons["weakest"]:
        parts.append(f"{named('weakest')} below everyone surveyed")
    if reasons["strongest"]:
        parts.append(f"{named('strongest')} above")
    moved = []
    if reasons["down"]:
        moved.append(f"{named('down')} fell")
    if reasons["up"]:
        moved.append(f"{named('up')} rose")
    sentences = []
    if parts:
        sentences.append("Residents rate " + ", and ".join(parts) + ".")
    if moved:
        sentences.append("Since the last wave, " + "; ".join(moved) + ".")
    if not sentences:
        return "No factor stands out clearly from everyone surveyed, and none changed clearly since the last wave."
    return " ".join(sentences)


def what_to_do(statuses: Iterable) -> str:
    """The report's recommended response for the factor that most needs attention, or '' if none does."""
    reasons = factor_reasons(statuses)
    keys = list(dict.fromkeys(reasons["weakest"] + reasons["down"]))
    if not keys:
        return ""
    return f"{FACTOR_LABELS[keys[0]]}: {FACTOR_GUIDE[keys[0]].response}"


def verdict_detail(*, change: float | None, benchmark_change: float | None, since: object) -> str:
    """The figures behind a verdict, short enough for a table row: "worklessness +0.31 points since March 2025
    (similar areas −0.02)"."""
    if change is None or since is None:
        return "worklessness: no figure for both ends of the period yet"
    detail = f"worklessness {signed(change)} points since {since}"
    if benchmark_change is None:
        return detail + " (no figure for similar areas)"
    return f"{detail} (similar areas {signed(benchmark_change)})"


def verdict_line(*, verdict: str, change: float | None, benchmark_change: float | None, since: object) -> str:
    """ "Falling behind: worklessness +0.31 points since March 2025 (similar areas −0.02)"."""
    detail = verdict_detail(change=change, benchmark_change=benchmark_change, since=since)
    return f"{VERDICT_WORDS.get(verdict, VERDICT_WORDS[''])}: {detail}"
