"""The e-mail choices page and the unsubscribe link's pages. Thin: the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from indicators.access.models import Role
from indicators.access.scope import role_of
from indicators.alerts import selectors, services
from indicators.alerts.forms import PreferenceForm
from indicators.alerts.models import Kind
from indicators.engine.selectors.verdicts import keeping_pace_points


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if role_of(request.user) not in (Role.OFFICER, Role.ESTATE_MANAGER):
        raise PermissionDenied("E-mail alerts are for neighbourhood officers and estate managers.")
    current = selectors.preference_of(request.user)
    initial = {
        "weekly_digest": current.weekly_digest,
        "immediate": current.immediate,
        "kinds": [k for k in Kind.values if current.wants(k)],
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.preference_set(
            user=request.user,
            weekly_digest=form.cleaned_data["weekly_digest"],
            immediate=form.cleaned_data["immediate"],
            kinds=form.cleaned_data["kinds"],
        )
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("alerts:preferences")
    return render(
        request,
        "alerts/preferences.html",
        {
            "form": form,
            "email": request.user.email,
            "closing_days": selectors.closing_days(),
            "keeping_pace_points": keeping_pace_points(),
            "low_percent": selectors.low_response_percent(),
            "weekday": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][
                services.digest_day()
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@csrf_exempt  # the signed token is the proof; mail programs post here with no session (RFC 8058 one-click)
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link checkers in mail systems open links, and must not unsubscribe anyone); POST does it."""
    try:
        user = services.unsubscribe_user(token)
    except services.BadTokenError as exc:
        return render(request, "alerts/unsubscribe_bad.html", {"reason": str(exc)}, status=400)
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "alerts/unsubscribed.html", {"who": user})
    return render(request, "alerts/unsubscribe.html", {"who": user, "token": token})
