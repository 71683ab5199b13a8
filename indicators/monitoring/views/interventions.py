"""One intervention's page: what it is, the decision on a proposal, and, once accepted, whether it worked in each
neighbourhood it covers (the estimates come from the engine, which the interventions' own pages cannot read)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from indicators.interventions import permissions, presenters, selectors
from indicators.interventions.forms import DecisionForm
from indicators.interventions.models import Status
from indicators.monitoring.presenters import comparisons as comparison_panels


@login_required
@require_http_methods(["GET", "HEAD"])
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    permissions.require_staff(request.user)
    intervention = selectors.intervention_detail(user=request.user, pk=pk)
    accepted = intervention.status == Status.ACCEPTED
    return render(
        request,
        "interventions/intervention_detail.html",
        {
            "i": presenters.row(intervention, user=request.user),
            "decision_form": DecisionForm(),
            "show_effects": accepted,
            "effects": comparison_panels.effects_panel(user=request.user, intervention_id=pk) if accepted else [],
            "effects_show_place": True,
        },
    )
