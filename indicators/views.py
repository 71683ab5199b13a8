"""Pages about places. Thin: every read goes through a selector scoped to the user."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from indicators import selectors
from indicators.access import role_of


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


@login_required
@require_GET
def my_neighbourhoods(request: HttpRequest) -> HttpResponse:
    neighbourhoods = selectors.neighbourhood_list(user=request.user)
    return render(
        request,
        "indicators/my_neighbourhoods.html",
        {"neighbourhoods": neighbourhoods, "role": role_of(request.user)},
    )


@login_required
@require_GET
def neighbourhood_detail(request: HttpRequest, pk: int) -> HttpResponse:
    neighbourhood = selectors.neighbourhood_detail(user=request.user, pk=pk)
    pairs = selectors.matched_pair_list(user=request.user).filter(Q(first=neighbourhood) | Q(second=neighbourhood))
    return render(
        request,
        "indicators/neighbourhood_detail.html",
        {"neighbourhood": neighbourhood, "pairs": pairs},
    )


@login_required
@require_GET
def matched_pair_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "indicators/matched_pair_list.html", {"pairs": selectors.matched_pair_list(user=request.user)}
    )


@login_required
@require_GET
def matched_pair_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(selectors.matched_pair_list(user=request.user), pk=pk)
    return render(request, "indicators/matched_pair_detail.html", {"pair": pair})
