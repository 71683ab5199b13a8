"""Line charts: a series per line, with markers, error bars, round ticks and labels that keep apart."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from indicators.monitoring.charts.axes import (
    CHAR_WIDTH,
    LINE_HEIGHT,
    Box,
    GridLine,
    Label,
    Scale,
    Ticks,
    grid_lines,
    nice_ticks,
    number,
    x_labels,
)

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 14, 44
X_LABEL_DROP = 20  # from the axis to the x labels' first baseline
MARKERS_UP_TO = 24  # with more points than this, markers would bury the line
SPREAD = 6  # between the intervals of two series at one point, so one does not hide the other


@dataclass(frozen=True)
class Style:
    colour: str
    dash: str
    width: float
    marker: str

    @property
    def swatch_marker(self) -> str:
        return marker_path(self.marker, 18, 8)


# Dark enough for 3:1 against white (WCAG 1.4.11), told apart by dash and marker too.
STYLES = (
    Style("#0b3b5c", "", 3, "circle"),
    Style("#8a4500", "8 5", 2.5, "square"),
    Style("#4a4f52", "2 4", 2.5, "triangle"),
    Style("#6b2c91", "12 4 2 4", 2.5, "diamond"),
)


class Point(NamedTuple):  # a tuple: a long series makes many, and a frozen dataclass is slow to build
    x: float
    y: float
    value: float


@dataclass(frozen=True)
class ErrorBar:
    """A vertical interval at x from top to bottom, with caps CAP wide."""

    x: float
    top: float
    bottom: float

    CAP = 8

    @property
    def cap_left(self) -> float:
        return round(self.x - self.CAP / 2, 1)

    @property
    def cap_right(self) -> float:
        return round(self.x + self.CAP / 2, 1)


@dataclass(frozen=True)
class Series:
    name: str
    style: Style
    points: tuple[Point | None, ...]  # one per x position, None where there is no figure
    path: str  # the line through the points, broken where a figure is missing ("" when nothing joins)
    markers: tuple[str, ...]  # path data of each marker
    error_bars: tuple[ErrorBar, ...]


def marker_path(kind: str, x: float, y: float) -> str:
    if kind == "square":
        return f"M{x - 4:.1f} {y - 4:.1f}h8v8h-8Z"
    if kind == "triangle":
        return f"M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z"
    if kind == "diamond":
        return f"M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}L{x - 5:.1f} {y:.1f}Z"
    return f"M{x - 4.5:.1f} {y:.1f}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0Z"


def _path(points: Sequence[Point | None]) -> str:
    segments, current = [], []
    for point in [*points, None]:
        if point is None:
            if len(current) > 1:
                segments.append("M" + " L".join(f"{p.x:.1f} {p.y:.1f}" for p in current))
            current = []
        else:
            current.append(point)
    return " ".join(segments)


def _alone(points: Sequence[Point | None], i: int) -> bool:
    """A point with no neighbour is on no line, so it needs a marker to be seen at all."""
    return (i == 0 or points[i - 1] is None) and (i == len(points) - 1 or points[i + 1] is None)


def _series(spec: Mapping, style: Style, n: int, x: Scale, y: Scale, offset: float) -> Series:
    values = [number(v) for v in list(spec["values"])[:n]]
    values += [None] * (n - len(values))
    points = tuple(
        None if v is None else Point(round(x(i) + offset, 1), round(y(v), 1), v) for i, v in enumerate(values)
    )
    markers = tuple(
        marker_path(style.marker, p.x, p.y)
        for i, p in enumerate(points)
        if p is not None and (n <= MARKERS_UP_TO or _alone(points, i))
    )
    bars = []
    for i, (low, high) in enumerate(zip(spec.get("low") or [], spec.get("high") or [], strict=False)):
        low, high = number(low), number(high)
        if i < n and low is not None and high is not None:
            bars.append(ErrorBar(round(x(i) + offset, 1), round(y(max(low, high)), 1), round(y(min(low, high)), 1)))
    return Series(str(spec["name"]), style, points, _path(points), markers, tuple(bars))


@dataclass(frozen=True)
class Mark:
    """A shaded period (an intervention, say) from x1 to x2, its letter at the top, its words in the key."""

    x1: float
    x2: float
    top: float
    bottom: float
    letter: str
    words: str
    label_y: float

    MIN_WIDTH = 4  # a period of a day still shows

    @property
    def width(self) -> float:
        return round(max(self.x2 - self.x1, self.MIN_WIDTH), 1)

    @property
    def height(self) -> float:
        return round(self.bottom - self.top, 1)

    @property
    def label_x(self) -> float:
        return round(self.x1 + 4, 1)


def _marks(spec: Mapping, x: Scale, n: int, bottom: float) -> tuple[Mark, ...]:
    """The spec's marks [{start, end, letter, words}], start and end in x positions (fractions allowed), clipped
    to the chart; letters of marks that start close together step down so that they do not overlap."""
    marks = []
    for i, m in enumerate(spec.get("marks") or []):
        start = min(max(float(m["start"]), 0.0), n - 1)
        end = min(max(float(m["end"]), start), n - 1)
        marks.append(
            Mark(
                round(x(start), 1),
                round(x(end), 1),
                TOP,
                bottom,
                str(m["letter"]),
                str(m["words"]),
                TOP + 16 + 18 * (i % 3),
            )
        )
    return tuple(marks)


@dataclass(frozen=True)
class LineChart:
    id: str
    title: str
    summary: str
    y_label: str
    width: int
    height: int
    plot: Box  # the area inside the axes
    ticks: Ticks
    grid: tuple[GridLine, ...]
    x_labels: tuple[Label, ...]
    series: tuple[Series, ...]
    x: Scale
    y: Scale
    marks: tuple[Mark, ...] = ()


def y_domain(values: Sequence[float], y_min=None, y_max=None) -> tuple[float, float]:
    """The values' range, stretched to y_min and y_max when given, otherwise padded below (never under 0
    for figures that cannot be negative) so the lowest line does not sit on the axis."""
    least, most = min(values), max(values)
    high = most if y_max is None else max(float(y_max), most)
    if y_min is not None:
        return min(float(y_min), least), high
    low = least - (high - least) * 0.1 if high > least else least - 1
    return (max(0.0, low) if least >= 0 else low), high


def _present(spec: Mapping) -> list[tuple[int, Mapping]]:
    """The series with at least one figure, each with its style's index (its place in the spec by default)."""
    return [
        (s.get("style", i), s) for i, s in enumerate(spec["series"]) if any(number(v) is not None for v in s["values"])
    ]


def _figures(present: Sequence[tuple[int, Mapping]], n: int) -> list[float]:
    """Every figure the y axis must hold: values and interval ends alike."""
    return [
        v
        for _, s in present
        for key in ("values", "low", "high")
        for v in (number(raw) for raw in list(s.get(key) or [])[:n])
        if v is not None
    ]


def line_chart(spec: Mapping, width: int = WIDTH, height: int = HEIGHT) -> LineChart | None:
    """The chart of spec: id, title, summary?, x (labels), series [{name, values, low?, high?, style?}],
    y_label?, y_min?, y_max?; None when there is nothing to draw. The picture grows taller, never the plot
    shorter, when x labels need more than two lines."""
    labels = [str(label) for label in spec["x"]]
    present = _present(spec)
    if not labels or not present:
        return None
    n = len(labels)
    ticks = nice_ticks(*y_domain(_figures(present, n), spec.get("y_min"), spec.get("y_max")))
    bottom = height - BOTTOM
    y = Scale(ticks.values[0], ticks.values[-1], bottom, TOP)
    widest = max(len(ticks.text(v)) for v in ticks.values) * CHAR_WIDTH
    left = max(LEFT, math.ceil(widest + 10))  # room for the longest tick label left of the axis
    x = Scale(0, n - 1, left, width - RIGHT)
    below = x_labels(labels, x, bottom + X_LABEL_DROP)
    extra = max(0, max(len(label.lines) for label in below) - 2) * LINE_HEIGHT
    spread = any(s.get("low") for _, s in present)
    series = tuple(
        _series(s, STYLES[style % len(STYLES)], n, x, y, _offset(i, len(present)) if spread and s.get("low") else 0)
        for i, (style, s) in enumerate(present)
    )
    return LineChart(
        id=str(spec["id"]),
        title=str(spec["title"]),
        summary=str(spec.get("summary") or ""),
        y_label=str(spec.get("y_label") or ""),
        width=width,
        height=height + extra,
        plot=Box(left, TOP, width - RIGHT, bottom),
        ticks=ticks,
        grid=grid_lines(ticks, y, left),
        x_labels=below,
        series=series,
        x=x,
        y=y,
        marks=_marks(spec, x, n, bottom),
    )


def _offset(i: int, count: int) -> float:
    """Series with intervals sit side by side at each point, SPREAD apart, so one does not hide another."""
    return (i - (count - 1) / 2) * SPREAD
