"""Reads about places, always through the user's scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import shapely
import shapely.geometry
from django.conf import settings
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from indicators.places.deprivation import deprived_edition
from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, SmallArea


def deprivation_prefetch(edition: str | None = None) -> Prefetch:
    edition = edition or deprived_edition()
    return Prefetch("deprivation", queryset=Deprivation.objects.filter(edition=edition), to_attr="imd")


def neighbourhood_list(*, user) -> QuerySet[Neighbourhood]:
    """The user's neighbourhoods with their size and deprivation, in a constant number of queries."""
    edition = deprived_edition()
    return (
        Neighbourhood.objects.visible_to(user)
        .select_related("local_authority", "local_authority__region")
        .annotate(
            small_area_count=Count("small_areas", distinct=True),
            most_deprived_decile=Min(
                "small_areas__deprivation__decile", filter=Q(small_areas__deprivation__edition=edition)
            ),
            deprived_area_count=Count(
                "small_areas",
                filter=Q(
                    small_areas__deprivation__edition=edition,
                    small_areas__deprivation__decile__lte=settings.REBALANCE_DEPRIVED_MAX_DECILE,
                ),
                distinct=True,
            ),
        )
        .order_by("local_authority__name", "name")
    )


def neighbourhood_list_with_areas(*, user) -> QuerySet[Neighbourhood]:
    """As neighbourhood_list, with each neighbourhood's small areas and their deprivation prefetched."""
    areas = SmallArea.objects.order_by("code").prefetch_related(deprivation_prefetch())
    return neighbourhood_list(user=user).prefetch_related(Prefetch("small_areas", queryset=areas))


def neighbourhood_detail(*, user, pk: int) -> Neighbourhood:
    """One neighbourhood the user may see; 404 for one they may not, so its existence is not revealed."""
    return get_object_or_404(neighbourhood_list_with_areas(user=user), pk=pk)


def local_authority_list(*, user) -> QuerySet[LocalAuthority]:
    return (
        LocalAuthority.objects.visible_to(user)
        .select_related("region")
        .annotate(neighbourhood_count=Count("neighbourhoods", distinct=True))
        .order_by("name")
    )


def matched_pair_list(*, user) -> QuerySet[MatchedPair]:
    return MatchedPair.objects.visible_to(user).select_related("first__local_authority", "second__local_authority")


def area_ids_by_code(codes: Iterable[str] | None = None, *, kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Code → small area id, for the given kinds (all kinds if none given): how every importer finds its areas.

    Where a code names areas of several of the kinds (LSOA E01000001 of 2011 and of 2021), the LSOA of the
    boundaries the deprivation edition in force ranks wins (the areas neighbourhoods are usually built from), then
    the kind first in ``SmallArea.PREFERENCE``; an importer that knows its file's boundaries passes that one kind.
    """
    areas = SmallArea.objects.all()
    if kinds is not None:
        areas = areas.filter(kind__in=list(kinds))
    if codes is not None:
        areas = areas.filter(code__in=list(set(codes)))
    in_force = Deprivation.EDITION_KIND.get(deprived_edition())
    rank = {kind: i for i, kind in enumerate(SmallArea.PREFERENCE)} | ({in_force: -1} if in_force else {})
    chosen: dict[str, tuple[int, int]] = {}
    for code, kind, pk in areas.values_list("code", "kind", "id").iterator(chunk_size=10_000):
        order = rank.get(kind, len(rank))
        held = chosen.get(code)
        if held is None or order < held[0]:
            chosen[code] = (order, pk)
    return {code: pk for code, (_, pk) in chosen.items()}


def area_ids_inside(boundary: dict, *, local_authority_id: int, kinds: Iterable[str]) -> set[int]:
    """The areas of these kinds in the authority whose centres lie inside an outline (GeoJSON geometry): the best
    fit of an estate or a drawn boundary to LSOAs."""
    outline = shapely.geometry.shape(boundary)
    shapely.prepare(outline)
    candidates = SmallArea.objects.filter(
        kind__in=list(kinds), local_authority_id=local_authority_id, latitude__isnull=False, longitude__isnull=False
    ).values_list("pk", "latitude", "longitude")
    return {pk for pk, lat, lon in candidates if outline.contains(shapely.Point(float(lon), float(lat)))}


# The population shown while building a neighbourhood: the ONS working-age estimate, where it has been imported.
POPULATION_INDICATOR = "working-age-population"


@dataclass(frozen=True)
class PickableArea:
    pk: int
    code: str
    name: str
    decile: int | None


def areas_to_pick(
    *, local_authority: LocalAuthority, kind: str, max_decile: int | None, edition: str, include: Iterable[int] = ()
) -> list[PickableArea]:
    """An authority's areas of one kind with their IMD decile in ``edition``, those at or below ``max_decile`` (all
    if None), plus any in ``include`` (those already chosen), most deprived first."""
    areas = SmallArea.objects.filter(local_authority=local_authority, kind=kind)
    decile = Min("deprivation__decile", filter=Q(deprivation__edition=edition))
    rows = areas.annotate(decile=decile)
    if max_decile is not None:
        rows = rows.filter(Q(decile__lte=max_decile) | Q(pk__in=list(include)))
    return [
        PickableArea(pk, code, name, d)
        for pk, code, name, d in rows.order_by(F("decile").asc(nulls_last=True), "code").values_list(
            "pk", "code", "name", "decile"
        )
    ]


@dataclass(frozen=True)
class NeighbourhoodPreview:
    """What a neighbourhood would be, before it is saved: its size, population where known, and deprivation."""

    areas: list[SmallArea]
    edition: str
    population: int | None  # the sum over the areas whose population is held
    population_areas: int  # how many of the areas that is
    population_period: str
    deciles: dict[int, int]  # decile → how many areas
    no_decile: int
    deprived: int  # areas in the deprived deciles

    @property
    def size(self) -> int:
        return len(self.areas)

    @property
    def most_deprived_decile(self) -> int | None:
        return min(self.deciles) if self.deciles else None


def neighbourhood_preview(*, area_ids: Iterable[int], edition: str) -> NeighbourhoodPreview:
    ids = list(dict.fromkeys(area_ids))
    areas = list(SmallArea.objects.filter(pk__in=ids).select_related("local_authority").order_by("code"))
    deciles: dict[int, int] = {}
    for decile in Deprivation.objects.filter(small_area_id__in=ids, edition=edition).values_list("decile", flat=True):
        deciles[decile] = deciles.get(decile, 0) + 1
    # The latest estimate for each area (the relation by name: places sits below the official data's app).
    held = SmallArea.objects.filter(
        pk__in=ids, observations__indicator__slug=POPULATION_INDICATOR, observations__value__isnull=False
    ).values_list("pk", "observations__period__start", "observations__period__label", "observations__value")
    latest: dict[int, tuple] = {}
    for pk, start, label, value in held:
        if pk not in latest or start > latest[pk][0]:
            latest[pk] = (start, label, value)
    labels = sorted({(v[0], v[1]) for v in latest.values()})
    return NeighbourhoodPreview(
        areas=areas,
        edition=edition,
        population=int(sum(v[2] for v in latest.values())) if latest else None,
        population_areas=len(latest),
        population_period=labels[-1][1] if len(labels) == 1 else ", ".join(dict.fromkeys(lb for _, lb in labels)),
        deciles=dict(sorted(deciles.items())),
        no_decile=len(areas) - sum(deciles.values()),
        deprived=sum(n for d, n in deciles.items() if d <= settings.REBALANCE_DEPRIVED_MAX_DECILE),
    )
