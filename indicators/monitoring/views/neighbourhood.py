"""A neighbourhood's page and its downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from indicators.access.permissions import is_staff_member
from indicators.interventions import presenters as interventions
from indicators.monitoring import content
from indicators.monitoring.cache import cached_page
from indicators.monitoring.exports import download
from indicators.monitoring.presenters import comparisons as comparison_panels
from indicators.monitoring.presenters import neighbourhood as neighbourhood_tables
from indicators.monitoring.presenters.interventions import interventions_table
from indicators.monitoring.selectors import maps as area_maps
from indicators.monitoring.selectors import neighbourhood as neighbourhood_data
from indicators.monitoring.views.answers import neighbourhood_answers_table
from indicators.monitoring.views.common import download_links, page_query

NEIGHBOURHOOD_EXPORT_ORDER = ["changes", "checklist", "factor_waves", "worklessness", "waves", "areas", "domains"]


def _neighbourhood(request: HttpRequest, pk: int):
    years = request.GET.get("years", "1")
    if years not in dict(content.YEARS_CHOICES):
        years = "1"
    page = neighbourhood_data.neighbourhood_page(user=request.user, pk=pk, years=years)
    items = neighbourhood_tables.checklist(page)
    tables = {
        "changes": neighbourhood_tables.status_table(page),
        "checklist": neighbourhood_tables.checklist_table(items),
        "worklessness": neighbourhood_tables.worklessness_table(page),
        "factor_waves": neighbourhood_tables.factor_waves_table(page),
        "waves": neighbourhood_tables.waves_table(page),
        "areas": neighbourhood_tables.areas_table(page),
        "domains": neighbourhood_tables.domains_table(page),
    }
    return page, items, tables


@login_required
@require_GET
@cached_page
def neighbourhood_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page, items, tables = _neighbourhood(request, pk)
    n = page.neighbourhood
    done = interventions.neighbourhood_panel(
        user=request.user,
        neighbourhood=n,
        starts=[e["period"].start for e in page.series],
        wave_starts=[w.opens_on for w in neighbourhood_tables.factor_waves(page)],
    )
    return render(
        request,
        "indicators/neighbourhood_detail.html",
        {
            "neighbourhood": n,
            "page": page,
            "checklist": items,
            "tables": tables,
            "pairs": page.pairs,
            "worklessness_chart": interventions.with_marks(
                neighbourhood_tables.worklessness_chart(page), done["marks"]
            ),
            "interventions": done,
            "effects": comparison_panels.effects_panel(user=request.user, neighbourhood_id=n.pk, recorded=done["rows"]),
            "similar": comparison_panels.similar_panel(user=request.user, neighbourhood_id=n.pk),
            "summary": neighbourhood_tables.summary(page),
            "domains": neighbourhood_tables.domain_groups(page),
            "factor_multiples": interventions.with_panel_marks(
                neighbourhood_tables.factor_multiples(page), done["factor_marks"]
            ),
            "area_map": area_maps.neighbourhood_map(n),  # its small areas by IMD decile
            "years_choices": content.YEARS_CHOICES,
            "years": request.GET.get("years", "1"),
            "can_manage_waves": is_staff_member(request.user),
            **download_links(
                "indicators:neighbourhood-export",
                n.pk,
                query=page_query(request),
                tables=[tables[k] for k in NEIGHBOURHOOD_EXPORT_ORDER],
            ),
        },
    )


@login_required
@require_GET
def neighbourhood_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    page, _, tables = _neighbourhood(request, pk)
    order = NEIGHBOURHOOD_EXPORT_ORDER
    name = page.neighbourhood.name
    return download(
        fmt,
        [
            *(tables[k] for k in order),
            neighbourhood_answers_table(user=request.user, neighbourhood=page.neighbourhood),  # results per question
            interventions_table(user=request.user, neighbourhood=page.neighbourhood),
        ],
        title=name,
        filename=slugify(name) or "neighbourhood",
        user=request.user,
        table_key=request.GET.get("table", ""),
    )
