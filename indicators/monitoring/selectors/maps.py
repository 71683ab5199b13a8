"""What the maps show: specs for the area_map tag (indicators.monitoring.charts.maps), read from the outlines that
load_boundaries stored on the small areas.

- My neighbourhoods: one map per authority, each neighbourhood the user sees (the union of its small areas'
  outlines) shaded by its worklessness verdict and linked to its page, the authority's other small areas
  around them in grey.
- A neighbourhood's page: its small areas shaded by IMD decile, each with its decile written on it, the authority's
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

from indicators.engine.selectors.verdicts import FALLING_BEHIND, IMPROVING, KEEPING_PACE
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
        SmallArea.objects.filter(local_authority_id=local_authority_id, boundary__isnull=False).values_list(
            "pk", "boundary"
        )
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


def neighbourhood_map(neighbourhood: Neighbourhood) -> dict:
    """The neighbourhood's small areas by IMD decile (the latest edition loaded), the rest of its authority in
    outline."""
    edition = Deprivation.Edition.latest_loaded()
    outlines = _outlines(neighbourhood.local_authority_id)
    deciles = dict(
        Deprivation.objects.filter(small_area__neighbourhoods=neighbourhood, edition=edition).values_list(
            "small_area_id", "decile"
        )
    )
    own = list(neighbourhood.small_areas.order_by("code").values_list("pk", "code", "name"))
    areas = [
        {
            "name": f"{name} ({code})",
            "geometry": outlines.get(pk),
            "category": str(deciles.get(pk) or NO_FIGURE),
            "label": str(deciles.get(pk) or "–"),
        }
        for pk, code, name in own
    ]
    ids = {pk for pk, _, _ in own}
    key = [
        {"key": str(d), "label": _decile_label(d), "fill": fill, "phrase": f"in decile {d}"}
        for d, fill in enumerate(DECILE_FILLS, start=1)
    ]
    key.append({"key": NO_FIGURE, "label": "No figure", "fill": "#ffffff", "pattern": "dots", "phrase": "no figure"})
    return {
        "id": f"map-n-{neighbourhood.pk}",
        "focus": 0.6,
        "small": True,
        "title": f"{neighbourhood.display_name}: its small areas by deprivation (IMD decile)",
        "noun": "small areas (LSOAs)",
        "key": key,
        "areas": areas,
        "context": [g for i, g in outlines.items() if i not in ids],
        "context_noun": f"neighbouring small areas of {neighbourhood.local_authority.name}",
        "context_label": f"Neighbouring small areas of {neighbourhood.local_authority.name}",
        "name_heading": "Small area (LSOA)",
        "value_heading": "IMD decile (1 is the most deprived 10% in England)",
        "empty": "No map yet: the outlines of this neighbourhood's small areas have not been loaded.",
    }


def _decile_label(decile: int) -> str:
    if decile == 1:
        return "Decile 1: the most deprived 10% of England"
    if decile == 10:
        return "Decile 10: the least deprived 10%"
    return f"Decile {decile}"
