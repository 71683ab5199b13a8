"""Answering: the questions page by page, the check-your-answers page, then done (or saved for later).

Skip logic decides which pages exist for this response at each step, so every move goes through
``next_page_url`` rather than to ``number + 1``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods

from surveys.models import Factor, Question, QuestionKind, Response, ResponseStatus
from surveys.services import responses as svc
from surveys.services.answering import AnswerErrors, raw_from_answer
from surveys.views.items import question_items
from surveys.views.resident.session import (
    SESSION_KEY,
    answer_rows,
    code_problem_page,
    current_response,
    language_code,
    next_page_url,
    paced,
    response_state,
    resume_url,
)

HEADINGS = {
    Factor.HOUSING_ENVIRONMENT: gettext_noop("Your area"),
    Factor.RETENTION: gettext_noop("Staying or moving"),
    Factor.OUTLOOK: gettext_noop("People around you"),
    Factor.LEADERSHIP: gettext_noop("Working together"),
    Factor.CONFIDENCE: gettext_noop("About yourself"),
    Factor.WORK_CONNECTION: gettext_noop("Work and training"),
    Factor.TRAVEL_TO_WORK: gettext_noop("Getting to work"),
    Factor.ASPIRATION: gettext_noop("The next two years"),
    Factor.ABOUT_YOU: gettext_noop("About you"),
}


def page_heading(questions: list[Question]) -> str:
    first = questions[0]
    if first.kind == QuestionKind.SCALE_0_10 and not first.scored:
        return _("How you feel")
    return _(HEADINGS[first.factor])


def _require_in_progress(request: HttpRequest) -> Response | HttpResponse:
    """The response being answered, or the page that says why there is none to answer."""
    response = current_response(request)
    if response is None:
        return render(request, "surveys/session_ended.html", status=200)
    if response.status == ResponseStatus.COMPLETED:
        return redirect("surveys:done")
    if response.status == ResponseStatus.WITHDRAWN:
        return render(request, "surveys/code_problem.html", {"kind": svc.CodeProblem.WITHDRAWN})
    if response.wave.has_closed():
        return render(request, "surveys/code_problem.html", {"kind": svc.CodeProblem.CLOSED, "wave": response.wave})
    return response


def _next_url_from_check(response: Response, number: int) -> str:
    """After changing an answer from the check page: go on through any question it newly revealed."""
    missing = svc.response_missing_questions(response=response)
    later = [q for q in missing if q.page > number]
    if later:
        return reverse("surveys:page", args=[later[0].page])
    return reverse("surveys:check")


def _page_saved(request: HttpRequest, response: Response, number: int) -> HttpResponse:
    """Where a resident goes once a page's answers are saved."""
    if request.POST.get("action") == "save_and_leave":
        return redirect("surveys:saved")
    if request.GET.get("from") == "check":
        return redirect(_next_url_from_check(response, number))
    return redirect(next_page_url(response, after=number))


@require_http_methods(["GET", "POST"])
@paced
def page(request: HttpRequest, number: int) -> HttpResponse:
    response = _require_in_progress(request)
    if isinstance(response, HttpResponse):
        return response
    _questions, stored, shown, pages = response_state(response)
    if number not in pages:
        return redirect(next_page_url(response, after=number))
    on_page = [q for q in shown if q.page == number]
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw_by_key = {q.key: request.POST.getlist(q.key) for q in on_page}
        try:
            leaving = request.POST.get("action") == "save_and_leave"  # a blank answer can wait for their return
            svc.page_answers_save(response=response, page=number, raw=raw_by_key, partial=leaving)
        except AnswerErrors as exc:
            errors = exc.errors
        except svc.CodeProblem as problem:
            return code_problem_page(request, problem)
        else:
            return _page_saved(request, response, number)
    else:
        raw_by_key = {q.key: raw_from_answer(stored[q.pk]) for q in on_page if q.pk in stored}
    index = pages.index(number)
    context = {
        "response": response,
        "heading": page_heading(on_page),
        "items": question_items(on_page, raw_by_key, errors, language_code()),
        "errors": errors,
        "page_number": index + 1,
        "page_count": len(pages),
        "back": reverse("surveys:page", args=[pages[index - 1]]) if index else reverse("surveys:start"),
        "from_check": request.GET.get("from") == "check",
    }
    return render(request, "surveys/page.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@paced
def check(request: HttpRequest) -> HttpResponse:
    response = _require_in_progress(request)
    if isinstance(response, HttpResponse):
        return response
    missing = svc.response_missing_questions(response=response)
    if request.method == "POST" and not missing:
        try:
            svc.response_complete(response=response)
        except svc.CodeProblem as problem:
            return code_problem_page(request, problem)
        except AnswerErrors:
            missing = svc.response_missing_questions(response=response)
        else:
            return redirect("surveys:done")
    _questions, _stored, _shown, pages = response_state(response)
    context = {
        "rows": answer_rows(response, language_code()),
        "missing": missing,
        "back": reverse("surveys:page", args=[pages[-1]]) if pages else reverse("surveys:start"),
    }
    return render(request, "surveys/check.html", context, status=400 if missing and request.method == "POST" else 200)


@paced
def done(request: HttpRequest) -> HttpResponse:
    response = current_response(request)
    if response is None or response.status != ResponseStatus.COMPLETED:
        return redirect("surveys:start")
    return render(request, "surveys/done.html", {"response": response})


@paced
def saved(request: HttpRequest) -> HttpResponse:
    response = current_response(request)
    if response is None:
        return redirect("surveys:start")
    context = {
        "response": response,
        "has_code": response.invitation_id is not None,
        "resume_url": resume_url(response),
    }
    if response.invitation_id is not None:
        request.session.pop(SESSION_KEY, None)  # the code brings them back; a shared phone forgets them
    return render(request, "surveys/saved.html", context)
