"""The geometry of the maps drawn from outlines: projection, path data, labels, and a whole map's key."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely import Polygon

from indicators.monitoring.charts import maps

LEEDS = (-1.80, 53.70, -1.29, 53.95)  # about the authority's extent


def _square(lon, lat, size=0.01, hole=False):
    outer = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    rings = [outer]
    if hole:
        q = size / 4
        rings.append([[lon + q, lat + q], [lon + 3 * q, lat + q], [lon + 3 * q, lat + 3 * q], [lon + q, lat + q]])
    return {"type": "Polygon", "coordinates": rings}


def test_corners_land_on_the_box_and_north_is_up():
    project = maps.fit(LEEDS, 480, 480, margin=10)
    (x0, y0), (x1, y1) = project(LEEDS[0], LEEDS[1]), project(LEEDS[2], LEEDS[3])
    # Leeds is wider than tall at this latitude: in a square it fills the width, centred up and down.
    assert (x0, x1) == (pytest.approx(10), pytest.approx(470))
    assert y0 > y1  # the south edge is lower on the page
    assert y0 - y1 == pytest.approx(460 * 0.25 / (0.51 * math.cos(math.radians(53.825))))
    centre = project((LEEDS[0] + LEEDS[2]) / 2, (LEEDS[1] + LEEDS[3]) / 2)
    assert centre == (pytest.approx(240), pytest.approx(240))


def test_one_scale_both_ways_shortened_east_west_by_the_latitude():
    project = maps.fit(LEEDS, 480, 480)
    east = project(-1.5 + 0.1, 53.8)[0] - project(-1.5, 53.8)[0]
    north = project(-1.5, 53.8)[1] - project(-1.5, 53.8 + 0.1)[1]
    assert east / north == pytest.approx(math.cos(math.radians(53.825)))


@given(
    lon=st.floats(-6, 1.5),
    lat=st.floats(49.9, 55.8),
    width=st.floats(0.001, 2),
    height=st.floats(0.001, 2),
    box=st.tuples(st.integers(100, 900), st.integers(100, 900)),
)
def test_any_extent_in_england_fills_the_box_along_one_side_aspect_kept(lon, lat, width, height, box):
    bounds = (lon, lat, lon + width, lat + height)
    w, h = box
    project = maps.fit(bounds, w, h, margin=5)
    (x0, y0), (x1, y1) = project(bounds[0], bounds[1]), project(bounds[2], bounds[3])
    assert 5 - 1e-6 <= x0 <= x1 <= w - 5 + 1e-6
    assert 5 - 1e-6 <= y1 <= y0 <= h - 5 + 1e-6
    assert max(x1 - x0 - (w - 10), y0 - y1 - (h - 10)) == pytest.approx(0, abs=1e-6)  # one side is filled
    cos = math.cos(math.radians(lat + height / 2))
    assert (x1 - x0) / (y0 - y1) == pytest.approx(width * cos / height, rel=1e-6)


def test_height_follows_the_places_shape_within_limits():
    inner = maps.WIDTH - 2 * maps.MARGIN
    assert maps.height_for(LEEDS) == round(inner * 0.25 / (0.51 * math.cos(math.radians(53.825))) + 2 * maps.MARGIN)
    assert maps.height_for((0, 50, 0.001, 51)) == maps.WIDTH  # a tall sliver: square
    assert maps.height_for((0, 50, 1, 50.001), 360) == 180  # a wide one: half as tall as wide


@pytest.mark.parametrize(("tenths", "text"), [(12, "1.2"), (-5, "-.5"), (30, "3"), (0, "0"), (-1234, "-123.4")])
def test_numbers_are_written_short(tenths, text):
    assert maps._tenths(tenths) == text
    assert maps._numbers([tenths, -tenths or 1]).startswith(text)


def test_path_data_closes_each_ring_and_keeps_holes():
    project = maps.fit((0, 50, 1, 51), 100, 100, margin=0)
    data = maps.path_data(_square(0, 50, 1, hole=True), project)
    rings = re.findall(r"M[^Z]*Z", data)
    assert len(rings) == 2
    # A square degree at 50.5° north is narrower than tall; centred in the box.
    half = 50 * math.cos(math.radians(50.5))
    a, b = f"{50 - half:.1f}", f"{50 + half:.1f}"
    assert rings[0] == f"M{a} 100l{float(b) - float(a):.1f} 0 0-100-{float(b) - float(a):.1f} 0Z"  # steps from there
    assert rings[1].startswith(f"M{50 - half / 2:.1f} 75")


def test_multipolygons_draw_every_part_and_tiny_rings_are_left_out():
    project = maps.fit((0, 50, 2, 51), 200, 100, margin=0)
    geometry = {
        "type": "MultiPolygon",
        "coordinates": [_square(0, 50, 1)["coordinates"], _square(1.5, 50, 0.5)["coordinates"]],
    }
    assert maps.path_data(geometry, project).count("M") == 2
    speck = Polygon([(0, 50), (0.00001, 50), (0.00001, 50.00001)])
    assert maps.path_data(speck, project) == ""


def test_detail_simplifies_to_what_the_map_can_show():
    wobbly = Polygon([(i / 1000, 50 + (i % 2) / 1000) for i in range(1001)] + [(1, 51), (0, 51)])
    project = maps.fit(wobbly.bounds, 480, 480)

    def points(data):
        return len(re.findall(r"-?\d*\.?\d+", data)) / 2

    assert points(maps.path_data(wobbly, project)) > 1000  # every wobble, half a unit high
    assert points(maps.path_data(wobbly, project, detail=1.2)) < 10


def test_labels_sit_inside_the_shape_and_never_touch():
    project = maps.fit((0, 50, 1, 51), 200, 200, margin=0)
    # An L-shape: its centroid falls outside it; the label must not.
    ell = Polygon([(0, 50), (1, 50), (1, 50.2), (0.2, 50.2), (0.2, 51), (0, 51)])
    x, y = maps.label_at(ell, project)
    assert x < 40 or y > 160  # in one of the arms
    labels = maps.place_labels(
        ["Swarcliffe", "Seacroft", "", "Far"], [(100, 50), (105, 52), (90, 90), (199, 10)], 200, 200
    )
    assert labels[0] is not None
    assert labels[1] is None  # would cover the first
    assert labels[2] is None  # nothing to say
    assert labels[3] is None  # would leave the box


def _spec(**changes):
    spec = {
        "id": "m",
        "title": "Neighbourhoods",
        "noun": "neighbourhoods",
        "key": [
            {"key": "up", "label": "Improving", "fill": "#1d70b8"},
            {"key": "down", "label": "Falling behind", "fill": "#d4351c", "pattern": "hatch"},
            {"key": "none", "label": "No figure", "fill": "#ffffff", "pattern": "dots"},
        ],
        "areas": [
            {"name": "A", "geometry": _square(-1.5, 53.8), "category": "up", "label": "A", "href": "/a/"},
            {"name": "B", "geometry": _square(-1.4, 53.8), "category": "none", "label": "B"},
            {"name": "C", "geometry": None, "category": "down"},
        ],
        "context": [_square(-1.45, 53.85)],
        "context_noun": "other small areas",
    }
    spec.update(changes)
    return spec


def test_a_map_counts_its_key_says_it_in_words_and_links_its_shapes():
    drawn = maps.area_map(_spec())
    assert [(i.label, i.count) for i in drawn.key] == [("Improving", 1), ("No figure", 1)]  # C has no outline
    assert drawn.summary == (
        "2 neighbourhoods: 1 improving, 1 no figure. The other small areas around them are drawn in grey outline."
    )
    assert drawn.patterns == ("dots",)
    assert drawn.linked
    assert [s.description for s in drawn.shapes] == ["A: Improving", "B: No figure"]
    assert drawn.context.startswith("M")


def test_no_outline_no_map():
    assert maps.area_map(_spec(areas=[{"name": "C", "geometry": None, "category": "up"}])) is None


def test_a_focused_map_frames_its_areas_and_only_the_surroundings_that_exist():
    spec = _spec(focus=0.5, areas=[{"name": "A", "geometry": _square(-1.5, 53.8), "category": "up"}])
    spec["context"] = [_square(-1.51, 53.8), _square(-1.2, 53.8)]  # a neighbour to the west, one far east
    drawn = maps.area_map(spec)
    assert drawn.context.count("M") == 1  # the far one is left out
    # Nothing lies north, south or east of A: the map ends at A's edges there, and half A's height to the west.
    west = -1.5 - 0.5 * 0.01 / math.cos(math.radians(53.805))
    assert drawn.height == maps.height_for((west, 53.8, -1.49, 53.81))
    assert drawn.height != maps.height_for(maps.surrounds((-1.5, 53.8, -1.49, 53.81), 0.5))
