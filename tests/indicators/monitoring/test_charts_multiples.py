"""Small multiples: eight panels on one shared axis, the same waves, and no two labels touching at any width."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.monitoring.charts.multiples import PANEL_WIDTHS, labels_clear, panel_labels, small_multiples

KEYS = ["housing", "retention", "work", "outlook", "confidence", "aspiration", "leadership", "travel"]
MONTHS = [dt.date(2020 + i // 12, i % 12 + 1, 1).strftime("%b %Y") for i in range(48)]


def spec(x, values=None, bench=None, **extra):
    n = len(x)
    values = values or [50.0 + i for i in range(n)]
    bench = bench or [48.0] * n
    return {
        "id": "m",
        "title": "Factors",
        "x": x,
        "series_names": ["Swarcliffe (Leeds 041)", "Everyone surveyed in the wave"],
        "panels": [
            {
                "key": key,
                "title": key,
                "series": [
                    {"values": values, "low": [v - 5 for v in values], "high": [v + 5 for v in values]},
                    {"values": bench},
                ],
            }
            for key in KEYS
        ],
    } | extra


def test_every_panel_shares_one_axis_from_0_to_100_and_the_same_waves():
    chart = small_multiples(spec(["Mar 2024", "Mar 2025", "Nov 2026"], values=[10.0, 95.0, 40.0]))
    assert len(chart.panels) == 8
    ticks = {p.chart.ticks.values for p in chart.panels}
    assert ticks == {(0.0, 20.0, 40.0, 60.0, 80.0, 100.0)}
    xs = {tuple(label.text for label in p.chart.x_labels) for p in chart.panels}
    assert xs == {("Mar 2024", "Mar 2025", "Nov 2026")}
    assert [e.name for e in chart.legend] == ["Swarcliffe (Leeds 041)", "Everyone surveyed in the wave"]
    # Told apart by style as well as colour, the same in every panel as in the legend.
    assert chart.legend[0].style != chart.legend[1].style
    assert all(p.chart.series[0].style == chart.legend[0].style for p in chart.panels)


def test_a_panel_without_figures_says_why_and_the_others_still_draw():
    data = spec(["Mar 2024", "Mar 2025"])
    data["panels"][0]["series"] = [{"values": [None, None]}, {"values": [None, None]}]
    data["panels"][0]["note"] = "Not surveyed yet."
    chart = small_multiples(data)
    assert chart.panels[0].chart is None
    assert chart.panels[0].note == "Not surveyed yet."
    assert chart.drawn
    assert all(p.chart for p in chart.panels[1:])
    empty = spec(["Mar 2024"])
    for panel in empty["panels"]:
        panel["series"] = [{"values": [None]}, {"values": [None]}]
    assert not small_multiples(empty).drawn


def test_a_lone_wave_keeps_its_markers():
    chart = small_multiples(spec(["Nov 2026"], values=[60.0], bench=[50.0]))
    assert all(len(s.markers) == 1 for p in chart.panels for s in p.chart.series)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=len(MONTHS)),
    width=st.sampled_from(PANEL_WIDTHS),
    long=st.booleans(),
)
def test_no_two_labels_touch_at_any_panel_width(n, width, long):
    x = [f"{m} (synthetic responses)" if long else m for m in MONTHS[:n]]
    chart = small_multiples(spec(x), width=width)
    for panel in chart.panels:
        assert labels_clear(panel.chart), [lab.box for lab in panel_labels(panel.chart)]
        assert panel.chart.x_labels[-1].text.startswith(x[-1][:4])  # the latest wave is always labelled


def test_the_tag_draws_one_figure_with_a_picture_and_a_name_per_panel():
    data = spec(["Mar 2024", "Mar 2025"])
    data["panels"][0]["title"] = "Housing <crime> & grime"
    html = Template("{% load charts %}{% small_multiples spec %}").render(Context({"spec": data}))
    assert html.count("<figure") == 1
    assert html.count('role="img"') == 8
    assert "Housing &lt;crime&gt; &amp; grime" in html  # escaped, never raw
    assert html.count('class="multiple-title"') == 8
    empty = spec(["Mar 2024"])
    for panel in empty["panels"]:
        panel["series"] = [{"values": [None]}, {"values": [None]}]
    empty["empty"] = "No survey wave has been fielded here yet."
    assert "No survey wave has been fielded here yet." in Template(
        "{% load charts %}{% small_multiples spec %}"
    ).render(Context({"spec": empty}))
