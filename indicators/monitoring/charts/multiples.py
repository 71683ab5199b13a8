"""Small multiples: one small line chart per factor, all on one shared axis (0-100) and the same waves, so that
the eight factors read as one picture and can be compared by eye.

Each panel is a line chart from ``lines`` with the same scale and the same x labels; the page lays the panels
out in a grid (four across at 1280 px, one at 320 px) and scales each to its cell, so the label geometry is
checked once per panel width in viewBox units: no two labels' boxes touch, whatever the page's width.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indicators.monitoring.charts.axes import Label, overlaps
from indicators.monitoring.charts.lines import STYLES, LineChart, Style, line_chart

PANEL_WIDTH, PANEL_HEIGHT = 280, 190
PANEL_WIDTHS = (240, 280, 320)  # the viewBox widths a panel may be drawn at: every one keeps labels apart
Y_MIN, Y_MAX = 0, 100


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    note: str  # said under the panel when it has no figure (not surveyed, withheld)
    chart: LineChart | None


@dataclass(frozen=True)
class LegendEntry:
    name: str
    style: Style


@dataclass(frozen=True)
class ShadedKey:
    letter: str
    words: str


@dataclass(frozen=True)
class Multiples:
    id: str
    title: str
    summary: str
    y_label: str
    panels: tuple[Panel, ...]
    legend: tuple[LegendEntry, ...]
    shaded: tuple[ShadedKey, ...] = ()  # the periods shaded in some panels (interventions), said once

    @property
    def drawn(self) -> bool:
        return any(p.chart for p in self.panels)


def panel_labels(chart: LineChart) -> list[Label]:
    """Every text label of one panel: the y axis's tick labels and the x axis's wave labels."""
    return [g.label for g in chart.grid if g.label] + list(chart.x_labels)


def labels_clear(chart: LineChart) -> bool:
    """No two of the panel's labels touch, and none runs outside the picture."""
    labels = panel_labels(chart)
    inside = all(lab.box.left >= 0 and lab.box.right <= chart.width for lab in labels)
    return inside and not overlaps(labels)


def small_multiples(spec: Mapping, width: int = PANEL_WIDTH, height: int = PANEL_HEIGHT) -> Multiples:
    """spec: id, title, summary?, y_label?, x (labels shared by every panel), series_names (one per series, in
    style order), panels [{key, title, note?, marks?, series: [{values, low?, high?}] in the order of
    series_names}], marks? (the key of every panel's shaded periods: [{letter, words}])."""
    names: Sequence[str] = spec["series_names"]
    panels = []
    for item in spec["panels"]:
        series = [
            {"name": names[i], "style": i, **s}
            for i, s in enumerate(item["series"])
            if any(v is not None for v in s["values"])
        ]
        chart = None
        if series:
            chart = line_chart(
                {
                    "id": f"{spec['id']}-{item['key']}",
                    "title": str(item["title"]),
                    "summary": str(item.get("summary") or ""),
                    "x": spec["x"],
                    "series": series,
                    "y_min": Y_MIN,
                    "y_max": Y_MAX,
                    "marks": item.get("marks") or [],
                },
                width=width,
                height=height,
            )
        panels.append(Panel(str(item["key"]), str(item["title"]), str(item.get("note") or ""), chart))
    return Multiples(
        id=str(spec["id"]),
        title=str(spec["title"]),
        summary=str(spec.get("summary") or ""),
        y_label=str(spec.get("y_label") or ""),
        panels=tuple(panels),
        legend=tuple(LegendEntry(str(name), STYLES[i % len(STYLES)]) for i, name in enumerate(names)),
        shaded=tuple(ShadedKey(str(m["letter"]), str(m["words"])) for m in spec.get("marks") or []),
    )
