"""The pages residents see: code entry, questions page by page, check answers, confirmation.

Thin: every rule lives in surveys.services. The resident's response is found
through the session, which holds only the response's id. Works without
JavaScript.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from indicators.accounts.ratelimit import client_address, rate_hit, rate_limited, rate_take
from surveys.forms import CodeForm
from surveys.models import Factor, Response, ResponseStatus, Wave
from surveys.selectors import pages_of, version_questions_for
from surveys.services import responses as svc
from surveys.services.answering import AnswerErrors, codes_from_answers, raw_from_answer, shown_questions

SESSION_KEY = "survey_response"


def paced(view):
    """Every resident page counts against one per-address allowance (SURVEY_PAGE_RATE), shared through
    the cache: generous for a person, a wall for a script hammering the pages."""
    from functools import wraps

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not rate_take(scope="pages", who=client_address(request), rate=settings.SURVEY_PAGE_RATE):
            return render(request, "surveys/too_many.html", status=429)
        return view(request, *args, **kwargs)

    return wrapped


REVIEW_KEY = "survey_review"
OPEN_SALT = "surveys.open-link"


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _current(request: HttpRequest) -> Response | None:
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return Response.objects.select_related("wave__survey_version", "neighbourhood").filter(pk=pk).first()


def _problem(request: HttpRequest, problem: svc.CodeProblem, *, status: int = 200) -> HttpResponse:
    invitation = problem.invitation
    context = {"kind": problem.kind, "wave": invitation.wave if invitation else None}
    if problem.kind == svc.CodeProblem.USED and invitation is not None:
        response = Response.objects.filter(invitation=invitation, status=ResponseStatus.COMPLETED).first()
        if response is not None:
            request.session[REVIEW_KEY] = response.pk
            context["can_review"] = True
    return render(request, "surveys/code_problem.html", context, status=status)


def _start_with_code(request: HttpRequest, *, wave: Wave | None) -> HttpResponse:
    who = client_address(request)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        if rate_limited(scope="code", who=who, rate=settings.SURVEY_CODE_RATE):
            return render(request, "surveys/too_many.html", status=429)
        if form.is_valid():
            try:
                invitation = svc.code_check(code=form.cleaned_data["code"], wave=wave)
                response = svc.response_start(invitation=invitation, language=_language())
            except svc.CodeProblem as problem:
                if problem.kind == svc.CodeProblem.WRONG:
                    rate_hit(scope="code", who=who, rate=settings.SURVEY_CODE_RATE)
                    form.add_error(
                        "code",
                        _("We could not find that code. Check it against your letter and try again"),
                    )
                else:
                    return _problem(request, problem)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = response.pk
                return redirect(_next_url(response, after=None))
        else:
            rate_hit(scope="code", who=who, rate=settings.SURVEY_CODE_RATE)
    return render(request, "surveys/start.html", {"form": form, "wave": wave})


@require_http_methods(["GET", "POST"])
@paced
def start(request: HttpRequest) -> HttpResponse:
    return _start_with_code(request, wave=None)


@require_http_methods(["GET", "POST"])
@paced
def wave_start(request: HttpRequest, slug: str) -> HttpResponse:
    return _start_with_code(request, wave=get_object_or_404(Wave, slug=slug))


@require_http_methods(["GET", "POST"])
@paced
def open_start(request: HttpRequest, slug: str) -> HttpResponse:
    wave = get_object_or_404(Wave, slug=slug, open_link=True)
    if wave.has_closed():
        return _problem(request, svc.CodeProblem(svc.CodeProblem.CLOSED))
    if not wave.is_open():
        return render(request, "surveys/code_problem.html", {"kind": svc.CodeProblem.NOT_OPEN, "wave": wave})
    neighbourhoods = list(wave.neighbourhoods.order_by("name"))
    error = ""
    if request.method == "POST":
        try:
            issued = signing.loads(request.POST.get("t", ""), salt=OPEN_SALT, max_age=2 * 60 * 60)["t"]
        except (signing.BadSignature, KeyError, TypeError):
            issued = None
        chosen = next((n for n in neighbourhoods if str(n.pk) == request.POST.get("neighbourhood")), None)
        if chosen is None:
            error = _("Choose the neighbourhood you live in")
        elif issued is None or time.time() - issued < settings.SURVEY_OPEN_LINK_MIN_SECONDS:
            error = _("Please check your answer and press Continue again")
        elif not rate_take(scope="open", who=client_address(request), rate=settings.SURVEY_OPEN_LINK_RATE):
            return render(request, "surveys/too_many.html", status=429)
        else:
            response = svc.response_start_open(wave=wave, neighbourhood=chosen, language=_language())
            request.session.cycle_key()
            request.session[SESSION_KEY] = response.pk
            return redirect(_next_url(response, after=None))
    token = signing.dumps({"t": time.time()}, salt=OPEN_SALT)
    return render(
        request,
        "surveys/open_start.html",
        {
            "wave": wave,
            "neighbourhoods": neighbourhoods,
            "token": token,
            "error": error,
            "chosen": request.POST.get("neighbourhood", ""),
        },
        status=400 if error else 200,
    )


@require_POST
@paced
def language(request: HttpRequest) -> HttpResponse:
    chosen = request.POST.get("language", "en")
    nxt = request.POST.get("next") or reverse("surveys:start")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = reverse("surveys:start")
    out = redirect(nxt)
    if chosen in dict(settings.LANGUAGES):
        out.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 60 * 60, samesite="Lax")
        current = _current(request)
        if current is not None and current.status == ResponseStatus.IN_PROGRESS:
            Response.objects.filter(pk=current.pk).update(language=chosen)
    return out


# --- Page by page ---------------------------------------------------------------


def _state(response: Response):
    """The questionnaire, the stored answers and which questions are shown now."""
    questions = version_questions_for(response.wave.survey_version)
    stored = svc.stored_answers(response)
    shown = shown_questions(questions, codes_from_answers(stored.values()))
    pages = [p for p in pages_of(questions) if any(q.page == p for q in shown)]
    return questions, stored, shown, pages


def _next_url(response: Response, *, after: int | None) -> str:
    _questions, _stored, _shown, pages = _state(response)
    for page in pages:
        if after is None or page > after:
            return reverse("surveys:page", args=[page])
    return reverse("surveys:check")


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


def page_heading(questions) -> str:
    first = questions[0]
    if first.kind == "scale_0_10" and not first.scored:
        return _("How you feel")
    return _(HEADINGS[first.factor])


def _items(questions, raw_by_key, errors, lang):
    items = []
    for q in questions:
        selected = raw_by_key.get(q.key, [])
        items.append(
            {
                "q": q,
                "text": q.text_in(lang),
                "hint": q.hint_in(lang),
                "error": errors.get(q.key, ""),
                "value": selected[0] if selected and not q.has_options else "",
                "options": [
                    {"code": o.code, "label": o.label_in(lang), "checked": o.code in selected, "exclusive": o.exclusive}
                    for o in q.options.all()
                ],
            }
        )
    return items


def _require_in_progress(request: HttpRequest) -> Response | HttpResponse:
    response = _current(request)
    if response is None:
        return render(request, "surveys/session_ended.html", status=200)
    if response.status == ResponseStatus.COMPLETED:
        return redirect("surveys:done")
    if response.status == ResponseStatus.WITHDRAWN:
        return render(request, "surveys/code_problem.html", {"kind": svc.CodeProblem.WITHDRAWN})
    if response.wave.has_closed():
        return render(request, "surveys/code_problem.html", {"kind": svc.CodeProblem.CLOSED, "wave": response.wave})
    return response


@require_http_methods(["GET", "POST"])
@paced
def page(request: HttpRequest, number: int) -> HttpResponse:
    response = _require_in_progress(request)
    if isinstance(response, HttpResponse):
        return response
    _questions, stored, shown, pages = _state(response)
    if number not in pages:
        return redirect(_next_url(response, after=number))
    on_page = [q for q in shown if q.page == number]
    lang = _language()
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = {q.key: request.POST.getlist(q.key) for q in on_page}
        try:
            svc.page_answers_save(response=response, page=number, raw=raw)
        except AnswerErrors as exc:
            errors = exc.errors
        except svc.CodeProblem as problem:
            return _problem(request, problem)
        else:
            if request.POST.get("action") == "save_and_leave":
                return redirect("surveys:saved")
            if request.GET.get("from") == "check":
                return redirect(_next_url_from_check(response, number))
            return redirect(_next_url(response, after=number))
        raw_by_key = raw
    else:
        raw_by_key = {q.key: raw_from_answer(stored[q.pk]) for q in on_page if q.pk in stored}
    index = pages.index(number)
    back = reverse("surveys:page", args=[pages[index - 1]]) if index else reverse("surveys:start")
    return render(
        request,
        "surveys/page.html",
        {
            "response": response,
            "heading": page_heading(on_page),
            "items": _items(on_page, raw_by_key, errors, lang),
            "errors": errors,
            "page_number": index + 1,
            "page_count": len(pages),
            "back": back,
            "from_check": request.GET.get("from") == "check",
        },
        status=400 if errors else 200,
    )


def _next_url_from_check(response: Response, number: int) -> str:
    """After changing an answer from the check page: go on through any question it newly revealed."""
    missing = svc.response_missing_questions(response=response)
    later = [q for q in missing if q.page > number]
    if later:
        return reverse("surveys:page", args=[later[0].page])
    return reverse("surveys:check")


def _summary(response: Response, lang: str):
    _questions, stored, shown, _pages = _state(response)
    rows = []
    for q in shown:
        a = stored.get(q.pk)
        if a is None:
            answer = ""
        elif a.option_id:
            answer = a.option.label_in(lang)
        elif a.choices:
            labels = {o.code: o.label_in(lang) for o in q.options.all()}
            answer = ", ".join(labels.get(c, c) for c in a.choices)
        elif a.number is not None:
            answer = str(a.number)
        else:
            answer = a.text
        rows.append({"q": q, "text": q.text_in(lang), "answer": answer, "required": q.required})
    return rows


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
            return _problem(request, problem)
        except AnswerErrors:
            missing = svc.response_missing_questions(response=response)
        else:
            return redirect("surveys:done")
    _q, _s, _shown, pages = _state(response)
    return render(
        request,
        "surveys/check.html",
        {
            "rows": _summary(response, _language()),
            "missing": missing,
            "back": reverse("surveys:page", args=[pages[-1]]) if pages else reverse("surveys:start"),
        },
        status=400 if missing and request.method == "POST" else 200,
    )


@paced
def done(request: HttpRequest) -> HttpResponse:
    response = _current(request)
    if response is None or response.status != ResponseStatus.COMPLETED:
        return redirect("surveys:start")
    return render(request, "surveys/done.html", {"response": response})


@paced
def saved(request: HttpRequest) -> HttpResponse:
    response = _current(request)
    if response is None:
        return redirect("surveys:start")
    context = {"response": response, "has_code": response.invitation_id is not None}
    if response.invitation_id is not None:
        request.session.pop(SESSION_KEY, None)  # the code brings them back; a shared phone forgets them
    return render(request, "surveys/saved.html", context)


# --- Seeing and withdrawing given answers ---------------------------------------------


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
    return render(request, "surveys/your_answers.html", {"rows": _summary(response, _language()), "response": response})


@require_http_methods(["GET", "POST"])
@paced
def withdraw(request: HttpRequest) -> HttpResponse:
    response = _reviewable(request)
    if response is None:
        return render(request, "surveys/session_ended.html")
    if request.method == "POST":
        if request.POST.get("confirm") == "no":
            return redirect("surveys:your-answers")
        if request.POST.get("confirm") != "yes":
            return render(
                request, "surveys/withdraw.html", {"error": _("Choose yes to withdraw your answers")}, status=400
            )
        try:
            svc.response_withdraw(response=response)
        except (svc.CodeProblem, ValidationError) as problem:
            return _problem(
                request, problem if isinstance(problem, svc.CodeProblem) else svc.CodeProblem(svc.CodeProblem.CLOSED)
            )
        request.session.pop(REVIEW_KEY, None)
        request.session.pop(SESSION_KEY, None)
        return render(request, "surveys/withdrawn.html")
    return render(request, "surveys/withdraw.html")
