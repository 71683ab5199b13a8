"""The chart tags as the pages call them: escaped text, accessible names, plain decimal coordinates."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.utils import translation

EVIL = "<script>alert(1)</script> & \"'"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;&#x27;"


def render(tag: str, spec: dict, extra: str = "") -> str:
    return Template("{% load charts %}{% " + tag + " spec " + extra + " %}").render(Context({"spec": spec}))


def line_spec(**extra) -> dict:
    return {
        "id": "worklessness-chart",
        "title": f"Worklessness {EVIL}",
        "summary": f"Line chart {EVIL}",
        "x": ["Jan 2020", f"Feb {EVIL}", "Mar 2020"],
        "y_label": f"Rate {EVIL}",
        "series": [
            {"name": f"Harehills {EVIL}", "values": [10.25, 11.5, None]},
            {"name": "Leeds", "values": [8.0, 8.5, 9.0], "style": 1},
        ],
    } | extra


def test_a_line_chart_escapes_every_text_it_draws():
    html = render("line_chart", line_spec())
    assert "<script>" not in html
    assert html.count(ESCAPED) == 5  # title, summary, y label, legend and x label
    assert f'text-anchor="middle">Feb {ESCAPED}</text>' in html


def test_a_line_chart_has_an_accessible_name_and_description_and_hides_its_swatches():
    html = render("line_chart", line_spec())
    svg = re.search(r'<svg class="chart-svg"[^>]*>', html).group()
    assert 'role="img"' in svg
    assert 'aria-labelledby="worklessness-chart-t worklessness-chart-d"' in svg
    assert '<title id="worklessness-chart-t">' in html
    assert '<desc id="worklessness-chart-d">' in html
    assert html.count('<svg class="swatch" width="36" height="16" aria-hidden="true" focusable="false">') == 2
    assert '<figure class="chart" id="worklessness-chart">' in html
    assert html.count("<li>") == 2


def test_without_a_summary_the_name_points_only_at_the_title():
    html = render("line_chart", line_spec(summary=""))
    assert 'aria-labelledby="worklessness-chart-t"' in html
    assert "<desc" not in html


def test_nothing_to_draw_says_so():
    html = render("line_chart", line_spec(x=[], empty="No figures <yet>"))
    assert html.strip() == '<p class="chart-empty">No figures &lt;yet&gt;</p>'
    assert render("line_chart", line_spec(series=[])).strip() == '<p class="chart-empty">No figures to chart yet.</p>'


@pytest.mark.parametrize("language", ["de", "fr"])
def test_coordinates_keep_a_decimal_point_whatever_the_language(settings, language):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        html = render("line_chart", line_spec(series=[{"name": "a", "values": [1000.5, 2000.25, 1500.75]}]))
        bars = render("bar_chart", {"id": "b", "title": "t", "items": [{"label": "a", "value": 56.4}]})
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2|width|height)="([^"]*)"', html + bars)
    assert numbers
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", n) for n in numbers), numbers
    assert 'width="56.4"' in bars


def test_a_chart_can_be_drawn_narrower_and_long_labels_wrap_onto_lines():
    spec = line_spec(x=["Spring 2024 (synthetic responses)", "Spring 2025 (synthetic responses)"])
    html = render("line_chart", spec, "width=400")
    assert 'viewBox="0 0 400 ' in html
    assert "<tspan" in html
    assert "(synthetic" in html


def test_the_bar_and_interval_charts_escape_their_text_and_keep_their_key():
    bars = render("bar_chart", {"id": "league-chart", "title": EVIL, "items": [{"label": EVIL, "value": None}]})
    assert "<script>" not in bars
    assert bars.count(ESCAPED) == 2
    assert '<span class="bar-value">no figure</span>' in bars
    intervals = render(
        "interval_chart",
        {
            "id": "factors-chart",
            "title": EVIL,
            "items": [
                {"label": EVIL, "mean": 48.2, "low": 40, "high": 55, "benchmark": 47},
                {"label": "Confidence", "mean": 3, "withheld": True, "note": f"Withheld: {EVIL}"},
            ],
        },
    )
    assert "<script>" not in intervals
    assert intervals.count(ESCAPED) == 3
    assert '<span class="interval-value">48</span>' in intervals
    assert '<p class="interval-row interval-scale" aria-hidden="true">' in intervals
    assert intervals.count('aria-hidden="true" focusable="false"') == 1  # the one track drawn
    assert "Tall brown tick: everyone surveyed in the wave." in intervals


def test_the_map_has_a_name_a_description_and_escaped_labels():
    points = [
        {"label": EVIL, "lat": 53.80, "lon": -1.52, "decile": 1},
        {"label": "E01000002", "lat": 53.81, "lon": -1.51, "decile": 7},
    ]
    html = render("dot_map", {"id": "areas-map", "title": EVIL, "points": points})
    assert "<script>" not in html
    assert ESCAPED in html
    assert 'role="img" aria-labelledby="areas-map-t areas-map-d"' in html
    assert "2 small areas" in html
    assert html.count("<circle") == 2
    assert render("dot_map", {"id": "m", "title": "t", "points": []}).strip() == ""
