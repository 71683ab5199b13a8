"""Rows of shares and scores on a 0-100 track: the league's bars and the factor scores with their intervals.

A track is 100 units wide and 12 high and is stretched to the row's width, so x is the figure itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from indicators.monitoring.charts.axes import number

TRACK_HEIGHT = 12
BAR = "#0b3b5c"
INTERVAL = "#4d7ea8"
BENCHMARK = "#8a4500"
MEAN = "#0b3b5c"
NO_FIGURE = "no figure"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Row:
    label: str
    value: str  # the figure as the row shows it beside the track
    marks: tuple[Rect, ...]
    note: str = ""  # said in place of the track when there is no figure to draw


def on_track(value) -> float:
    """A figure held to the 0-100 track."""
    return max(0.0, min(100.0, float(value)))


def bar_rows(items: Iterable[Mapping]) -> tuple[Row, ...]:
    """items: [{label, value (0-100) or None, note?}]: an empty track and the note where there is no value."""
    rows = []
    for item in items:
        value = number(item.get("value"))
        if value is None:
            rows.append(Row(str(item["label"]), str(item.get("note") or NO_FIGURE), ()))
        else:
            bar = Rect(0, 0, round(on_track(value), 2), TRACK_HEIGHT, BAR)
            rows.append(Row(str(item["label"]), f"{value:.0f}%", (bar,)))
    return tuple(rows)


def interval_marks(mean: float, low: float, high: float, benchmark: float | None) -> tuple[Rect, ...]:
    """The interval as a thin bar, the benchmark as a tall tick and the score as a dark mark, drawn in that
    order so the score stays on top; each keeps a least width so that it shows when the range is nil."""
    low, high, mean = on_track(min(low, high)), on_track(max(low, high)), on_track(mean)
    marks = [Rect(round(low, 2), 4.5, round(max(high - low, 0.3), 2), 3, INTERVAL)]
    if benchmark is not None:
        marks.append(Rect(round(on_track(benchmark) - 0.4, 2), 0, 0.8, TRACK_HEIGHT, BENCHMARK))
    marks.append(Rect(round(mean - 0.9, 2), 1.5, 1.8, 9, MEAN))
    return tuple(marks)


def interval_rows(items: Iterable[Mapping]) -> tuple[Row, ...]:
    """items: [{label, mean, low, high, benchmark?, withheld?, note?}]: the note in place of a withheld or
    missing score."""
    rows = []
    for item in items:
        mean = number(item.get("mean"))
        if item.get("withheld") or mean is None:
            rows.append(Row(str(item["label"]), "", (), str(item.get("note") or NO_FIGURE)))
            continue
        low, high = number(item.get("low")), number(item.get("high"))
        marks = interval_marks(
            mean, mean if low is None else low, mean if high is None else high, number(item.get("benchmark"))
        )
        rows.append(Row(str(item["label"]), f"{mean:.0f}", marks))
    return tuple(rows)
