"""Loading small areas' outlines from ONS boundary files (GeoJSON, generalised clipped, CRS84).

Any kind of area: LSOA 2011 or 2021, MSOA, ward. Each outline is simplified with shapely and stored on the small
area of the same code, with a centre where the area has none. Areas the file holds and Rebalance does not are
counted, not created. The file is read feature by feature (a national file is hundreds of megabytes); it is
checked whole before anything is written, so a broken file changes nothing.
"""

from __future__ import annotations

import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TextIO

import shapely
from django.db import transaction
from shapely.geometry import mapping, shape

from indicators.official.importing.files import ImportFileError, open_decompressed
from indicators.places.models import SmallArea
from indicators.places.selectors import area_ids_by_code

# The property that holds each kind's code, as the ONS names it (wards carry the year: WD22CD, WD25CD).
KINDS = {
    "lsoa11": re.compile(r"^LSOA11CD$"),
    "lsoa21": re.compile(r"^LSOA21CD$"),
    "msoa": re.compile(r"^MSOA(11|21)CD$"),
    "ward": re.compile(r"^WD\d\dCD$"),
}
# The kinds of area each file kind may name (an MSOA's code mostly outlived 2011: either boundary set).
AREA_KINDS = {
    "lsoa11": [SmallArea.Kind.LSOA11],
    "lsoa21": [SmallArea.Kind.LSOA21],
    "msoa": [SmallArea.Kind.MSOA21, SmallArea.Kind.MSOA11],
    "ward": [SmallArea.Kind.WARD],
}
CODE = re.compile(r"^[EW]\d{8}$")
# Degrees: about 10 m on the ground, far finer than a map of a neighbourhood or an authority can show.
DEFAULT_TOLERANCE = 0.0001
PRECISION = 1e-5  # coordinates kept to about a metre
CHUNK = 1 << 16
BATCH = 500


@dataclass(frozen=True)
class Outline:
    code: str
    boundary: dict
    latitude: Decimal
    longitude: Decimal


@dataclass
class BoundaryImportResult:
    kind: str
    features: int = 0
    updated: int = 0
    centres_added: int = 0
    not_held: int = 0
    not_held_sample: list[str] = field(default_factory=list)


class _Scanner:
    """A JSON text read a chunk at a time: whole values are decoded with the standard library's decoder."""

    def __init__(self, handle: TextIO):
        self.handle = handle
        self.buffer = ""
        self.pos = 0
        self.lines_before = 1  # the line the buffer starts on
        self.eof = False
        self.decoder = json.JSONDecoder()

    @property
    def line(self) -> int:
        return self.lines_before + self.buffer.count("\n", 0, self.pos)

    def _more(self, size: int = CHUNK) -> bool:
        if self.eof:
            return False
        chunk = self.handle.read(size)
        if not chunk:
            self.eof = True
            return False
        self.lines_before += self.buffer.count("\n", 0, self.pos)
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return ""

    def expect(self, chars: str, what: str) -> str:
        char = self.peek()
        if not char or char not in chars:
            found = f"'{char}'" if char else "the end of the file"
            raise ImportFileError(f"expected {what}, found {found}: the file is not GeoJSON or is cut short", self.line)
        self.pos += 1
        return char

    def value(self, what: str):
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                # A value cut by the chunk's end decodes once more is read (as much again as is held, so that a
                # huge outline is parsed a few times, not once per chunk); at the end of the file it is broken.
                if self._more(max(CHUNK, len(self.buffer) - self.pos)):
                    continue
                raise ImportFileError(f"{what} is not valid JSON ({exc.msg})", self.line) from exc
            # A number at the very end of the buffer may go on in the next chunk.
            if end == len(self.buffer) and not isinstance(value, (dict, list, str)) and self._more():
                continue
            self.pos = end
            return value


def read_features(handle: TextIO) -> Iterator[dict]:
    """Each feature of a GeoJSON FeatureCollection, in order, without holding the whole file."""
    scan = _Scanner(handle)
    scan.expect("{", "a GeoJSON object ('{')")
    if scan.peek() == "}":
        raise ImportFileError("the GeoJSON object has no features", scan.line)
    seen_features = False
    while True:
        key = scan.value("a key")
        if not isinstance(key, str):
            raise ImportFileError("expected a key in quotes", scan.line)
        scan.expect(":", "':' after a key")
        if key == "features":
            seen_features = True
            yield from _array(scan)
        else:
            top = scan.value(f"the value of '{key}'")
            if key == "type" and top != "FeatureCollection":
                raise ImportFileError(f"this is a GeoJSON {top}, not a FeatureCollection", scan.line)
        if scan.expect(",}", "',' or '}'") == "}":
            break
    if not seen_features:
        raise ImportFileError("the GeoJSON object has no 'features'", scan.line)


def _array(scan: _Scanner) -> Iterator[dict]:
    scan.expect("[", "a list of features ('[')")
    if scan.peek() == "]":
        scan.pos += 1
        return
    index = 0
    while True:
        feature = scan.value(f"feature {index}")
        if not isinstance(feature, dict):
            raise ImportFileError(f"feature {index} is not an object", scan.line)
        yield feature
        index += 1
        if scan.expect(",]", "',' or ']' after a feature") == "]":
            return


def _open(source: str | Path) -> TextIO:
    # Streamed: a national GeoJSON is often one line, so only its decompressed size is capped.
    return io.TextIOWrapper(open_decompressed(Path(source)), encoding="utf-8-sig")


def _code_key(properties: dict, kind: str) -> str | None:
    pattern = KINDS[kind]
    return next((k for k in properties if pattern.match(k)), None)


def _kind_of(properties: dict) -> str | None:
    return next((kind for kind in KINDS if _code_key(properties, kind)), None)


def outline(feature: dict, index: int, key: str, tolerance: float, *, check_code: bool = True) -> Outline:
    """One feature's code, simplified outline and centre; an ImportFileError that names it when it is broken.
    (``check_code`` False: the caller has checked the code against its kind, e.g. a custom area's own code.)"""
    properties = feature.get("properties") or {}
    code = str(properties.get(key) or "").strip()
    where = f"feature {index}" + (f" ({code})" if code else "")
    if check_code and not CODE.match(code):
        raise ImportFileError(f"{where}: '{code}' in {key} is not an ONS area code (E or W and eight digits)")
    try:
        geometry = shape(feature.get("geometry") or {})
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException) as exc:
        raise ImportFileError(f"{where}: the geometry cannot be read ({exc})") from exc
    if geometry.is_empty:
        raise ImportFileError(f"{where}: the geometry is empty (no outline)")
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise ImportFileError(f"{where}: the geometry is a {geometry.geom_type}, not a polygon")
    if not geometry.is_valid:
        # A ring that crosses itself: mended into the polygons it encloses (any stray lines are dropped).
        geometry = _polygonal(shapely.make_valid(geometry))
    simple = _polygonal(shapely.set_precision(geometry.simplify(tolerance, preserve_topology=True), PRECISION))
    if simple.is_empty or simple.area == 0:
        raise ImportFileError(f"{where}: the outline has no area")
    lat, lon = properties.get("LAT"), properties.get("LONG")
    if not (isinstance(lat, (int, float)) and isinstance(lon, (int, float))):
        point = geometry.representative_point()
        lat, lon = point.y, point.x
    return Outline(code, mapping(simple), Decimal(f"{lat:.5f}"), Decimal(f"{lon:.5f}"))


def _polygonal(geometry):
    """A polygon or multipolygon made of the polygons in any geometry."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = []
    for part in getattr(geometry, "geoms", ()):
        if part.geom_type == "Polygon":
            parts.append(part)
        elif part.geom_type == "MultiPolygon":
            parts.extend(part.geoms)
    return shapely.MultiPolygon(parts)


def _as_json(geometry: dict) -> dict:
    # shapely's mapping gives tuples; a JSONField compares and stores lists.
    return json.loads(json.dumps(geometry))


def read_outlines(source: str | Path, *, kind: str | None, tolerance: float) -> tuple[str, list[Outline]]:
    outlines: list[Outline] = []
    seen: dict[str, int] = {}
    key = None
    try:
        with _open(source) as handle:
            for index, feature in enumerate(read_features(handle)):
                if key is None:
                    properties = feature.get("properties") or {}
                    kind = kind or _kind_of(properties)
                    key = _code_key(properties, kind) if kind else None
                    if key is None:
                        wanted = KINDS[kind].pattern.strip("^$") if kind else "LSOA11CD, LSOA21CD, MSOAnnCD or WDnnCD"
                        raise ImportFileError(
                            f"feature 0 has no {wanted} property to give its area's code "
                            f"(its properties: {', '.join(properties) or 'none'})"
                        )
                area = outline(feature, index, key, tolerance)
                if area.code in seen:
                    raise ImportFileError(
                        f"feature {index}: {area.code} appears twice (first as feature {seen[area.code]})"
                    )
                seen[area.code] = index
                outlines.append(area)
    except (EOFError, OSError, zlib.error) as exc:
        raise ImportFileError(f"the gzip file is damaged or cut short ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError("the file is not UTF-8 text") from exc
    if not outlines:
        raise ImportFileError("the file holds no features")
    return kind or "", outlines


def boundaries_import(
    *,
    source: str | Path,
    kind: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Callable[[int, int], None] | None = None,
) -> BoundaryImportResult:
    """Store the outlines of the areas in an ONS GeoJSON file on the small areas of the same codes."""
    if kind is not None and kind not in KINDS:
        raise ImportFileError(f"unknown kind of area '{kind}' (known: {', '.join(KINDS)})")
    if not tolerance >= 0:
        raise ImportFileError(f"the tolerance must be zero or more degrees, not {tolerance}")
    kind, outlines = read_outlines(source, kind=kind, tolerance=tolerance)
    result = BoundaryImportResult(kind=kind, features=len(outlines))
    with transaction.atomic():
        for start in range(0, len(outlines), BATCH):
            _store(outlines[start : start + BATCH], result, AREA_KINDS[kind])
            if progress:
                progress(min(start + BATCH, len(outlines)), len(outlines))
    return result


def _store(batch: list[Outline], result: BoundaryImportResult, kinds: list[str]) -> None:
    ids = area_ids_by_code([o.code for o in batch], kinds=kinds)
    held = {a.code: a for a in SmallArea.objects.filter(pk__in=ids.values())}
    changed = []
    for item in batch:
        area = held.get(item.code)
        if area is None:
            result.not_held += 1
            if len(result.not_held_sample) < 5:
                result.not_held_sample.append(item.code)
            continue
        area.boundary = _as_json(item.boundary)
        if area.latitude is None or area.longitude is None:
            area.latitude, area.longitude = item.latitude, item.longitude
            result.centres_added += 1
        changed.append(area)
    SmallArea.objects.bulk_update(changed, ["boundary", "latitude", "longitude"])
    result.updated += len(changed)
