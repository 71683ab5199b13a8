"""The league: the report's improvement table for the user's authorities and regions, cached for everyone until the
official figures change."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.cache import cache

from indicators.engine.models import WorklessnessPoint
from indicators.engine.selectors.improvement import improvement_report
from indicators.monitoring.content import WORKLESSNESS
from indicators.monitoring.selectors.neighbourhoods import VERDICT_ORDER
from indicators.monitoring.state import official_state
from indicators.official.models import Indicator, Period
from indicators.places.models import LocalAuthority, Neighbourhood, Region


@dataclass(frozen=True)
class LeagueChoices:
    indicators: list[Indicator]
    areas: list[tuple[str, str]]  # ("la:E08000012", "Liverpool"), ("region:tees-valley", "Tees Valley")
    periods: list[Period]
    local_authorities: list[LocalAuthority]


def league_choices(*, user, indicator_slug: str = WORKLESSNESS) -> LeagueChoices:
    """What the user may ask for: their authorities and regions, and the periods with a benchmark."""
    authorities = list(LocalAuthority.objects.visible_to(user).filter(neighbourhoods__isnull=False).distinct())
    authorities.sort(key=lambda la: la.name)
    region_ids = {la.region_id for la in authorities if la.region_id}
    regions = list(Region.objects.filter(pk__in=region_ids).order_by("name"))
    indicators = list(Indicator.objects.filter(kind=Indicator.Kind.RATIO).order_by("name"))
    periods = list(
        Period.objects.filter(
            pk__in=WorklessnessPoint.objects.filter(
                indicator__slug=indicator_slug, level=WorklessnessPoint.Level.BENCHMARK
            ).values("period_id")
        ).order_by("start")
    )
    areas = [(f"region:{r.slug}", f"{r.name} (region)") for r in regions]
    areas += [(f"la:{la.code}", la.name) for la in authorities]
    return LeagueChoices(indicators, areas, periods, authorities)


def shared_improvement_report(*, indicator_slug: str, start: str, end: str, reference: str):
    """The engine's report for everyone, shared by all users until the official figures change (survey responses
    do not touch it); callers scope it."""

    seconds = getattr(settings, "REBALANCE_PAGE_CACHE_SECONDS", 300)
    if not seconds:
        return improvement_report(indicator_slug=indicator_slug, start=start, end=end, reference=reference)
    raw = "|".join([indicator_slug, start, end, reference, official_state()])
    # v3: the report names its reference set and counts areas (AreaShare.areas); a v2 entry lacks both.
    key = "pages:improvement-report:v3:" + hashlib.sha256(raw.encode()).hexdigest()
    report = cache.get(key)
    if report is None:
        report = improvement_report(indicator_slug=indicator_slug, start=start, end=end, reference=reference)
        cache.set(key, report, seconds)
    return report


def league(*, user, indicator_slug: str, area: str, start: str, end: str, reference: str):
    """The engine's improvement report, cut to the area and to the user's neighbourhoods: its share and the rows
    behind it.

    Raises EngineError (from the engine) for periods or indicators it cannot answer for.
    """
    report = shared_improvement_report(indicator_slug=indicator_slug, start=start, end=end, reference=reference)
    kind, _, value = area.partition(":")
    authorities = {la.code: la for la in LocalAuthority.objects.visible_to(user).select_related("region")}
    if kind == "region":
        codes = {code for code, la in authorities.items() if la.region and la.region.slug == value}
        area_row = next((r for r in report.regions if r.code == value), None)
    else:
        codes = {value}
        area_row = next((r for r in report.local_authorities if r.code == value), None)
    la_rows = [r for r in report.local_authorities if r.code in codes]
    names = {authorities[c].name for c in codes if c in authorities}
    visible = {
        pk: Neighbourhood(name=name, known_as=known_as).display_name
        for pk, name, known_as in Neighbourhood.objects.visible_to(user).values_list("pk", "name", "known_as")
    }
    # Copies with the names people use: the report itself is shared between users.
    mine = [
        {**n, "display_name": visible[n["neighbourhood_id"]]}
        for n in report.neighbourhoods
        if n["neighbourhood_id"] in visible
    ]
    neighbourhoods = sorted((n for n in mine if n["local_authority"] in names), key=furthest_behind_first)
    return replace(report, neighbourhoods=mine), area_row, la_rows, neighbourhoods


def furthest_behind_first(row: dict) -> tuple:
    """Falling behind first, as on My neighbourhoods; within each verdict the furthest behind the benchmark first."""
    return (VERDICT_ORDER.get(row["verdict"], 3), -(row["against_benchmark"] or 0), row["display_name"].casefold())
