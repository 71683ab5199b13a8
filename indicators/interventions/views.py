"""The intervention pages: the list, one intervention, the form to record or change one, and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from indicators.interventions import permissions, presenters, selectors, services
from indicators.interventions.forms import DecisionForm, InterventionForm
from indicators.interventions.models import Intervention, Status
from indicators.places.models import Neighbourhood


def staff_only(request: HttpRequest) -> None:
    permissions.require_staff(request.user)


def _visible(request: HttpRequest, pk: int) -> Intervention:
    return selectors.intervention_detail(user=request.user, pk=pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def intervention_list(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    everything = list(selectors.interventions_visible(user=request.user))
    neighbourhood = None
    chosen = request.GET.get("neighbourhood", "")
    if chosen:
        neighbourhood = (
            Neighbourhood.objects.visible_to(request.user).filter(pk=chosen).first() if chosen.isdigit() else None
        )
        if neighbourhood is None:
            raise Http404("No such neighbourhood among your places.")
        everything = [i for i in everything if neighbourhood in i.neighbourhoods.all()]
    rows = [presenters.row(i, user=request.user) for i in everything]
    return render(
        request,
        "interventions/intervention_list.html",
        {
            "proposed": [r for r in rows if r["status"] == Status.PROPOSED],
            "recorded": [r for r in rows if r["status"] == Status.ACCEPTED],
            "declined": [r for r in rows if r["status"] == Status.DECLINED],
            "neighbourhood": neighbourhood,
            "may_add": permissions.may_add(request.user),
            "may_record": permissions.may_record(request.user),
        },
    )


def _form_page(request: HttpRequest, intervention: Intervention | None) -> HttpResponse:
    places = Neighbourhood.objects.visible_to(request.user)
    if request.method == "POST":
        form = InterventionForm(request.POST, neighbourhoods=places)
        if form.is_valid():
            try:
                if intervention is None:
                    intervention = services.intervention_create(user=request.user, **form.service_values())
                    done = "Recorded" if intervention.status == Status.ACCEPTED else "Proposed: an officer will decide"
                else:
                    intervention = services.intervention_update(
                        user=request.user, intervention=intervention, **form.service_values()
                    )
                    done = "Saved"
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, f"{done}: {intervention.title}.")
                return redirect("indicators:intervention-detail", pk=intervention.pk)
        status = 400
    else:
        if intervention is None:
            initial = {}
            chosen = request.GET.get("neighbourhood", "")
            if chosen.isdigit() and places.filter(pk=chosen).exists():
                initial["neighbourhoods"] = [int(chosen)]
        else:
            initial = {
                "title": intervention.title,
                "lead_organisation": intervention.lead_organisation,
                "neighbourhoods": [n.pk for n in intervention.neighbourhoods.all()],
                "start_date": intervention.start_date,
                "end_date": intervention.end_date,
                "factors": intervention.factor_keys,
                "recommendations": intervention.recommendation_keys,
                "description": intervention.description,
            }
        form = InterventionForm(initial=initial, neighbourhoods=places)
        status = 200
    return render(
        request,
        "interventions/intervention_form.html",
        {
            "form": form,
            "intervention": intervention if intervention is not None and intervention.pk else None,
            "proposing": not permissions.may_record(request.user),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def intervention_new(request: HttpRequest) -> HttpResponse:
    staff_only(request)
    if not permissions.may_add(request.user):
        raise PermissionDenied("Only officers, estate managers and admins record interventions.")
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def intervention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    intervention = _visible(request, pk)
    if not permissions.may_change(request.user, intervention):
        raise PermissionDenied("You can change this only if you look after every place it covers.")
    return _form_page(request, intervention)


@login_required
@require_POST
def intervention_decide(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    intervention = _visible(request, pk)
    if not permissions.may_decide(request.user, intervention):
        raise PermissionDenied("Only an officer for every place it covers, or an admin, decides a proposal.")
    form = DecisionForm(request.POST)
    action = request.POST.get("action")
    if form.is_valid() and action in ("accept", "decline"):
        decide = services.intervention_accept if action == "accept" else services.intervention_decline
        try:
            decide(user=request.user, intervention=intervention, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, [m for ms in error.message_dict.values() for m in ms])
        else:
            messages.success(request, f"{'Accepted' if action == 'accept' else 'Declined'}: {intervention.title}.")
            return redirect("indicators:intervention-detail", pk=intervention.pk)
    elif action not in ("accept", "decline"):
        form.add_error(None, "Choose ‘Accept’ or ‘Decline’.")
    return render(
        request,
        "interventions/intervention_detail.html",
        {"i": presenters.row(intervention, user=request.user), "decision_form": form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def intervention_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    intervention = _visible(request, pk)
    if not permissions.may_change(request.user, intervention):
        raise PermissionDenied("You can delete this only if you look after every place it covers.")
    if request.method == "POST":
        title = intervention.title
        services.intervention_delete(user=request.user, intervention=intervention)
        messages.success(request, f"Deleted: {title}.")
        return redirect("indicators:intervention-list")
    return render(
        request, "interventions/intervention_delete.html", {"i": presenters.row(intervention, user=request.user)}
    )
