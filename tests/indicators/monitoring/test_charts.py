"""Chart geometry: scales, ticks, positions and labels, with the no-overlap property for axis labels."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.monitoring.charts import axes, lines
from indicators.monitoring.charts.axes import CHAR_WIDTH, MINUS, Label, Scale, nice_ticks, wrap
from indicators.monitoring.charts.lines import line_chart, y_domain

# Every line chart on the pages is drawn at 640; the narrower ones are what a page could ask for.
WIDTHS = (640, 400, 320)
MONTHS = [dt.date(2013 + i // 12, i % 12 + 1, 1).strftime("%b %Y") for i in range(156)]
WAVES = ["Spring 2024 (synthetic responses)", "Spring 2025 (synthetic responses)", "Demo wave (synthetic responses)"]


def spec(x, *series, **extra):
    return {
        "id": "c",
        "title": "A chart",
        "x": x,
        "series": [{"name": f"s{i}", "values": v} for i, v in enumerate(series)],
    } | extra


def assert_labels_keep_apart(chart):
    labels = [*chart.x_labels, *(g.label for g in chart.grid if g.label)]
    for i, a in enumerate(labels):
        assert a.box.left >= 0, a
        assert a.box.right <= chart.width, a
        for b in labels[i + 1 :]:
            assert not a.box.intersects(b.box), (a, b)


# --- Scales and ticks ------------------------------------------------------------------------------------


def test_a_scale_maps_the_ends_of_its_domain_to_the_ends_of_its_range():
    y = Scale(-3, 1, 236, 14)  # y runs downwards
    assert y(-3) == 236
    assert y(1) == 14
    assert y(-1) == 125
    assert Scale(5, 5, 56, 620)(5) == 338  # a domain of one value sits in the middle


@pytest.mark.parametrize(
    ("low", "high"),
    [(0, 100), (3.9, 16.2), (-2.7, 0.4), (-12, -3), (0.001, 0.0042), (5, 5), (0, 0), (-7, -7), (1e6, 3.4e6)],
)
def test_ticks_are_round_evenly_spaced_and_cover_the_data(low, high):
    ticks = nice_ticks(low, high)
    values = ticks.values
    assert values[0] <= low
    assert values[-1] >= high
    assert values[-1] > values[0]
    assert 3 <= len(values) <= 8
    mantissa = ticks.step / 10 ** math.floor(math.log10(ticks.step))
    assert round(mantissa, 9) in (1, 2, 2.5, 5)
    for a, b in itertools.pairwise(values):
        assert b - a == pytest.approx(ticks.step)
    assert all(round(v / ticks.step, 6) == round(v / ticks.step) for v in values)


def test_tick_texts_have_one_number_of_decimals_and_a_real_minus_sign():
    ticks = nice_ticks(-2.7, 0.4)
    assert [ticks.text(v) for v in ticks.values] == [f"{MINUS}3", f"{MINUS}2", f"{MINUS}1", "0", "1"]
    quarters = nice_ticks(-0.6, 0.4)
    assert [quarters.text(v) for v in quarters.values][:3] == [f"{MINUS}0.6", f"{MINUS}0.4", f"{MINUS}0.2"]
    assert "0.0" in [quarters.text(v) for v in quarters.values]  # never "−0.0"
    assert [nice_ticks(0, 1).text(v) for v in nice_ticks(0, 1).values] == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]


def test_the_y_domain_pads_below_stays_at_or_above_zero_for_rates_and_never_cuts_the_data():
    assert y_domain([4.0, 16.0]) == (pytest.approx(2.8), 16.0)
    assert y_domain([0.5, 16.0]) == (0.0, 16.0)  # a rate cannot be negative: no axis below zero
    assert y_domain([-2.7, 0.4]) == (pytest.approx(-3.01), 0.4)
    assert y_domain([5.0, 5.0]) == (4.0, 5.0)  # one value: a unit of room below it
    assert y_domain([40.0, 60.0], 0, 100) == (0, 100)
    assert y_domain([-5.0, 120.0], 0, 100) == (-5.0, 120.0)  # the data wins over the stated range


# --- Line charts ---------------------------------------------------------------------------------------


def test_nothing_to_draw_is_none():
    assert line_chart(spec([], [])) is None
    assert line_chart(spec(["a", "b"], [None, None])) is None


def test_the_plot_maps_the_outer_ticks_and_the_first_and_last_points_to_its_edges():
    chart = line_chart(spec(["a", "b", "c", "d"], [4.2, 9.1, 12.0, 15.5]))
    assert chart.ticks.values[0] <= 4.2
    assert chart.ticks.values[-1] >= 15.5
    assert chart.y(chart.ticks.values[0]) == chart.plot.bottom
    assert chart.y(chart.ticks.values[-1]) == chart.plot.top
    points = chart.series[0].points
    assert (points[0].x, points[-1].x) == (chart.plot.left, chart.plot.right)
    assert [g.y for g in chart.grid] == sorted((g.y for g in chart.grid), reverse=True)
    assert chart.series[0].path.startswith(f"M{chart.plot.left:.1f} ")


def test_negative_data_sits_inside_the_plot_with_zero_on_a_tick():
    chart = line_chart(spec(["a", "b", "c"], [0.4, -1.1, -2.7]))
    assert 0 in chart.ticks.values
    assert chart.ticks.values[0] < -2.7
    for p in chart.series[0].points:
        assert chart.plot.top <= p.y <= chart.plot.bottom
    assert chart.grid[0].label.text == f"{MINUS}4"  # −2.7 padded by a tenth of the range


def test_a_flat_series_and_a_zero_series_still_get_an_axis():
    flat = line_chart(spec(["a", "b"], [7.0, 7.0]))
    assert flat.ticks.values[0] < 7.0 <= flat.ticks.values[-1]
    zero = line_chart(spec(["a", "b"], [0, 0]))
    assert zero.ticks.values[0] == 0
    assert zero.ticks.values[-1] > 0
    assert zero.series[0].points[0].y == zero.plot.bottom


def test_a_single_point_is_a_marker_in_the_middle_with_its_label_under_it():
    chart = line_chart(spec(["Jan 2021"], [12.5]))
    (point,) = chart.series[0].points
    assert point.x == (chart.plot.left + chart.plot.right) / 2
    assert chart.series[0].path == ""
    assert len(chart.series[0].markers) == 1
    (label,) = chart.x_labels
    assert (label.x, label.anchor, label.text) == (point.x, "middle", "Jan 2021")


def test_missing_values_break_the_line_and_a_lone_point_keeps_its_marker():
    values = [1.0, 2.0, None, 3.0, None, *([4.0] * 30)]
    chart = line_chart(spec([str(i) for i in range(len(values))], values))
    series = chart.series[0]
    assert series.points[2] is None
    assert series.points[4] is None
    assert series.path.count("M") == 2  # 0-1 and 5-34; the lone point 3 is on no line
    assert len(series.markers) == 1  # too many points for markers, except the lone one
    assert series.markers[0].startswith(f"M{series.points[3].x - 4.5:.1f} ")


def test_a_series_with_no_figures_leaves_the_legend_and_the_others_keep_their_style():
    chart = line_chart(spec(["a", "b"], [None, None], [1.0, 2.0], [3.0, None]))
    assert [s.name for s in chart.series] == ["s1", "s2"]
    assert [s.style for s in chart.series] == [lines.STYLES[1], lines.STYLES[2]]


def test_intervals_are_drawn_beside_each_other_and_the_axis_holds_them():
    chart = line_chart(
        {
            "id": "f",
            "title": "t",
            "x": ["w1", "w2"],
            "y_min": 0,
            "y_max": 100,
            "series": [
                {"name": "here", "values": [48, 35], "low": [33, 21], "high": [64, 48]},
                {"name": "everyone", "values": [47, None], "style": 2},
            ],
        }
    )
    here, everyone = chart.series
    assert [g.value for g in chart.grid] == [0, 20, 40, 60, 80, 100]
    bar = here.error_bars[0]
    assert (bar.top, bar.bottom) == (round(chart.y(64), 1), round(chart.y(33), 1))
    assert bar.x == here.points[0].x == chart.plot.left - lines.SPREAD / 2
    assert everyone.points[0].x == chart.plot.left  # no interval, no shift


def test_x_labels_hang_inwards_at_the_ends_and_sit_under_the_axis():
    chart = line_chart(spec(["Jan 2019", "Jan 2020", "Jan 2021"], [1, 2, 3]))
    first, middle, last = chart.x_labels
    assert (first.anchor, first.x) == ("start", chart.plot.left)
    assert (middle.anchor, middle.x) == ("middle", (chart.plot.left + chart.plot.right) / 2)
    assert (last.anchor, last.x) == ("end", chart.plot.right)
    assert {label.y for label in chart.x_labels} == {chart.plot.bottom + lines.X_LABEL_DROP}


def test_monthly_labels_are_thinned_to_whole_years_and_always_show_the_latest():
    chart = line_chart(spec(MONTHS, [float(i % 7) for i in range(len(MONTHS))]))
    texts = [label.text for label in chart.x_labels]
    assert texts[-1] == MONTHS[-1]
    assert all(t.startswith("Jan ") for t in texts[:-1])
    assert 3 <= len(texts) <= axes.MAX_X_LABELS
    assert_labels_keep_apart(chart)


def test_long_wave_names_wrap_and_the_picture_grows_instead_of_the_plot_shrinking():
    chart = line_chart(spec(WAVES, [48, 35, 44], y_min=0, y_max=100))
    assert len(chart.x_labels) == 3
    assert next(label.lines for label in chart.x_labels) == ("Spring 2024", "(synthetic", "responses)")
    assert chart.height == lines.HEIGHT + axes.LINE_HEIGHT
    assert chart.plot.bottom == lines.HEIGHT - lines.BOTTOM
    assert max(label.box.bottom for label in chart.x_labels) <= chart.height
    assert_labels_keep_apart(chart)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "labels",
    [MONTHS, MONTHS[:40], WAVES, ["Wave 1", "Wave 2"], [str(y) for y in range(2001, 2025)], ["x" * 150, "y" * 150]],
    ids=["months", "40-months", "waves", "two-waves", "years", "unbroken"],
)
def test_no_two_labels_touch_at_the_widths_the_pages_use(labels, width):
    chart = line_chart(spec(labels, [float(i) for i in range(len(labels))]), width=width)
    assert chart.x_labels[-1].text.rstrip("…") in labels[-1]
    assert_labels_keep_apart(chart)


def test_a_wide_tick_label_widens_the_left_margin():
    chart = line_chart(spec(["a", "b"], [-12345.5, 10.0]))
    widest = max(len(g.label.text) for g in chart.grid if g.label) * CHAR_WIDTH
    assert chart.plot.left >= widest + 6
    assert_labels_keep_apart(chart)


def test_y_labels_are_thinned_when_the_plot_is_short():
    chart = line_chart(spec(["a", "b"], [0, 100]), height=lines.TOP + lines.BOTTOM + 60)
    labelled = [g for g in chart.grid if g.label]
    assert len(labelled) < len(chart.grid)
    assert_labels_keep_apart(chart)


def test_wrap_balances_lines_and_leaves_a_single_word_alone():
    assert wrap("Spring 2024 (synthetic responses)") == ("Spring 2024", "(synthetic responses)")
    assert wrap("Spring 2024 (synthetic responses)", 3) == ("Spring 2024", "(synthetic", "responses)")
    assert wrap("Census 2021", 3) == ("Census", "2021")
    assert wrap("E01011234", 3) == ("E01011234",)


def test_a_label_box_follows_its_anchor():
    width = 8 * CHAR_WIDTH
    assert Label(100, 50, ("Jan 2013",), "start").box.left == 100
    assert Label(100, 50, ("Jan 2013",), "end").box.right == 100
    box = Label(100, 50, ("Jan 2013", "x"), "middle").box
    assert (box.left, box.right) == (100 - width / 2, 100 + width / 2)
    assert box.bottom > 50 + axes.LINE_HEIGHT


# --- Properties over random data --------------------------------------------------------------------------

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789()/-", min_size=1, max_size=14)
label_texts = st.lists(words, min_size=1, max_size=6).map(" ".join)
figures = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False))


@settings(max_examples=150, deadline=None)
@given(
    labels=st.lists(label_texts, min_size=1, max_size=60),
    values=st.lists(figures, min_size=1, max_size=60),
    width=st.sampled_from(WIDTHS),
)
def test_any_chart_keeps_its_labels_apart_its_ticks_round_and_its_points_inside(labels, values, width):
    chart = line_chart(spec(labels, values[: len(labels)]), width=width)
    present = [v for v in values[: len(labels)] if v is not None]
    if not present:
        assert chart is None
        return
    assert_labels_keep_apart(chart)
    assert chart.x_labels[-1].x == round(chart.x(len(labels) - 1), 1)  # the latest is always labelled
    # Covered to within a millionth of a step: nothing a picture could show.
    slack = chart.ticks.step * 1e-6
    assert chart.ticks.values[0] <= min(present) + slack
    assert chart.ticks.values[-1] >= max(present) - slack
    for point in chart.series[0].points:
        if point is not None:
            assert chart.plot.top - 0.1 <= point.y <= chart.plot.bottom + 0.1
            assert chart.plot.left - 0.1 <= point.x <= chart.plot.right + 0.1
