"""Matched pairs: the list, one pair, and their downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from indicators.monitoring.cache import cached_page
from indicators.monitoring.exports import download
from indicators.monitoring.presenters import pairs as pairs_tables
from indicators.monitoring.selectors import pairs as pairs_data
from indicators.monitoring.views.common import download_links


@login_required
@require_GET
@cached_page
def matched_pair_list(request: HttpRequest) -> HttpResponse:
    pairs, latest, provenance = pairs_data.pair_list(user=request.user)
    return render(
        request,
        "indicators/matched_pair_list.html",
        {
            "pairs": pairs,
            "table": pairs_tables.pair_list_table(pairs, latest, provenance),
            **download_links("indicators:matched-pair-list-export"),
        },
    )


@login_required
@require_GET
def matched_pair_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    table = pairs_tables.pair_list_table(*pairs_data.pair_list(user=request.user))
    return download(fmt, [table], title="Matched pairs", filename="matched-pairs", user=request.user)


def _pair(request: HttpRequest, pk: int):
    page = pairs_data.pair_page(user=request.user, pk=pk)
    return page, [pairs_tables.pair_factor_table(page), pairs_tables.pair_worklessness_table(page)]


@login_required
@require_GET
@cached_page
def matched_pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page, tables = _pair(request, pk)
    return render(
        request,
        "indicators/matched_pair_detail.html",
        {
            "pair": page.pair,
            "page": page,
            "factor_table": tables[0],
            "worklessness_table": tables[1],
            "summary": pairs_tables.pair_summary(page),
            "worklessness_chart": pairs_tables.pair_worklessness_chart(page),
            "gap_chart": pairs_tables.pair_gap_chart(page),
            "factor_multiples": pairs_tables.pair_factor_multiples(page),
            **download_links("indicators:matched-pair-export", page.pair.pk, tables=tables),
        },
    )


@login_required
@require_GET
def matched_pair_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    page, tables = _pair(request, pk)
    title = f"{page.pair.first.name} and {page.pair.second.name}"
    return download(
        fmt,
        tables,
        title=title,
        filename=slugify(title) or "pair",
        user=request.user,
        table_key=request.GET.get("table", ""),
    )
