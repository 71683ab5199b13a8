"""What the maps show: specs for the area_map tag (indicators.monitoring.charts.maps), read from the outlines that
load_boundaries stored on the small areas.

- My neighbourhoods: one map per authority, each neighbourhood the user sees (the union of its small areas'
  outlines) shaded by its worklessness verdict and linked to its page, the authority's other small areas
  around them in grey.
- A neighbourhood's page: its small areas shaded by IMD decile, each with its decile written on it (or, the
  second map, by their change in worklessness over the page's period, the change written on each), the authority's
  small areas around it in grey.

Outlines are public ONS geography: the grey areas carry no name or figure, so drawing them tells no one anything
that their scope hides.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import shapely
from django.urls import reverse
from shapely.geometry import shape

from indicators.engine.selectors.verdicts import FALLING_BEHIND, IMPROVING, KEEPING_PACE, keeping_pace_points
from indicators.engine.services.worklessness import denominator_periods
from indicators.official.models import Observation
from indicators.places.deprivation import deprived_edition
from indicators.places.models import Deprivation, Neighbourhood, SmallArea

NO_FIGURE = "none"
HAIR = 0.00002  # degrees, about 2 m
# Colour and a pattern for each verdict, so that colour is never the only cue.
VERDICT_KEY = [
    {"key": IMPROVING, "label": "Improving", "fill": "#00703c"},
    {"key": KEEPING_PACE, "label": "Keeping pace", "fill": "#b1b4b6", "pattern": "cross"},
    {"key": FALLING_BEHIND, "label": "Falling behind", "fill": "#d4351c", "pattern": "hatch"},
    {"key": NO_FIGURE, "label": "No figure", "fill": "#ffffff", "pattern": "dots"},
]
# Decile 1 (most deprived) darkest; each area also carries its decile as a label.
DECILE_FILLS = (
    "#6e1a0e", "#a4321a", "#c5542f", "#d9774f", "#e39c78", "#f0c7b2", "#dfe3e6", "#c7cdd1", "#aab2b8", "#8e979e",
)  # fmt: skip


def _outlines(local_authority_id: int) -> dict[int, dict]:
    return dict(
        # LSOAs only: a ward's or an estate's outline would lie over them.
        SmallArea.objects.filter(
            local_authority_id=local_authority_id, kind__in=SmallArea.LSOA_KINDS, boundary__isnull=False
        ).values_list("pk", "boundary")
    )


def _union(geometries: Iterable[dict]):
    shapes = [shape(g) for g in geometries]
    if not shapes:
        return None
    # A hair of buffer closes the slivers left between separately simplified neighbours (square joins: cheap).
    grown = [s.buffer(HAIR, quad_segs=1, join_style="mitre") for s in shapes]
    merged = shapely.union_all(grown).buffer(-HAIR, quad_segs=1, join_style="mitre")
    return merged if not merged.is_empty else None


def _verdict_key(status: str) -> str:
    if status in (IMPROVING, KEEPING_PACE, FALLING_BEHIND):
        return status
    if status == "lagging":  # the older wording of falling behind
        return FALLING_BEHIND
    return NO_FIGURE


def my_neighbourhoods_maps(rows, *, table_href: str = "#table-neighbourhoods") -> list[dict]:
    """One spec per authority among the rows (NeighbourhoodRow: .neighbourhood and .status, the page's verdict),
    authorities in the rows' order."""
    by_authority: dict[int, list] = defaultdict(list)
    for row in rows:
        by_authority[row.neighbourhood.local_authority_id].append(row)
    through = Neighbourhood.small_areas.through
    members: dict[int, list[int]] = defaultdict(list)
    for n_id, area_id in through.objects.filter(neighbourhood_id__in=[r.neighbourhood.pk for r in rows]).values_list(
        "neighbourhood_id", "smallarea_id"
    ):
        members[n_id].append(area_id)
    # Several authorities' maps sit side by side, each drawn smaller; more than two wait behind their titles, or
    # they would push the table of neighbourhoods far down the page.
    small, folded = len(by_authority) > 1, len(by_authority) > 2
    return [_authority_map(la_rows, members, table_href, small, folded) for la_rows in by_authority.values()]


def _authority_map(rows, members: dict[int, list[int]], table_href: str, small: bool, folded: bool) -> dict:
    authority = rows[0].neighbourhood.local_authority
    outlines = _outlines(authority.pk)
    inside: set[int] = set()
    areas = []
    for row in rows:
        n = row.neighbourhood
        ids = [i for i in members.get(n.pk, ()) if i in outlines]
        inside.update(ids)
        areas.append(
            {
                "name": n.display_name,
                "geometry": _union(outlines[i] for i in ids),
                "category": _verdict_key(row.status),
                "label": n.known_as or n.name,
                "href": reverse("indicators:neighbourhood-detail", args=[n.pk]),
            }
        )
    return {
        "id": f"map-la-{authority.code}",
        "title": f"Your neighbourhoods in {authority.name}, by worklessness against similar areas",
        "noun": "neighbourhoods",
        "focus": 0.2,
        "small": small,
        "folded": folded,
        "key": VERDICT_KEY,
        "areas": areas,
        "context": [g for i, g in outlines.items() if i not in inside],
        "context_noun": f"other small areas of {authority.name}",
        "context_label": f"Other small areas of {authority.name}",
        "table_href": table_href,
        "name_heading": "Neighbourhood",
        "value_heading": "Worklessness against similar areas",
        "empty": f"No map of {authority.name} yet: its small areas' outlines have not been loaded.",
    }


def _neighbourhood_spec(neighbourhood: Neighbourhood, outlines: dict[int, dict], own: list) -> dict:
    """What both maps of a neighbourhood share: its frame, the authority's areas around it, the table's rows."""
    ids = {pk for pk, _, _ in own}
    authority = neighbourhood.local_authority.name
    return {
        "focus": 0.6,
        "small": True,
        "noun": "small areas (LSOAs)",
        "context": [g for i, g in outlines.items() if i not in ids],
        "context_noun": f"neighbouring small areas of {authority}",
        "context_label": f"Neighbouring small areas of {authority}",
        "name_heading": "Small area (LSOA)",
        "empty": "No map yet: the outlines of this neighbourhood's small areas have not been loaded.",
    }


def _own_areas(neighbourhood: Neighbourhood) -> list[tuple[int, str, str]]:
    return list(neighbourhood.small_areas.order_by("code").values_list("pk", "code", "name"))


def neighbourhood_map(neighbourhood: Neighbourhood) -> dict:
    """The neighbourhood's small areas by IMD decile (the edition in force), the rest of its authority
    around it in outline."""
    edition = deprived_edition()
    outlines = _outlines(neighbourhood.local_authority_id)
    deciles = dict(
        Deprivation.objects.filter(small_area__neighbourhoods=neighbourhood, edition=edition).values_list(
            "small_area_id", "decile"
        )
    )
    own = _own_areas(neighbourhood)
    key = [
        {"key": str(d), "label": _decile_label(d), "fill": fill, "phrase": f"in decile {d}"}
        for d, fill in enumerate(DECILE_FILLS, start=1)
    ]
    key.append({"key": NO_FIGURE, "label": "No figure", "fill": "#ffffff", "pattern": "dots", "phrase": "no figure"})
    return {
        **_neighbourhood_spec(neighbourhood, outlines, own),
        "id": f"map-n-{neighbourhood.pk}",
        "title": f"{neighbourhood.display_name}: its small areas by deprivation (IMD decile)",
        "key": key,
        "areas": [
            {
                "name": f"{name} ({code})",
                "geometry": outlines.get(pk),
                "category": str(deciles.get(pk) or NO_FIGURE),
                "label": str(deciles.get(pk) or "–"),
            }
            for pk, code, name in own
        ],
        "value_heading": "IMD decile (1 is the most deprived 10% in England)",
    }


def _decile_label(decile: int) -> str:
    if decile == 1:
        return "Decile 1: the most deprived 10% of England"
    if decile == 10:
        return "Decile 10: the least deprived 10%"
    return f"Decile {decile}"


# Change in worklessness, in points: greens where it fell, reds where it rose, grey within the keeping-pace
# tolerance. Each area also carries its signed change as a label.
CHANGE_STEP = 1.0  # points: "by a point or more"


def _change_key(tolerance: float) -> list[dict]:
    t = f"{tolerance:.2f}"
    return [
        {"key": "fell_more", "label": f"Fell by {CHANGE_STEP:g} point or more", "fill": "#00703c"},
        {"key": "fell", "label": f"Fell by {t} to {CHANGE_STEP:g} point", "fill": "#85c5a6"},
        {"key": "same", "label": f"Little change (within {t} points)", "fill": "#dfe3e6"},
        {"key": "rose", "label": f"Rose by {t} to {CHANGE_STEP:g} point", "fill": "#f0a794", "pattern": "hatch"},
        {"key": "rose_more", "label": f"Rose by {CHANGE_STEP:g} point or more", "fill": "#d4351c", "pattern": "hatch"},
        {"key": NO_FIGURE, "label": "No figure", "fill": "#ffffff", "pattern": "dots"},
    ]


def _change_band(change: float | None, tolerance: float) -> str:
    if change is None:
        return NO_FIGURE
    if abs(change) <= tolerance:
        return "same"
    size = "_more" if abs(change) >= CHANGE_STEP else ""
    return ("fell" if change < 0 else "rose") + size


def signed(value: float) -> str:
    """+0.19, −0.04 (a real minus), 0.00."""
    text = f"{value:+.2f}"
    return "0.00" if text in ("+0.00", "-0.00") else text.replace("-", "\u2212")


def small_area_rates(indicator, area_ids, period_ids) -> dict[tuple[int, int], float]:
    """(small area, period) → the worklessness rate in per cent, where both figures are there."""
    mapping = denominator_periods(indicator, list(period_ids))
    values: dict[tuple[int, int, int], float] = {}
    wanted = [(indicator.numerator_id, list(mapping)), (indicator.denominator_id, list(set(mapping.values())))]
    for indicator_id, periods in wanted:
        for area, period, value in Observation.objects.filter(
            indicator_id=indicator_id, period_id__in=periods, small_area_id__in=area_ids, value__isnull=False
        ).values_list("small_area_id", "period_id", "value"):
            values[(indicator_id, area, period)] = float(value)
    rates = {}
    for period, denominator_period in mapping.items():
        for area in area_ids:
            top = values.get((indicator.numerator_id, area, period))
            bottom = values.get((indicator.denominator_id, area, denominator_period))
            if top is not None and bottom:
                rates[(area, period)] = 100 * top / bottom
    return rates


def neighbourhood_change_map(neighbourhood: Neighbourhood, *, window, indicator) -> dict:
    """The neighbourhood's small areas by their change in worklessness over the window (the page's period; a
    Window from indicators.monitoring.selectors.common), the rest of its authority around it in outline."""
    outlines = _outlines(neighbourhood.local_authority_id)
    own = _own_areas(neighbourhood)
    rates: dict[tuple[int, int], float] = {}
    if indicator is not None and window.start is not None and window.end is not None:
        rates = small_area_rates(indicator, [pk for pk, _, _ in own], [window.start.pk, window.end.pk])
    tolerance = keeping_pace_points()
    areas = []
    for pk, code, name in own:
        change = None
        if rates.get((pk, window.start.pk if window.start else None)) is not None and window.end:
            end = rates.get((pk, window.end.pk))
            change = None if end is None else end - rates[(pk, window.start.pk)]
        areas.append(
            {
                "name": f"{name} ({code})",
                "geometry": outlines.get(pk),
                "category": _change_band(change, tolerance),
                "label": signed(change) if change is not None else "–",
            }
        )
    period = f"{window.start} to {window.end}" if window.start and window.end else "over the period"
    return {
        **_neighbourhood_spec(neighbourhood, outlines, own),
        "id": f"map-change-{neighbourhood.pk}",
        "title": f"{neighbourhood.display_name}: its small areas by change in worklessness, {period}",
        "key": _change_key(tolerance),
        "areas": areas,
        "value_heading": f"Change in worklessness, {period} (percentage points)",
    }
