"""Pages about places and the monitoring pages. Thin: every read goes through a selector scoped to the user.

Each monitoring page builds its tables once (``indicators.monitoring.presenters``); the
page renders them and its CSV / XLSX download writes the same tables.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from indicators.access.permissions import is_staff_member
from indicators.access.scope import role_of
from indicators.engine.selectors.verdicts import VERDICTS, keeping_pace_points
from indicators.engine.services.worklessness import EngineError
from indicators.monitoring import content
from indicators.monitoring.cache import cached_page
from indicators.monitoring.exports import Table, download
from indicators.monitoring.presenters import league as league_tables
from indicators.monitoring.presenters import neighbourhood as neighbourhood_tables
from indicators.monitoring.presenters import neighbourhoods as neighbourhoods_tables
from indicators.monitoring.presenters import pairs as pairs_tables
from indicators.monitoring.selectors import league as league_data
from indicators.monitoring.selectors import maps as area_maps
from indicators.monitoring.selectors import neighbourhood as neighbourhood_data
from indicators.monitoring.selectors import neighbourhoods as neighbourhoods_data
from indicators.monitoring.selectors import pairs as pairs_data
from indicators.monitoring.wording import VERDICT_WORDS
from indicators.places.models import LocalAuthority


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("indicators:my-neighbourhoods")
    return render(request, "home.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _downloads(name: str, *args, query: str = "", tables=()) -> dict:
    """The page's download links: the spreadsheet with every table, and one CSV a table (a CSV holds one)."""
    suffix = f"?{query}" if query else ""
    links: dict = {fmt + "_url": reverse(name, args=[*args, fmt]) + suffix for fmt in ("csv", "xlsx")}
    if len(tables) > 1:
        csv_url = reverse(name, args=[*args, "csv"])
        joiner = "&" if query else ""
        links["csv_tables"] = [
            (table.caption, f"{csv_url}?{query}{joiner}{urlencode({'table': table.key})}") for table in tables
        ]
    return links


def _query(request: HttpRequest, **changes) -> str:
    params = {k: v for k, v in request.GET.items() if v}
    params.update(dict(changes.items()))
    return urlencode({k: v for k, v in params.items() if v})


# --- My neighbourhoods -------------------------------------------------------------------------------------


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
            column = replace(column, href="?" + _query(request, sort=next_sort), aria_sort=aria)
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
            **_downloads("indicators:my-neighbourhoods-export", query=_query(request)),
        },
    )


@login_required
@require_GET
def my_neighbourhoods_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _, data, _ = _my_neighbourhoods(request)
    table = neighbourhoods_tables.my_neighbourhoods_table(data)
    return download(fmt, [table], title="My neighbourhoods", filename="my-neighbourhoods", user=request.user)


# --- A neighbourhood ---------------------------------------------------------------------------------------


NEIGHBOURHOOD_EXPORT_ORDER = ["changes", "checklist", "factor_waves", "worklessness", "waves", "areas"]


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
    }
    return page, items, tables


@login_required
@require_GET
@cached_page
def neighbourhood_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page, items, tables = _neighbourhood(request, pk)
    n = page.neighbourhood
    return render(
        request,
        "indicators/neighbourhood_detail.html",
        {
            "neighbourhood": n,
            "page": page,
            "checklist": items,
            "tables": tables,
            "pairs": page.pairs,
            "worklessness_chart": neighbourhood_tables.worklessness_chart(page),
            "summary": neighbourhood_tables.summary(page),
            "factor_multiples": neighbourhood_tables.factor_multiples(page),
            "area_map": area_maps.neighbourhood_map(n),  # its small areas by IMD decile
            "years_choices": content.YEARS_CHOICES,
            "years": request.GET.get("years", "1"),
            "can_manage_waves": is_staff_member(request.user),
            **_downloads(
                "indicators:neighbourhood-export",
                n.pk,
                query=_query(request),
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
        [tables[k] for k in order],
        title=name,
        filename=slugify(name) or "neighbourhood",
        user=request.user,
        table_key=request.GET.get("table", ""),
    )


# --- Matched pairs -----------------------------------------------------------------------------------------


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
            **_downloads("indicators:matched-pair-list-export"),
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
            **_downloads("indicators:matched-pair-export", page.pair.pk, tables=tables),
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


# --- An area's league --------------------------------------------------------------------------------------

REFERENCES = [
    ("england-deprived", "England's deprived LSOAs (the report's benchmark)"),
    ("england-all", "All LSOAs in England"),
]


class LeagueForm(forms.Form):
    area = forms.ChoiceField(label="Area")
    start = forms.ChoiceField(label="From")
    end = forms.ChoiceField(label="To")
    reference = forms.ChoiceField(label="Benchmark", choices=REFERENCES, required=False)

    def __init__(self, *args, choices: league_data.LeagueChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = choices.areas
        periods = [(p.label, p.label) for p in choices.periods]
        self.fields["start"].choices = periods
        self.fields["end"].choices = periods


def _league(request: HttpRequest):
    choices = league_data.league_choices(user=request.user)
    data = request.GET.copy()
    if choices.areas and "area" not in data:
        data["area"] = choices.areas[0][0]
    elif data.get("area") and data["area"] not in dict(choices.areas):
        raise Http404("No such area among the places you look after.")
    if choices.periods:
        latest = choices.periods[-1]
        wanted = latest.start.replace(year=latest.start.year - 5)
        earlier = [p for p in choices.periods if p.start <= wanted] or choices.periods[:1]
        data.setdefault("start", earlier[-1].label)
        data.setdefault("end", latest.label)
    data.setdefault("reference", "england-deprived")
    form = LeagueForm(data, choices=choices)
    result = None
    if form.is_valid() and choices.areas:
        area = form.cleaned_data["area"]
        try:
            report, area_row, la_rows, neighbourhoods = league_data.league(
                user=request.user,
                indicator_slug=content.WORKLESSNESS,
                area=area,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                reference=form.cleaned_data["reference"] or "england-deprived",
            )
        except EngineError as exc:
            form.add_error(None, str(exc))
        else:
            kind, _, value = area.partition(":")
            label = dict(choices.areas)[area].removesuffix(" (region)")
            region_slug = value if kind == "region" else ""
            published = content.REPORT_SHARES.get(region_slug)
            result = {
                "report": report,
                "area_label": label,
                "area_row": area_row,
                "published": published,
                "sentence": league_tables.league_sentence(report, label, area_row, published),
                "tables": league_tables.league_tables(report, label, area_row, la_rows, neighbourhoods, region_slug),
            }
    return form, choices, result


@login_required
@require_GET
@cached_page(survey_figures=False)  # worklessness only: fieldwork leaves it be
def league(request: HttpRequest) -> HttpResponse:
    form, choices, result = _league(request)
    chart = None
    if result:
        items = [
            {"label": row[0].text, "value": row[3].value if isinstance(row[3].value, (int, float)) else None}
            for row in result["tables"][0].rows
        ]
        if result["published"] is not None:
            items.append({"label": f"{result['area_label']} in the report (early 2000s)", "value": result["published"]})
        chart = {
            "id": "league-chart",
            "title": "Share of deprived LSOAs improving faster than the benchmark",
            "items": items,
        }
    status = 400 if form.errors else 200
    return render(
        request,
        "indicators/league.html",
        {
            "form": form,
            "choices": choices,
            "result": result,
            "chart": chart,
            "tolerance": f"{keeping_pace_points():.2f}",
            **_downloads("indicators:league-export", query=_query(request), tables=result["tables"] if result else ()),
        },
        status=status,
    )


@login_required
@require_GET
def league_export(request: HttpRequest, fmt: str) -> HttpResponse:
    form, _, result = _league(request)
    if result is None:
        return HttpResponse(" ".join(str(e) for errors in form.errors.values() for e in errors), status=400)
    tables: list[Table] = result["tables"]
    return download(
        fmt,
        tables,
        title=f"League: {result['area_label']}",
        filename="league",
        user=request.user,
        table_key=request.GET.get("table", ""),
    )


__all__ = ["get_object_or_404"]
