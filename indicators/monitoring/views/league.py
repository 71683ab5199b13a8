"""The league: an area's share of deprived LSOAs improving faster than the benchmark, and its download."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from indicators.engine.selectors.verdicts import keeping_pace_points
from indicators.engine.services.worklessness import EngineError
from indicators.monitoring import content
from indicators.monitoring.cache import cached_page
from indicators.monitoring.exports import Table, download
from indicators.monitoring.presenters import league as league_tables
from indicators.monitoring.selectors import league as league_data
from indicators.monitoring.views.common import download_links, page_query
from indicators.places.deprivation import deprived_set

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
                "deprived": deprived_set(),
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
            **download_links(
                "indicators:league-export", query=page_query(request), tables=result["tables"] if result else ()
            ),
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
