"""My neighbourhoods: the page and its download. Thin: reads go through the selectors, scoped to the user."""

from __future__ import annotations

from dataclasses import replace

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.access.scope import role_of
from indicators.engine.selectors.verdicts import VERDICTS
from indicators.monitoring import content
from indicators.monitoring.cache import cached_page
from indicators.monitoring.exports import download
from indicators.monitoring.presenters import neighbourhoods as neighbourhoods_tables
from indicators.monitoring.selectors import maps as area_maps
from indicators.monitoring.selectors import neighbourhoods as neighbourhoods_data
from indicators.monitoring.views.common import download_links, page_query
from indicators.monitoring.wording import VERDICT_WORDS
from indicators.places.models import LocalAuthority

SORT_CHOICES = [
    ("status", "Falling behind first"),
    ("name", "Name"),
    ("la", "Local authority"),
    ("decile", "Most deprived IMD decile"),
    ("-rate", "Highest worklessness first"),
    ("-change", "Biggest rise in worklessness first"),
    ("-responses", "Most residents answering first"),
]


class NeighbourhoodFilter(forms.Form):
    la = forms.ChoiceField(label="Local authority", required=False)
    decile = forms.TypedChoiceField(label="Most deprived IMD decile", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label="Worklessness against similar areas",
        required=False,
        choices=[("", "Any"), *((key, VERDICT_WORDS[key]) for key in VERDICTS), ("none", "No figure")],
    )
    years = forms.ChoiceField(label="Change over", required=False, choices=content.YEARS_CHOICES)
    # A free value, so that a column heading's sort (either way round) is kept; an unknown one sorts by status.
    sort = forms.CharField(label="Sort by", required=False, widget=forms.Select(choices=SORT_CHOICES))

    def __init__(self, *args, authorities=(), deciles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["la"].choices = [("", "All")] + [(la.code, la.name) for la in authorities]
        self.fields["decile"].choices = [("", "Any")] + [(d, str(d)) for d in deciles]

    def clean_sort(self) -> str:
        sort = self.cleaned_data.get("sort") or ""
        return sort if sort.lstrip("-") in neighbourhoods_data.SORTS else "status"


def _sortable(request: HttpRequest, columns, sort: str) -> list:
    """Each sortable column with the link that sorts by it (the other way round when it is the current sort)."""
    out = []
    for column in columns:
        if column.sort:
            current = sort.lstrip("-") == column.sort
            descending = sort.startswith("-")
            next_sort = f"-{column.sort}" if current and not descending else column.sort
            aria = ("descending" if descending else "ascending") if current else ""
            column = replace(column, href="?" + page_query(request, sort=next_sort), aria_sort=aria)
        out.append(column)
    return out


def _my_neighbourhoods(request: HttpRequest):
    authorities = list(LocalAuthority.objects.visible_to(request.user).filter(neighbourhoods__isnull=False).distinct())
    form = NeighbourhoodFilter(request.GET or None, authorities=authorities, deciles=range(1, 11))
    # A bad value in one field (a hand-edited address) drops that filter only, never the others.
    options = form.cleaned_data if form.is_valid() else getattr(form, "cleaned_data", {})
    sort = options.get("sort") or "status"
    data = neighbourhoods_data.my_neighbourhoods(
        user=request.user,
        local_authority=options.get("la") or "",
        decile=options.get("decile"),
        status=options.get("status") or "",
        sort=sort,
        years=options.get("years") or "1",
    )
    return form, data, sort


@login_required
@require_GET
@cached_page
def my_neighbourhoods(request: HttpRequest) -> HttpResponse:
    form, data, sort = _my_neighbourhoods(request)
    grid = neighbourhoods_tables.glance(data)
    grid.columns = _sortable(request, grid.columns, sort)
    return render(
        request,
        "indicators/my_neighbourhoods.html",
        {
            "form": form,
            "data": data,
            "glance": grid,
            "area_maps": area_maps.my_neighbourhoods_maps(data.rows),  # one map per authority, by verdict
            "neighbourhoods": data.rows,
            "factors": [(key, content.SHORT_LABELS[key], label) for key, label in content.FACTORS],
            "role": role_of(request.user),
            **download_links("indicators:my-neighbourhoods-export", query=page_query(request)),
        },
    )


@login_required
@require_GET
def my_neighbourhoods_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _, data, _ = _my_neighbourhoods(request)
    table = neighbourhoods_tables.my_neighbourhoods_table(data)
    return download(fmt, [table], title="My neighbourhoods", filename="my-neighbourhoods", user=request.user)
