"""The staff page where admins build a neighbourhood: list an authority's areas by deprivation, pick them (or paste
codes, or upload an outline), check the neighbourhood's size, population and deprivation, then save. Plain forms:
"Check" shows the result on the same page, so nothing needs JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from indicators.access.permissions import may_see_everything
from indicators.audit.models import Action
from indicators.audit.services import audit_request
from indicators.places.forms import AreaFilterForm, NeighbourhoodBuildForm
from indicators.places.models import Deprivation, SmallArea
from indicators.places.selectors import area_ids_by_code, area_ids_inside, areas_to_pick, neighbourhood_preview
from indicators.places.services import neighbourhood_create, validate_neighbourhood_areas

KIND_PLURAL = {"lsoa11": "LSOAs (2011 boundaries)", "lsoa21": "LSOAs (2021 boundaries)", "ward": "wards"}
# Each kind's own edition of the index: IoD2019 ranks 2011 LSOAs, IoD2025 the 2021 ones; wards have none.
EDITION_FOR_KIND = {kind: edition for edition, kind in Deprivation.EDITION_KIND.items()}


@login_required
@require_http_methods(["GET", "POST"])
def neighbourhood_build(request: HttpRequest) -> HttpResponse:
    # Admins build neighbourhoods for any authority; the same people who may see every place.
    if not may_see_everything(request.user):
        raise PermissionDenied("Only admins may build neighbourhoods.")
    filters = AreaFilterForm(request.GET or None)
    context = {"filters": filters, "form": None, "preview": None}
    if not filters.is_valid():
        return render(request, "indicators/neighbourhood_build.html", context, status=400 if request.GET else 200)
    local_authority, kind = filters.cleaned_data["local_authority"], filters.cleaned_data["kind"]
    edition = EDITION_FOR_KIND.get(kind)
    context |= {"local_authority": local_authority, "kind_label": SmallArea.Kind(kind).label, "edition": edition}
    context["kind_plural"] = KIND_PLURAL.get(kind, SmallArea.Kind(kind).label)
    context["edition_label"] = Deprivation.Edition(edition).label if edition else ""
    context["deprived_share"] = f"{settings.REBALANCE_DEPRIVED_MAX_DECILE * 10}%"
    posted = _posted_ids(request)

    def build_form(data=None, files=None, initial=None):
        listed = areas_to_pick(
            local_authority=local_authority,
            kind=kind,
            max_decile=filters.cleaned_data["max_decile"],
            edition=edition or "",
            include=posted,
        )
        context["listed"] = listed
        choices = [(a.pk, f"{a.name} ({a.code})" + (f", decile {a.decile}" if a.decile else "")) for a in listed]
        return NeighbourhoodBuildForm(data, files, initial=initial, local_authority=local_authority, choices=choices)

    if request.method == "GET":
        context["form"] = build_form()
        return render(request, "indicators/neighbourhood_build.html", context)

    form = build_form(request.POST, request.FILES)
    ids: list[int] = []
    if form.is_valid():
        ids = _chosen(form, local_authority=local_authority, kind=kind)
    if form.is_valid() and not ids:
        form.add_error(None, "Choose at least one area: tick it in the list, paste its code or upload an outline.")
    if form.is_valid() and request.POST.get("action") == "save":
        neighbourhood = neighbourhood_create(
            name=form.cleaned_data["name"],
            local_authority=local_authority,
            small_area_ids=ids,
            known_as=form.cleaned_data["known_as"],
            description=form.cleaned_data["description"],
        )
        audit_request(
            request,
            action=Action.ADD,
            object_type="indicators.neighbourhood",
            object_id=neighbourhood.pk,
            summary=f"{neighbourhood} ({len(ids)} areas), built on the staff page",
        )
        return redirect("indicators:neighbourhood-detail", pk=neighbourhood.pk)
    if form.is_valid():
        # Checked: the same form again, with every chosen area ticked (pasted and outlined ones too) and a preview.
        posted = ids
        initial = {k: form.cleaned_data[k] for k in ("name", "known_as", "description")} | {"areas": ids}
        form = build_form(initial=initial)
        context["preview"] = neighbourhood_preview(area_ids=ids, edition=edition or "")
    context["form"] = form
    return render(request, "indicators/neighbourhood_build.html", context, status=400 if form.errors else 200)


def _posted_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("areas") if v.isdigit() and len(v) < 12]


def _chosen(form: NeighbourhoodBuildForm, *, local_authority, kind: str) -> list[int]:
    """Ticked, pasted and outlined areas together; errors go on the field they came from."""
    ids = list(form.cleaned_data["areas"])
    codes = form.cleaned_data["codes"]
    if codes:
        found = area_ids_by_code(codes, kinds=[kind])
        unknown = [c for c in codes if c not in found]
        if unknown:
            shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            form.add_error("codes", f"No {SmallArea.Kind(kind).label} is held with the code(s) {shown}.")
            return []
        try:
            validate_neighbourhood_areas(
                local_authority=local_authority, small_areas=SmallArea.objects.filter(pk__in=found.values())
            )
        except ValidationError as exc:
            form.add_error("codes", " ".join(exc.messages))
            return []
        ids += found.values()
    boundary = form.cleaned_data["boundary"]
    if boundary:
        inside = area_ids_inside(boundary, local_authority_id=local_authority.pk, kinds=[kind])
        if not inside:
            form.add_error("boundary", f"No area of {local_authority} has its centre inside this outline.")
            return []
        ids += sorted(inside)
    return list(dict.fromkeys(ids))
