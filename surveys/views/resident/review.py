"""Seeing and withdrawing answers already sent, while the wave is still open."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from surveys.models import Response, ResponseStatus
from surveys.services import responses as svc
from surveys.views.resident.session import REVIEW_KEY, SESSION_KEY, answer_rows, code_problem_page, language_code, paced


def _reviewable(request: HttpRequest) -> Response | None:
    pk = request.session.get(REVIEW_KEY) or request.session.get(SESSION_KEY)
    if not pk:
        return None
    response = Response.objects.select_related("wave").filter(pk=pk).first()
    if response is None or response.status != ResponseStatus.COMPLETED or response.wave.has_closed():
        return None
    return response


@paced
def your_answers(request: HttpRequest) -> HttpResponse:
    response = _reviewable(request)
    if response is None:
        return render(request, "surveys/session_ended.html")
    rows = answer_rows(response, language_code())
    return render(request, "surveys/your_answers.html", {"rows": rows, "response": response})


@require_http_methods(["GET", "POST"])
@paced
def withdraw(request: HttpRequest) -> HttpResponse:
    response = _reviewable(request)
    if response is None:
        return render(request, "surveys/session_ended.html")
    if request.method == "GET":
        return render(request, "surveys/withdraw.html")
    if request.POST.get("confirm") == "no":
        return redirect("surveys:your-answers")
    if request.POST.get("confirm") != "yes":
        return render(request, "surveys/withdraw.html", {"error": _("Choose yes to withdraw your answers")}, status=400)
    try:
        svc.response_withdraw(response=response)
    except svc.CodeProblem as problem:
        return code_problem_page(request, problem)
    except ValidationError:
        return code_problem_page(request, svc.CodeProblem(svc.CodeProblem.CLOSED))
    request.session.pop(REVIEW_KEY, None)
    request.session.pop(SESSION_KEY, None)
    return render(request, "surveys/withdrawn.html")
