"""Reading interventions, always through ``Intervention.objects.visible_to(user)``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from indicators.interventions.models import Intervention, Status
from indicators.places.models import Neighbourhood


def _with_links(qs: QuerySet) -> QuerySet:
    return qs.select_related("created_by", "decided_by").prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.select_related("local_authority")),
        "factor_links",
        "recommendation_links",
    )


def interventions_visible(*, user, status: str | None = None) -> QuerySet:
    """Every intervention the user may see, newest start first."""
    qs = Intervention.objects.visible_to(user)
    if status:
        qs = qs.filter(status=status)
    return _with_links(qs)


def intervention_detail(*, user, pk: int) -> Intervention:
    """One intervention the user may see; 404 for any other, so that its existence does not leak."""
    return get_object_or_404(interventions_visible(user=user), pk=pk)


def interventions_for_neighbourhood(*, user, neighbourhood: Neighbourhood, accepted_only: bool = True) -> QuerySet:
    """The interventions covering one neighbourhood that the user may see (by default those that count)."""
    qs = Intervention.objects.visible_to(user).for_neighbourhood(neighbourhood)
    if accepted_only:
        qs = qs.accepted()
    return _with_links(qs).order_by("start_date", "title", "pk")


def interventions_overlapping(
    *, user, start: dt.date | None, end: dt.date | None, neighbourhood: Neighbourhood | None = None
) -> QuerySet:
    """Accepted interventions the user may see that were running at some time from ``start`` to ``end``."""
    qs = Intervention.objects.visible_to(user).accepted().overlapping(start, end)
    if neighbourhood is not None:
        qs = qs.for_neighbourhood(neighbourhood)
    return _with_links(qs).order_by("start_date", "title", "pk")


def interventions_awaiting_decision(*, user) -> QuerySet:
    """Proposals the user may see that are still waiting for an officer's decision."""
    return interventions_visible(user=user, status=Status.PROPOSED)
