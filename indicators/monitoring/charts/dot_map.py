"""A neighbourhood's small areas as dots at their centroids, shaded by deprivation decile.

Longitude and latitude are projected with a plain equirectangular scale at the areas' mean latitude
(x = longitude × cos φ₀), which is true enough at the scale of a neighbourhood, and fitted into a square.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indicators.monitoring.charts.axes import GAP, Box, Label, number

SIZE = 300
MARGIN = 20
PAD = 0.002  # degrees kept clear around the outermost areas
RADIUS = 9
LABEL_OFFSET = 14  # from the dot's centre: clear of its edge by a few units
# Decile 1 (most deprived) darkest red, through to greys for the least deprived.
SHADES = (
    "#6e1a0e",
    "#a4321a",
    "#c5542f",
    "#d9774f",
    "#e39c78",
    "#c7c9cb",
    "#a9acae",
    "#8d9093",
    "#6f7376",
    "#505a5f",
)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    fill: str
    label: Label | None  # None when every place for it would cover another label or dot

    r = RADIUS

    @property
    def box(self) -> Box:
        return Box(self.x - RADIUS, self.y - RADIUS, self.x + RADIUS, self.y + RADIUS)


@dataclass(frozen=True)
class DotMap:
    id: str
    title: str
    summary: str
    size: int
    dots: tuple[Dot, ...]


def shade(decile) -> str:
    # An area without a decile is shown as the least deprived, as it has always been.
    return SHADES[min(10, max(1, int(decile or 10))) - 1]


def project(points: Sequence[tuple[float, float]], size: int = SIZE) -> list[tuple[float, float]]:
    """(lat, lon) pairs to (x, y) in a size × size square, north up, one scale for both directions."""
    cos = math.cos(math.radians(sum(lat for lat, _ in points) / len(points)))
    xs = [lon * cos for _, lon in points]
    ys = [lat for lat, _ in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) + 2 * PAD
    scale = (size - 2 * MARGIN) / span
    mid_x, mid_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    return [
        (round(size / 2 + (x - mid_x) * scale, 1), round(size / 2 - (y - mid_y) * scale, 1))
        for x, y in zip(xs, ys, strict=True)
    ]


def _inside(box: Box, size: int) -> bool:
    return box.left >= 0 and box.right <= size and box.top >= 0 and box.bottom <= size


def place_label(text: str, x: float, y: float, taken: Sequence[Box], size: int) -> Label | None:
    """Right of the dot, else left, above or below: the first place inside the map that covers nothing."""
    places = (
        Label(round(x + LABEL_OFFSET, 1), round(y + 5, 1), (text,), "start"),
        Label(round(x - LABEL_OFFSET, 1), round(y + 5, 1), (text,), "end"),
        Label(x, round(y - LABEL_OFFSET - 2, 1), (text,), "middle"),
        Label(x, round(y + LABEL_OFFSET + 13, 1), (text,), "middle"),
    )
    for label in places:
        box = label.box
        if _inside(box, size) and not any(box.intersects(other, GAP / 2) for other in taken):
            return label
    return None


def dot_map(spec: Mapping, size: int = SIZE) -> DotMap | None:
    """spec: id, title, points [{label, lat, lon, decile}]; None when no point has a position."""
    points = [p for p in spec["points"] if number(p.get("lat")) is not None and number(p.get("lon")) is not None]
    if not points:
        return None
    spots = project([(float(p["lat"]), float(p["lon"])) for p in points], size)
    circles = [Box(x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS) for x, y in spots]
    placed: list[Box] = []
    dots = []
    for i, (p, (x, y)) in enumerate(zip(points, spots, strict=True)):
        # Its own dot is left out: every place for a label is already clear of it.
        label = place_label(str(p["label"]), x, y, [*circles[:i], *circles[i + 1 :], *placed], size)
        if label is not None:
            placed.append(label.box)
        dots.append(Dot(x, y, shade(p.get("decile")), label))
    return DotMap(str(spec["id"]), str(spec["title"]), summary(len(points)), size, tuple(dots))


def summary(count: int) -> str:
    return (
        f"{count} small area{'s' if count != 1 else ''}, each a dot at its centroid, darker red the more deprived "
        "(decile 1 of the Index of Multiple Deprivation is the most deprived). The table that follows lists them."
    )
