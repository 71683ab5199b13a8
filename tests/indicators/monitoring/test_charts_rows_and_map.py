"""The geometry of the bar and interval rows and of the small areas' map."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.monitoring.charts import dot_map as maps
from indicators.monitoring.charts.rows import BENCHMARK, INTERVAL, MEAN, bar_rows, interval_rows

# --- Bars and intervals ----------------------------------------------------------------------------------


def test_a_bar_is_as_long_as_its_share_held_to_the_track():
    rows = bar_rows(
        [
            {"label": "Leeds", "value": 56.4},
            {"label": "Over", "value": 120},
            {"label": "Under", "value": -3},
            {"label": "None", "value": None, "note": "no LSOA with figures"},
            {"label": "Bare", "value": None},
        ]
    )
    assert [(r.value, [m.width for m in r.marks]) for r in rows] == [
        ("56%", [56.4]),
        ("120%", [100.0]),
        ("-3%", [0.0]),
        ("no LSOA with figures", []),
        ("no figure", []),
    ]


def test_an_interval_row_draws_the_interval_then_the_benchmark_then_the_score():
    (row,) = interval_rows([{"label": "Aspiration", "mean": 48.2, "low": 40, "high": 55, "benchmark": 47}])
    interval, benchmark, mean = row.marks
    assert (row.value, row.note) == ("48", "")
    assert (interval.fill, interval.x, interval.width) == (INTERVAL, 40, 15)
    assert (benchmark.fill, benchmark.x + benchmark.width / 2) == (BENCHMARK, pytest.approx(47))
    assert (mean.fill, mean.x + mean.width / 2) == (MEAN, pytest.approx(48.2))


def test_an_interval_of_nothing_still_shows_and_stays_on_the_track():
    (nil, edge) = interval_rows(
        [
            {"label": "a", "mean": 50, "low": 50, "high": 50},
            {"label": "b", "mean": 99, "low": 97, "high": 104, "benchmark": 130},
        ]
    )
    assert nil.marks[0].width == 0.3  # a least width, or it would vanish
    assert len(nil.marks) == 2  # no benchmark, no tick
    interval, benchmark, _ = edge.marks
    assert interval.x + interval.width == 100
    assert benchmark.x + benchmark.width / 2 == pytest.approx(100)


def test_a_withheld_or_missing_score_says_why_instead_of_a_track():
    withheld, missing = interval_rows(
        [
            {"label": "a", "mean": 3, "low": 1, "high": 5, "withheld": True, "note": "Withheld: fewer than 10"},
            {"label": "b", "mean": None, "note": ""},
        ]
    )
    assert (withheld.note, withheld.value, withheld.marks) == ("Withheld: fewer than 10", "", ())
    assert (missing.note, missing.value) == ("no figure", "")


# --- The map ---------------------------------------------------------------------------------------------


def point(label, lat, lon, decile=1):
    return {"label": label, "lat": lat, "lon": lon, "decile": decile}


def test_no_position_no_map():
    assert maps.dot_map({"id": "m", "title": "t", "points": []}) is None
    assert maps.dot_map({"id": "m", "title": "t", "points": [point("a", None, -1.5)]}) is None


def test_the_map_keeps_one_scale_for_both_directions_at_the_mean_latitude():
    # 0.01 degrees of longitude at 60°N is half as far as 0.01 of latitude.
    (a, b, c) = maps.project([(60.0, 0.0), (60.0, 0.01), (60.01, 0.0)])
    east = math.dist(a, b)
    north = math.dist(a, c)
    assert east / north == pytest.approx(math.cos(math.radians(60.005)), rel=1e-2)
    assert c[1] < a[1]  # north is up


def test_a_single_area_sits_in_the_middle():
    chart = maps.dot_map({"id": "m", "title": "t", "points": [point("E01000001", 53.8, -1.5, 3)]})
    (dot,) = chart.dots
    assert (dot.x, dot.y) == (maps.SIZE / 2, maps.SIZE / 2)
    assert dot.fill == maps.SHADES[2]
    assert dot.label.text == "E01000001"
    assert chart.summary.startswith("1 small area,")


def test_shades_run_from_the_most_deprived_and_an_unknown_decile_is_the_least():
    assert maps.shade(1) == maps.SHADES[0]
    assert maps.shade(None) == maps.SHADES[-1]


def test_a_label_near_the_right_edge_goes_to_the_left_of_its_dot():
    chart = maps.dot_map({"id": "m", "title": "t", "points": [point("west", 53.8, -1.6), point("east", 53.8, -1.5)]})
    west, east = chart.dots
    assert west.label.anchor == "start"
    assert east.label.anchor == "end"
    assert east.label.x < east.x


centroids = st.lists(
    st.tuples(st.floats(min_value=53.7, max_value=53.75), st.floats(min_value=-1.6, max_value=-1.55)),
    min_size=1,
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(centroids)
def test_dots_stay_on_the_map_and_labels_cover_no_dot_or_label(spots):
    points = [point(f"E0101{i:04d}", lat, lon, i % 10 + 1) for i, (lat, lon) in enumerate(spots)]
    chart = maps.dot_map({"id": "m", "title": "t", "points": points})
    for dot in chart.dots:
        assert maps.MARGIN - 0.1 <= dot.x <= chart.size - maps.MARGIN + 0.1
        assert maps.MARGIN - 0.1 <= dot.y <= chart.size - maps.MARGIN + 0.1
    labels = [d.label.box for d in chart.dots if d.label]
    for i, box in enumerate(labels):
        assert box.left >= 0
        assert box.right <= chart.size
        assert box.top >= 0
        assert box.bottom <= chart.size
        assert not any(box.intersects(other) for other in labels[i + 1 :])
        assert not any(box.intersects(d.box) for d in chart.dots)
