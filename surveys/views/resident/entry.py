"""Starting a response: with the code from a letter, through a wave's own link or its open link; and the
language choice, which any resident page offers."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from indicators.accounts.ratelimit import client_address, rate_hit, rate_limited, rate_take
from indicators.places.models import Neighbourhood
from surveys.forms import CodeForm
from surveys.models import Response, ResponseStatus, Wave
from surveys.services import responses as svc
from surveys.views.resident.session import (
    SESSION_KEY,
    code_problem_page,
    current_response,
    language_code,
    paced,
    resumable,
    resume_url,
)

OPEN_SALT = "surveys.open-link"


def _begin(request: HttpRequest, response: Response) -> HttpResponse:
    """A new session key for the response, then where the resident stopped (the first page, for a new one)."""
    request.session.cycle_key()
    request.session[SESSION_KEY] = response.pk
    return redirect(resume_url(response))


def _carry_on(request: HttpRequest, *, wave: Wave | None = None) -> dict:
    """An unfinished response this browser holds, with where to carry on, for the start pages to offer."""
    response = resumable(request, wave=wave)
    if response is None:
        return {}
    return {"resume": response, "resume_url": resume_url(response)}


def _start_with_code(request: HttpRequest, *, wave: Wave | None) -> HttpResponse:
    who = client_address(request)
    form = CodeForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST":
        if rate_limited(scope="code", who=who, rate=settings.SURVEY_CODE_RATE):
            return render(request, "surveys/too_many.html", status=429)
        if form.is_valid():
            try:
                invitation = svc.code_check(code=form.cleaned_data["code"], wave=wave)
                response = svc.response_start(invitation=invitation, language=language_code())
            except svc.CodeProblem as problem:
                if problem.kind != svc.CodeProblem.WRONG:
                    return code_problem_page(request, problem)
                rate_hit(scope="code", who=who, rate=settings.SURVEY_CODE_RATE)
                form.add_error("code", _("We could not find that code. Check it against your letter and try again"))
            else:
                return _begin(request, response)
        else:
            rate_hit(scope="code", who=who, rate=settings.SURVEY_CODE_RATE)
    return render(request, "surveys/start.html", {"form": form, "wave": wave, **_carry_on(request, wave=wave)})


@require_http_methods(["GET", "POST"])
@paced
def start(request: HttpRequest) -> HttpResponse:
    return _start_with_code(request, wave=None)


@require_http_methods(["GET", "POST"])
@paced
def wave_start(request: HttpRequest, slug: str) -> HttpResponse:
    return _start_with_code(request, wave=get_object_or_404(Wave, slug=slug))


def _open_link_error(request: HttpRequest, chosen: Neighbourhood | None) -> str:
    """What stops an open-link start, in words for the resident; empty if nothing does."""
    try:
        issued = signing.loads(request.POST.get("t", ""), salt=OPEN_SALT, max_age=2 * 60 * 60)["t"]
    except (signing.BadSignature, KeyError, TypeError):
        issued = None
    if chosen is None:
        return _("Choose the neighbourhood you live in")
    # A form sent back faster than a person reads it is a script: ask again rather than say why.
    if issued is None or time.time() - issued < settings.SURVEY_OPEN_LINK_MIN_SECONDS:
        return _("Please check your answer and press Continue again")
    return ""


@require_http_methods(["GET", "POST"])
@paced
def open_start(request: HttpRequest, slug: str) -> HttpResponse:
    wave = get_object_or_404(Wave, slug=slug, open_link=True)
    if wave.has_closed():
        return code_problem_page(request, svc.CodeProblem(svc.CodeProblem.CLOSED))
    if not wave.is_open():
        return render(request, "surveys/code_problem.html", {"kind": svc.CodeProblem.NOT_OPEN, "wave": wave})
    # Residents find their place by the name people use.
    neighbourhoods = sorted(wave.neighbourhoods.all(), key=lambda n: n.display_name.casefold())
    error = ""
    if request.method == "POST":
        chosen = next((n for n in neighbourhoods if str(n.pk) == request.POST.get("neighbourhood")), None)
        error = _open_link_error(request, chosen)
        if not error:
            if not rate_take(scope="open", who=client_address(request), rate=settings.SURVEY_OPEN_LINK_RATE):
                return render(request, "surveys/too_many.html", status=429)
            return _begin(request, svc.response_start_open(wave=wave, neighbourhood=chosen, language=language_code()))
    context = {
        "wave": wave,
        "neighbourhoods": neighbourhoods,
        "token": signing.dumps({"t": time.time()}, salt=OPEN_SALT),
        "error": error,
        "chosen": request.POST.get("neighbourhood", ""),
        **_carry_on(request, wave=wave),
    }
    return render(request, "surveys/open_start.html", context, status=400 if error else 200)


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
        current = current_response(request)
        if current is not None and current.status == ResponseStatus.IN_PROGRESS:
            Response.objects.filter(pk=current.pk).update(language=chosen)
    return out
