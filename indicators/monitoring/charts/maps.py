"""Maps of places drawn from their outlines: a projection for England, SVG path data and label positions.

Outlines are GeoJSON geometries in longitude and latitude. At the scale of an authority a plain equirectangular
projection at the map's mean latitude (x = longitude × cos φ₀, y = latitude) keeps shapes true to within a
fraction of a per cent, so no map library is needed; it is fitted into the map's box with one scale for both
directions (north up), centred, so the box is filled along one side and shapes keep their aspect.

Each shape is filled with a colour and, where colour alone would carry the meaning, a pattern or a label: the
key says what each means. Nothing here writes markup; templates/indicators/charts/area_map.html draws it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from shapely import MultiPolygon, Polygon
from shapely.geometry import shape
from shapely.ops import polylabel

from indicators.monitoring.charts.axes import FONT_SIZE, GAP, Box, Label

WIDTH = 600
SMALL_WIDTH = 360  # a map drawn at half the page's chart width: fewer units, so its labels stay readable
DETAIL = 1.2  # map units: finer steps than this are not worth their bytes
CONTEXT_DETAIL = 2.0  # and for the grey outlines around, which are there to give bearings
SURROUNDS = 0.35  # a focused map shows this share of the places' extent around them on each side
LABEL_SIZE = 13  # map units: the labels' font size (set on the map, not by the charts' stylesheet)
# A map is at least half as tall as it is wide, and at most square: a long thin place is framed, not drawn as
# a sliver.
MIN_ASPECT, MAX_ASPECT = 0.5, 1.0
MARGIN = 8


@dataclass(frozen=True)
class Projection:
    """Longitude and latitude to x and y in the map's box."""

    cos: float
    scale: float
    x0: float  # the box's x for longitude × cos = 0 is x0; x grows east
    y0: float  # and y for latitude 0 is y0; y grows south

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (self.x0 + lon * self.cos * self.scale, self.y0 - lat * self.scale)


def fit(bounds: Sequence[float], width: float, height: float, margin: float = MARGIN) -> Projection:
    """The projection that fits bounds (min lon, min lat, max lon, max lat) into width × height, centred."""
    min_lon, min_lat, max_lon, max_lat = bounds
    cos = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * cos, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
    mid_x, mid_y = (min_lon + max_lon) / 2 * cos, (min_lat + max_lat) / 2
    return Projection(cos, scale, width / 2 - mid_x * scale, height / 2 + mid_y * scale)


def height_for(bounds: Sequence[float], width: float = WIDTH) -> int:
    """A box height that suits the places' shape: as tall as their aspect asks, within limits."""
    min_lon, min_lat, max_lon, max_lat = bounds
    cos = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * cos, 1e-9)
    aspect = (max_lat - min_lat) / span_x
    return int(min(MAX_ASPECT * width, max(MIN_ASPECT * width, round((width - 2 * MARGIN) * aspect + 2 * MARGIN))))


def _tenths(value: int) -> str:
    """A number of tenths, as short as SVG reads it: 12 -> '1.2', -5 -> '-.5', 30 -> '3'."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    text = str(whole) if not tenth else f"{whole or ''}.{tenth}"
    return sign + text


def _numbers(values: Iterable[int]) -> str:
    out = ""
    for value in values:
        text = _tenths(value)
        out += text if not out or text[0] == "-" else " " + text  # a minus sign separates by itself
    return out


def _ring(points: Iterable[Sequence[float]], project: Projection) -> str:
    """One closed ring as 'Mx y' then relative steps 'ldx dy…' and 'Z', in tenths of a unit (a point only where
    it moves that far), which keeps a map of a few hundred areas small."""
    spots: list[tuple[int, int]] = []
    for lon, lat, *_ in points:
        x, y = project(lon, lat)
        spot = (round(x * 10), round(y * 10))
        if not spots or spot != spots[-1]:
            spots.append(spot)
    if len(spots) > 1 and spots[0] == spots[-1]:
        spots.pop()
    if len(spots) < 3:
        return ""  # smaller than the drawing can show
    steps = [v for a, b in itertools.pairwise(spots) for v in (b[0] - a[0], b[1] - a[1])]
    return f"M{_numbers(spots[0])}l{_numbers(steps)}Z"


def polygons(geometry: Mapping | Polygon | MultiPolygon) -> list[Polygon]:
    """The polygons of a GeoJSON geometry or a shapely one; nothing for anything else."""
    geom = geometry if isinstance(geometry, (Polygon, MultiPolygon)) else shape(geometry)
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for g in getattr(geom, "geoms", ()) if isinstance(g, Polygon)]


def path_data(geometry: Mapping | Polygon | MultiPolygon, project: Projection, detail: float = 0) -> str:
    """SVG path data for a polygon or multipolygon: each ring a closed subpath, holes included, to be filled
    with fill-rule evenodd so that holes stay empty. detail: the least step worth drawing, in map units (the
    outline is simplified to it, so a large authority's map stays small)."""
    rings = []
    for polygon in polygons(geometry):
        if detail:
            polygon = polygon.simplify(detail / project.scale, preserve_topology=True)
        rings.append(_ring(polygon.exterior.coords, project))
        rings.extend(_ring(hole.coords, project) for hole in polygon.interiors)
    return "".join(r for r in rings if r)


def label_at(geometry: Mapping | Polygon | MultiPolygon, project: Projection) -> tuple[float, float]:
    """Where a label sits: well inside the largest part (the point farthest from its edges), projected."""
    parts = polygons(geometry)
    if not parts:
        raise ValueError("no polygon to label")
    largest = max(parts, key=lambda p: p.area)
    point = polylabel(largest, tolerance=largest.length / 200 or 1e-6)
    x, y = project(point.x, point.y)
    return round(x, 1), round(y, 1)


def place_labels(
    texts: Sequence[str], spots: Sequence[tuple[float, float]], width: float, height: float
) -> list[Label | None]:
    """A label at each spot, centred on it, unless it would leave the box or touch one already placed: the
    first come keep theirs, so callers put the places that matter most first."""
    placed: list[Box] = []
    labels: list[Label | None] = []
    for text, (x, y) in zip(texts, spots, strict=True):
        label = Label(x, round(y + LABEL_SIZE * 0.35, 1), (text,), "middle")
        box = _scaled(label.box, x, LABEL_SIZE / FONT_SIZE)
        inside = box.left >= 0 and box.right <= width and box.top >= 0 and box.bottom <= height
        if text and inside and not any(box.intersects(other, GAP / 2) for other in placed):
            placed.append(box)
            labels.append(label)
        else:
            labels.append(None)
    return labels


def surrounds(bounds: Sequence[float], share: float = SURROUNDS) -> tuple[float, float, float, float]:
    """The bounds grown on every side by a share of their larger extent (east-west shortened by latitude)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    cos = math.cos(math.radians((min_lat + max_lat) / 2))
    pad = share * max((max_lon - min_lon) * cos, max_lat - min_lat, 0.002)
    return (min_lon - pad / cos, min_lat - pad, max_lon + pad / cos, max_lat + pad)


def _overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _scaled(box: Box, x: float, factor: float) -> Box:
    # Label.box measures text at the charts' font size; map labels are smaller, so narrower about x.
    return Box(x + (box.left - x) * factor, box.top, x + (box.right - x) * factor, box.bottom)


def bounds_of(geometries: Iterable[Mapping | Polygon | MultiPolygon]) -> tuple[float, float, float, float]:
    boxes = [p.bounds for g in geometries for p in polygons(g)]
    if not boxes:
        raise ValueError("no outline to draw")
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


# --- A map: shapes in categories, with a key -----------------------------------------------------------------


@dataclass(frozen=True)
class KeyItem:
    key: str
    label: str
    fill: str
    pattern: str = ""  # "hatch", "dots" or "cross": drawn over the fill, so colour is never the only cue
    count: int = 0
    phrase: str = ""  # how the summary counts it ("in decile 1"); the label in lower case if empty

    @property
    def counted(self) -> str:
        return f"{self.count} {self.phrase or self.label.lower()}"


@dataclass(frozen=True)
class Shape:
    name: str
    path: str
    item: KeyItem
    label: Label | None
    href: str = ""

    @property
    def description(self) -> str:
        return f"{self.name}: {self.item.label}"


@dataclass(frozen=True)
class AreaMap:
    id: str
    title: str
    summary: str
    width: int
    height: int
    context: str  # path data of the places drawn only in outline
    shapes: tuple[Shape, ...]
    key: tuple[KeyItem, ...]
    table_href: str
    linked: bool
    small: bool = False  # drawn at half the page's chart width, beside text
    folded: bool = False  # behind its title, opened on demand: one of many maps on a page

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(sorted({i.pattern for i in self.key if i.pattern}))


def area_map(spec: Mapping, width: int | None = None) -> AreaMap | None:
    """spec: id, title, noun (what the shapes are, plural), key [{key, label, fill, pattern?}], areas [{name,
    geometry, category, label?, href?}] in order of importance, context [geometries] drawn in outline,
    table_href? (a table with the same figures elsewhere on the page), focus? (a share of the areas' extent to
    show around them, rather than the whole context), small? (half width), folded? (behind its title). None
    when no area has an outline."""
    areas = [a for a in spec["areas"] if a.get("geometry") and polygons(a["geometry"])]
    if not areas:
        return None
    context = [g for g in spec.get("context", ()) if g]
    width = width or (SMALL_WIDTH if spec.get("small") else WIDTH)
    if spec.get("focus"):
        frame = surrounds(bounds_of([a["geometry"] for a in areas]), float(spec["focus"]))
        context = [g for g in context if _overlaps(bounds_of([g]), frame)]
        # No blank margin where the authority ends (a coast, its border): framed only where there is something.
        drawn = bounds_of([a["geometry"] for a in areas] + context)
        bounds = (max(frame[0], drawn[0]), max(frame[1], drawn[1]), min(frame[2], drawn[2]), min(frame[3], drawn[3]))
    else:
        bounds = bounds_of([a["geometry"] for a in areas] + context)
    height = height_for(bounds, width)
    project = fit(bounds, width, height)
    items = {i["key"]: i for i in spec["key"]}
    counts = {key: sum(1 for a in areas if a["category"] == key) for key in items}
    key = tuple(
        KeyItem(k, i["label"], i["fill"], i.get("pattern", ""), counts[k], i.get("phrase", ""))
        for k, i in items.items()
    )
    by_key = {i.key: i for i in key}
    spots = [label_at(a["geometry"], project) for a in areas]
    labels = place_labels([str(a.get("label") or "") for a in areas], spots, width, height)
    shapes = tuple(
        Shape(
            str(a["name"]),
            path_data(a["geometry"], project, DETAIL),
            by_key[a["category"]],
            label,
            str(a.get("href") or ""),
        )
        for a, label in zip(areas, labels, strict=True)
    )
    return AreaMap(
        id=str(spec["id"]),
        title=str(spec["title"]),
        summary=summary(str(spec["noun"]), key, len(context), spec.get("context_noun", "")),
        width=width,
        height=height,
        context="".join(path_data(g, project, CONTEXT_DETAIL) for g in context),
        shapes=shapes,
        key=tuple(i for i in key if i.count),
        table_href=str(spec.get("table_href") or ""),
        linked=any(s.href for s in shapes),
        small=bool(spec.get("small")),
        folded=bool(spec.get("folded")),
    )


def summary(noun: str, key: Sequence[KeyItem], context: int, context_noun: str = "") -> str:
    """What the map shows in words: how many shapes of each kind, and what is drawn only in outline."""
    total = sum(i.count for i in key)
    parts = [i.counted for i in key if i.count]
    text = f"{total} {noun}: " + ", ".join(parts) + "."
    if context and context_noun:
        text += f" The {context_noun} around them are drawn in grey outline."
    return text
