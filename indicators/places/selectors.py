"""Reads about places, always through the user's scope."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q, QuerySet
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

    Where a code names areas of several of the kinds (LSOA E01000001 of 2011 and of 2021), the kind first in
    ``SmallArea.PREFERENCE`` wins; an importer that knows its file's boundaries passes that one kind.
    """
    areas = SmallArea.objects.all()
    if kinds is not None:
        areas = areas.filter(kind__in=list(kinds))
    if codes is not None:
        areas = areas.filter(code__in=list(set(codes)))
    rank = {kind: i for i, kind in enumerate(SmallArea.PREFERENCE)}
    chosen: dict[str, tuple[int, int]] = {}
    for code, kind, pk in areas.values_list("code", "kind", "id").iterator(chunk_size=10_000):
        order = rank.get(kind, len(rank))
        held = chosen.get(code)
        if held is None or order < held[0]:
            chosen[code] = (order, pk)
    return {code: pk for code, (_, pk) in chosen.items()}
