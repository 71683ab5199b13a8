"""Charts drawn on the server: SVG lines and HTML bars, no JavaScript.

Every chart has a text alternative (its title and a one-line summary) and sits
next to the table that holds its figures, so nothing is only in the picture.
Series differ by line style and marker as well as colour.
"""

from __future__ import annotations

import math

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 14, 44
# Dark enough for 3:1 against white (WCAG 1.4.11), told apart by dash and marker too.
STYLES = [
    {"colour": "#0b3b5c", "dash": "", "width": 3, "marker": "circle"},
    {"colour": "#8a4500", "dash": "8 5", "width": 2.5, "marker": "square"},
    {"colour": "#4a4f52", "dash": "2 4", "width": 2.5, "marker": "triangle"},
    {"colour": "#6b2c91", "dash": "12 4 2 4", "width": 2.5, "marker": "diamond"},
]


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, value = [], start
    while value <= high + step * 0.001:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _fmt(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 or value == 0 else f"{value:.2g}"


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if kind == "triangle":
        d = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y + 4:.1f} L{x - 5:.1f} {y + 4:.1f} Z"
        return f'<path d="{d}" fill="{colour}"/>'
    if kind == "diamond":
        d = f"M{x:.1f} {y - 5:.1f} L{x + 5:.1f} {y:.1f} L{x:.1f} {y + 5:.1f} L{x - 5:.1f} {y:.1f} Z"
        return f'<path d="{d}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}"/>'


def _swatch(style: dict) -> str:
    line = (
        f'<line x1="2" y1="8" x2="34" y2="8" stroke="{style["colour"]}" stroke-width="{style["width"]}"'
        f' stroke-dasharray="{style["dash"]}"/>'
    )
    marker = _marker(style["marker"], 18, 8, style["colour"])
    return f'<svg class="swatch" width="36" height="16" aria-hidden="true" focusable="false">{line}{marker}</svg>'


@register.simple_tag
def line_chart(spec: dict) -> str:
    """spec: id, title, summary, x (labels), series [{name, values, low?, high?}], y_label, y_min?, y_max?"""
    labels = spec["x"]
    series = [s for s in spec["series"] if any(v is not None for v in s["values"])]
    if not labels or not series:
        return format_html('<p class="chart-empty">{}</p>', spec.get("empty", "No figures to chart yet."))
    values = [v for s in series for key in ("values", "low", "high") for v in s.get(key) or [] if v is not None]
    low = spec.get("y_min", min(values))
    high = spec.get("y_max", max(values))
    if spec.get("y_min") is None:
        low = min(values)
        low = low - (high - low) * 0.1 if high > low else low - 1
        low = max(0.0, low) if min(values) >= 0 else low
    ticks = _nice_ticks(low, high)
    y0, y1 = ticks[0], ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(labels)

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y_at(v: float) -> float:
        return TOP + plot_h * (1 - (v - y0) / (y1 - y0))

    parts = []
    for t in ticks:
        y = y_at(t)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#d8d8d8"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end">{escape(_fmt(t))}</text>')
    every = max(1, math.ceil(n / 4))
    shown = sorted({*range(0, n, every), n - 1})
    if len(shown) > 1 and shown[-1] - shown[-2] < every / 2:
        shown.pop(-2)
    for i in shown:
        anchor = "middle" if 0 < i < n - 1 or n == 1 else ("start" if i == 0 else "end")
        parts.append(
            f'<text x="{x_at(i):.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="{anchor}">{escape(labels[i])}</text>'
        )
    parts.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#0b0c0c"/>')
    markers = n <= 24
    for index, s in enumerate(series):
        style = STYLES[s.get("style", index) % len(STYLES)]
        lows, highs = s.get("low") or [], s.get("high") or []
        for i, (a, b) in enumerate(zip(lows, highs, strict=False)):
            if a is not None and b is not None:
                x = x_at(i) + (index - (len(series) - 1) / 2) * 6
                parts.append(
                    f'<line x1="{x:.1f}" y1="{y_at(a):.1f}" x2="{x:.1f}" y2="{y_at(b):.1f}" '
                    f'stroke="{style["colour"]}" stroke-width="2"/>'
                    + "".join(
                        f'<line x1="{x - 4:.1f}" y1="{y_at(e):.1f}" x2="{x + 4:.1f}" y2="{y_at(e):.1f}" '
                        f'stroke="{style["colour"]}" stroke-width="2"/>'
                        for e in (a, b)
                    )
                )
        path, pen = [], "M"
        for i, v in enumerate(s["values"]):
            if v is None:
                pen = "M"
                continue
            path.append(f"{pen}{x_at(i):.1f} {y_at(v):.1f}")
            pen = "L"
        if len(path) > 1:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{style["colour"]}" stroke-width="{style["width"]}" '
                f'stroke-dasharray="{style["dash"]}" stroke-linejoin="round"/>'
            )
        if markers or len(path) == 1:
            for i, v in enumerate(s["values"]):
                if v is not None:
                    x = x_at(i) + ((index - (len(series) - 1) / 2) * 6 if lows else 0)
                    parts.append(_marker(style["marker"], x, y_at(v), style["colour"]))
    chart_id = escape(spec["id"])
    y_label = spec.get("y_label", "")
    svg = (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d"'
        f' preserveAspectRatio="xMidYMid meet">'
        f'<title id="{chart_id}-t">{escape(spec["title"])}</title>'
        f'<desc id="{chart_id}-d">{escape(spec.get("summary", ""))}</desc>'
        f'<g class="chart-text">{"".join(parts)}</g></svg>'
    )
    legend = "".join(
        f"<li>{_swatch(STYLES[s.get('style', i) % len(STYLES)])} {escape(s['name'])}</li>" for i, s in enumerate(series)
    )
    axis = f'<p class="chart-axis">{escape(y_label)}</p>' if y_label else ""
    return mark_safe(  # noqa: S308 - every text in it went through escape()
        f'<figure class="chart" id="{chart_id}">{axis}{svg}<figcaption><ul class="chart-legend">{legend}</ul>'
        f"</figcaption></figure>"
    )


def _track(marks: str) -> str:
    """A 0-100 scale drawn in SVG (no inline styles, so a strict Content Security Policy allows it)."""
    return (
        '<svg class="track" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true" focusable="false">'
        '<rect x="0" y="0" width="100" height="12" fill="#f3f2f1" stroke="#6f777b" stroke-width="1"'
        f' vector-effect="non-scaling-stroke"/>{marks}</svg>'
    )


@register.simple_tag
def bar_chart(spec: dict) -> str:
    """Horizontal bars of shares (0-100) in HTML: spec: id, title, items [{label, value, note?}], refs?"""
    rows = []
    for item in spec["items"]:
        value = item.get("value")
        if value is None:
            bar = _track("")
            shown = escape(item.get("note") or "no figure")
        else:
            width = max(0.0, min(100.0, float(value)))
            bar = _track(f'<rect x="0" y="0" width="{width:.2f}" height="12" fill="#0b3b5c"/>')
            shown = f"{value:.0f}%"
        rows.append(
            f'<li class="bar-row"><span class="bar-label">{escape(item["label"])}</span>{bar}'
            f'<span class="bar-value">{shown}</span></li>'
        )
    return mark_safe(  # noqa: S308 - every text in it went through escape()
        f'<figure class="chart chart-bars" id="{escape(spec["id"])}"><figcaption class="chart-title">'
        f'{escape(spec["title"])}</figcaption><ul class="bars">{"".join(rows)}</ul></figure>'
    )


@register.simple_tag
def interval_chart(spec: dict) -> str:
    """Scores 0-100 with their 95% intervals, one row per item, in HTML: spec: id, title, items
    [{label, mean, low, high, benchmark?, withheld?, note?}]."""
    rows = []
    for item in spec["items"]:
        if item.get("withheld") or item.get("mean") is None:
            plot = f'<span class="interval-note">{escape(item.get("note") or "no figure")}</span>'
            value = ""
        else:
            low, high, mean = (max(0.0, min(100.0, float(item[k]))) for k in ("low", "high", "mean"))
            bench = item.get("benchmark")
            marks = f'<rect x="{low:.2f}" y="4.5" width="{max(high - low, 0.3):.2f}" height="3" fill="#4d7ea8"/>'
            if bench is not None:
                b = max(0.0, min(100.0, float(bench)))
                marks += f'<rect x="{b - 0.4:.2f}" y="0" width="0.8" height="12" fill="#8a4500"/>'
            marks += f'<rect x="{mean - 0.9:.2f}" y="1.5" width="1.8" height="9" fill="#0b3b5c"/>'
            plot = _track(marks)
            value = f"{item['mean']:.0f}"
        rows.append(
            f'<li class="interval-row"><span class="interval-label">{escape(item["label"])}</span>{plot}'
            f'<span class="interval-value">{value}</span></li>'
        )
    return mark_safe(  # noqa: S308 - every text in it went through escape()
        f'<figure class="chart chart-intervals" id="{escape(spec["id"])}"><figcaption class="chart-title">'
        f'{escape(spec["title"])}</figcaption><ul class="intervals">{"".join(rows)}</ul>'
        '<p class="interval-row interval-scale" aria-hidden="true"><span></span>'
        '<span class="interval-axis"><span>0</span><span>50</span><span>100</span></span><span></span></p>'
        '<p class="chart-key">Dark mark: the score out of 100. Thin blue bar: its 95% confidence interval. '
        "Tall brown tick: everyone surveyed in the wave.</p>"
        f"</figure>"
    )


@register.simple_tag
def dot_map(spec: dict) -> str:
    """Small areas' centroids as dots shaded by deprivation decile.

    spec: id, title, points [{label, lat, lon, decile}].
    """
    points = [p for p in spec["points"] if p.get("lat") is not None and p.get("lon") is not None]
    if not points:
        return ""
    lats = [float(p["lat"]) for p in points]
    lons = [float(p["lon"]) for p in points]
    pad = 0.002
    la0, la1, lo0, lo1 = min(lats) - pad, max(lats) + pad, min(lons) - pad, max(lons) + pad
    size = 300
    dots = []
    for p, lat, lon in zip(points, lats, lons, strict=True):
        x = 20 + (size - 40) * (lon - lo0) / (lo1 - lo0)
        y = 20 + (size - 40) * (1 - (lat - la0) / (la1 - la0))
        decile = p.get("decile") or 10
        shade = [
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
        ][decile - 1]
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{shade}" stroke="#0b0c0c"/>'
            f'<text x="{x + 12:.1f}" y="{y + 5:.1f}">{escape(p["label"])}</text>'
        )
    chart_id = escape(spec["id"])
    return mark_safe(  # noqa: S308 - every text in it went through escape()
        f'<figure class="chart chart-map" id="{chart_id}"><svg class="chart-svg" viewBox="0 0 {size} {size}" role="img"'
        f' aria-labelledby="{chart_id}-t"><title id="{chart_id}-t">{escape(spec["title"])}</title>'
        f'<g class="chart-text">{"".join(dots)}</g></svg><figcaption>{escape(spec["title"])}</figcaption></figure>'
    )
