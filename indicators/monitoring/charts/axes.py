"""Axes: linear scales, round ticks, and text labels placed so that none touches another.

The server cannot measure text, so a label's width is estimated (characters × CHAR_WIDTH, on the wide side)
and axis labels are wrapped or thinned until their estimated boxes keep clear of each other.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

FONT_SIZE = 15  # `.chart-text text` in site.css, in viewBox units
# Digits and capitals in DejaVu Sans, the widest of the fonts the page may get, run to 0.66 em a character.
CHAR_WIDTH = 0.67 * FONT_SIZE
LINE_HEIGHT = 18
GAP = CHAR_WIDTH  # the least room between two labels
TICK_COUNT = 5
MAX_X_LABELS = 6
MAX_LINES = 3  # an x label wraps onto at most this many lines
NICE_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120)  # periods come in months, quarters and years
MINUS = "\u2212"


@dataclass(frozen=True)
class Scale:
    """A linear map from values onto pixels; the pixel range may run backwards (y grows downwards)."""

    d0: float
    d1: float
    r0: float
    r1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return (self.r0 + self.r1) / 2
        return self.r0 + (value - self.d0) * (self.r1 - self.r0) / (self.d1 - self.d0)


@dataclass(frozen=True)
class Ticks:
    values: tuple[float, ...]
    step: float

    @property
    def decimals(self) -> int:
        """As many decimal places as the step has, so that every tick reads alike."""
        exponent = math.floor(math.log10(self.step) + 1e-9)
        shown = f"{self.step:.{max(0, 3 - exponent)}f}"
        return len(shown.rstrip("0").split(".")[1]) if "." in shown else 0

    def text(self, value: float) -> str:
        # Beyond a millionth, places would run off the chart: significant figures instead.
        shown = f"{abs(value):.{self.decimals}f}" if self.decimals <= 6 else f"{abs(value):.3g}"
        return f"{MINUS}{shown}" if value < 0 and float(shown) != 0 else shown


def nice_ticks(low: float, high: float, count: int = TICK_COUNT) -> Ticks:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart) from at or below low to at or above high."""
    if not high - low > max(abs(low), abs(high), 1.0) * 1e-9:
        high = low + 1  # flat, or a difference no picture could show: a unit of axis above it
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    digits = Ticks((), step).decimals + 2
    return Ticks(tuple(round(i * step, digits) + 0.0 for i in range(first, last + 1)), step)


def number(value) -> float | None:
    """A figure as a float, or None for a missing (or not finite) one."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def intersects(self, other: Box, gap: float = 0) -> bool:
        """Whether the two overlap, or come closer than gap across."""
        return (
            self.left < other.right + gap
            and other.left < self.right + gap
            and self.top < other.bottom
            and other.top < self.bottom
        )


@dataclass(frozen=True)
class TextLine:
    text: str
    y: float


@dataclass(frozen=True)
class Label:
    """Text anchored at x; y is the first line's baseline, any further line LINE_HEIGHT below it."""

    x: float
    y: float
    lines: tuple[str, ...]
    anchor: str = "middle"

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def rows(self) -> tuple[TextLine, ...]:
        return tuple(TextLine(line, self.y + i * LINE_HEIGHT) for i, line in enumerate(self.lines))

    @property
    def box(self) -> Box:
        width = max(text_width(line) for line in self.lines)
        left = {"start": self.x, "middle": self.x - width / 2, "end": self.x - width}[self.anchor]
        bottom = self.y + (len(self.lines) - 1) * LINE_HEIGHT + FONT_SIZE * 0.25
        return Box(left, self.y - FONT_SIZE * 0.8, left + width, bottom)


def overlaps(labels: Sequence[Label], gap: float = 0) -> bool:
    boxes = [label.box for label in labels]
    return any(a.intersects(b, gap) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


@functools.lru_cache(maxsize=1024)  # the same labels are tried at every step of thinning
def wrap(text: str, lines: int = 2) -> tuple[str, ...]:
    """At most `lines` lines, broken at spaces so that the longest is as short as it can be (fewer lines
    when that is as short)."""
    words = text.split()
    best = (text,)
    for breaks in range(1, min(lines, len(words))):
        for cuts in itertools.combinations(range(1, len(words)), breaks):
            bounds = (0, *cuts, len(words))
            parts = tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))
            if max(map(len, parts)) < max(map(len, best)):
                best = parts
    return best


def _label_steps(n: int) -> list[int]:
    """Every how many points to label, fewest skipped first, preferring calendar-friendly steps."""
    least = max(1, math.ceil((n - 1) / (MAX_X_LABELS - 1)))
    nice = [s for s in NICE_STEPS if least <= s <= 2 * least]
    return [*nice, *(s for s in range(least, max(n, 2)) if s not in nice)]


def _every(n: int, step: int) -> list[int]:
    shown = list(range(0, n, step))
    if shown[-1] != n - 1:
        # The last point (the latest period) is always labelled; a label crowding it gives way.
        if len(shown) > 1 and n - 1 - shown[-1] < step / 2:
            shown.pop()
        shown.append(n - 1)
    return shown


def fit(line: str, room: float) -> str:
    """The line, cut short with an ellipsis if it is wider than room (the tables beside say it in full)."""
    if text_width(line) <= room:
        return line
    return line[: max(1, int(room // CHAR_WIDTH) - 1)].rstrip() + "…"


def _x_label(text: str, i: int, n: int, x: Scale, baseline: float, lines: int) -> Label:
    # The end labels hang inwards from the ends of the axis so they stay inside the picture.
    anchor = "middle" if n == 1 or 0 < i < n - 1 else ("start" if i == 0 else "end")
    room = abs(x.r1 - x.r0)
    return Label(round(x(i), 1), baseline, tuple(fit(line, room) for line in wrap(text, lines)), anchor)


def x_labels(texts: Sequence[str], x: Scale, baseline: float) -> tuple[Label, ...]:
    """Labels for the x axis, none wider than the axis: as many as fit without touching, wrapped onto up to
    MAX_LINES lines before any is left out; the last point's label is always shown."""
    n = len(texts)
    if not n:
        return ()
    for step in _label_steps(n):
        shown = _every(n, step)
        for lines in range(1, MAX_LINES + 1):
            labels = tuple(_x_label(str(texts[i]), i, n, x, baseline, lines) for i in shown)
            if not overlaps(labels, GAP):
                return labels
    return (_x_label(str(texts[-1]), n - 1, n, x, baseline, MAX_LINES),)


@dataclass(frozen=True)
class GridLine:
    y: float
    value: float
    label: Label | None


def grid_lines(ticks: Ticks, y: Scale, left: float) -> tuple[GridLine, ...]:
    """A line at every tick; a label at every tick, or every other one (and so on) where they would touch."""
    values = ticks.values
    for every in range(1, len(values) + 1):
        labels = [
            Label(left - 6, round(y(v) + 5, 1), (ticks.text(v),), "end") if i % every == 0 else None
            for i, v in enumerate(values)
        ]
        if not overlaps([label for label in labels if label]):
            break
    return tuple(GridLine(round(y(v), 1), v, label) for v, label in zip(values, labels, strict=True))
