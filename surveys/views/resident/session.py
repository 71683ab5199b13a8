"""What the resident pages share: the response held in the session, the page allowance, where to go next.

The session holds only the response's id (SESSION_KEY), or, for a code already used, the id of the
completed response its holder may review (REVIEW_KEY).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from indicators.accounts.ratelimit import client_address, rate_take
from surveys.models import Answer, Question, Response, ResponseStatus, number_shown
from surveys.selectors import pages_of, version_questions_for
from surveys.services import responses as svc
from surveys.services.answering import codes_from_answers, shown_questions

SESSION_KEY = "survey_response"
REVIEW_KEY = "survey_review"


def paced(view):
    """Every resident page counts against one per-address allowance (SURVEY_PAGE_RATE), shared through
    the cache: generous for a person, a wall for a script hammering the pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rate_take(scope="pages", who=client_address(request), rate=settings.SURVEY_PAGE_RATE):
            return render(request, "surveys/too_many.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped


def language_code() -> str:
    return (get_language() or "en").split("-")[0]


def current_response(request: HttpRequest) -> Response | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Response.objects.select_related("wave__survey_version", "neighbourhood").filter(pk=pk).first()


def code_problem_page(request: HttpRequest, problem: svc.CodeProblem, *, status: int = 200) -> HttpResponse:
    """Why a code cannot be used now; for a used code, the way to review what was sent with it."""
    invitation = problem.invitation
    context = {"kind": problem.kind, "wave": invitation.wave if invitation else None}
    if problem.kind == svc.CodeProblem.USED and invitation is not None:
        response = Response.objects.filter(invitation=invitation, status=ResponseStatus.COMPLETED).first()
        if response is not None:
            request.session[REVIEW_KEY] = response.pk
            context["can_review"] = True
    return render(request, "surveys/code_problem.html", context, status=status)


def response_state(response: Response):
    """The questionnaire, the stored answers, which questions are shown now and the pages they fill."""
    questions = version_questions_for(response.wave.survey_version)
    stored = svc.stored_answers(response)
    shown = shown_questions(questions, codes_from_answers(stored.values()))
    pages = [p for p in pages_of(questions) if any(q.page == p for q in shown)]
    return questions, stored, shown, pages


def next_page_url(response: Response, *, after: int | None) -> str:
    """The first page shown after ``after`` (or the first of all), else the check page."""
    _questions, _stored, _shown, pages = response_state(response)
    for page in pages:
        if after is None or page > after:
            return reverse("surveys:page", args=[page])
    return reverse("surveys:check")


def resume_url(response: Response) -> str:
    """Where a returning resident carries on: the first page, in order, with a shown question not yet answered
    (shown given the answers so far, so skipped pages never count), else the check page.

    A page counts as done once it has an answer and every required question on it is answered: an optional
    question left blank does not call the resident back to a page they have been through."""
    _questions, stored, shown, pages = response_state(response)
    for page in pages:
        on_page = [q for q in shown if q.page == page]
        if not any(q.pk in stored for q in on_page) or any(q.required and q.pk not in stored for q in on_page):
            return reverse("surveys:page", args=[page])
    return reverse("surveys:check")


def resumable(request: HttpRequest, *, wave=None) -> Response | None:
    """The unfinished response this browser holds (for ``wave``, if given), to offer carrying on with it."""
    response = current_response(request)
    if response is None or response.status != ResponseStatus.IN_PROGRESS or response.wave.has_closed():
        return None
    if wave is not None and response.wave_id != wave.pk:
        return None
    return response


def _answer_text(question: Question, answer: Answer | None, lang: str) -> str:
    if answer is None:
        return ""
    if answer.option_id:
        return answer.option.label_in(lang)
    if answer.choices:
        labels = {o.code: o.label_in(lang) for o in question.options.all()}
        return ", ".join(labels.get(c, c) for c in answer.choices)
    if answer.number is not None:
        return number_shown(answer.number)
    return answer.text


def answer_rows(response: Response, lang: str) -> list[dict]:
    """Each question shown, with the answer given in words: for the check page and for review."""
    _questions, stored, shown, _pages = response_state(response)
    return [
        {"q": q, "text": q.text_in(lang), "answer": _answer_text(q, stored.get(q.pk), lang), "required": q.required}
        for q in shown
    ]
