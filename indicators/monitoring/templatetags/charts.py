"""Charts drawn on the server: SVG lines and HTML bars, no JavaScript.

Every chart has a text alternative (its title and a one-line summary) and sits
next to the table that holds its figures, so nothing is only in the picture.
Series differ by line style and marker as well as colour.

The geometry comes from indicators.monitoring.charts; the markup is in
templates/indicators/charts/, where Django escapes every text.
"""

from __future__ import annotations

from django import template

from indicators.monitoring.charts import dot_map as maps
from indicators.monitoring.charts import lines, multiples, rows
from indicators.monitoring.charts import maps as outlines

register = template.Library()

NO_FIGURES = "No figures to chart yet."


@register.inclusion_tag("indicators/charts/line.html")
def line_chart(spec: dict, width: int = lines.WIDTH) -> dict:
    """spec: id, title, summary, x (labels), series [{name, values, low?, high?, style?}], y_label, y_min?,
    y_max?, empty? (said when there is nothing to draw)."""
    return {"chart": lines.line_chart(spec, width=width), "empty": spec.get("empty") or NO_FIGURES}


@register.inclusion_tag("indicators/charts/bars.html")
def bar_chart(spec: dict) -> dict:
    """Horizontal bars of shares (0-100) in HTML: spec: id, title, items [{label, value, note?}]."""
    return {"id": spec["id"], "title": spec["title"], "rows": rows.bar_rows(spec["items"])}


@register.inclusion_tag("indicators/charts/intervals.html")
def interval_chart(spec: dict) -> dict:
    """Scores 0-100 with their 95% intervals, one row per item, in HTML: spec: id, title, items
    [{label, mean, low, high, benchmark?, withheld?, note?}]."""
    return {"id": spec["id"], "title": spec["title"], "rows": rows.interval_rows(spec["items"])}


@register.inclusion_tag("indicators/charts/dot_map.html")
def dot_map(spec: dict) -> dict:
    """Small areas' centroids as dots shaded by deprivation decile: spec: id, title, points
    [{label, lat, lon, decile}]; nothing when no point has a position."""
    return {"map": maps.dot_map(spec)}


@register.inclusion_tag("indicators/charts/area_map.html")
def area_map(spec: dict | None) -> dict:
    """Places drawn from their outlines, each shaded by a category with a pattern or label beside the colour, the
    places around them in grey outline: spec as for indicators.monitoring.charts.maps.area_map, with
    context_label (the key's words for the grey outlines), name_heading and value_heading (the table's columns)
    and empty (said when no place has an outline)."""
    spec = spec or {}
    return {
        "map": outlines.area_map(spec) if spec.get("areas") else None,
        "empty": spec.get("empty") or "No map: the outlines of these places have not been loaded.",
        "context_label": spec.get("context_label") or "Other areas",
        "name_heading": spec.get("name_heading") or "Place",
        "value_heading": spec.get("value_heading") or "Shown as",
        "label_size": outlines.LABEL_SIZE,
    }


@register.inclusion_tag("indicators/charts/multiples.html")
def small_multiples(spec: dict) -> dict:
    """One chart of small multiples on a shared 0-100 axis: spec as for
    indicators.monitoring.charts.multiples.small_multiples, with empty (said when no panel has a figure)."""
    return {"chart": multiples.small_multiples(spec), "empty": spec.get("empty") or NO_FIGURES}
