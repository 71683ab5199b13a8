"""The questionnaire as residents see it, page by page, in English or Welsh, for staff to try: the resident
templates with the same questions, checks, messages and skip logic, but no response. What is typed is kept
only in the staff member's session, to decide skip logic and fill the pages in again."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods

from indicators.access.permissions import may_edit_questionnaires
from surveys.models import SurveyVersion
from surveys.selectors import pages_of, version_questions
from surveys.services.answering import answer_clean, as_list, shown_questions
from surveys.views.items import question_items
from surveys.views.resident.answering import page_heading

PREVIEW_KEY = "questionnaire_preview"
LANGUAGE_NAMES = {code: ("Welsh (Cymraeg)" if code == "cy" else name) for code, name in settings.LANGUAGES}


def _setup(request: HttpRequest, pk: int, lang: str) -> SurveyVersion:
    if not may_edit_questionnaires(request.user):
        raise PermissionDenied
    if lang not in LANGUAGE_NAMES:
        raise Http404
    try:
        return SurveyVersion.objects.select_related("survey").get(pk=pk)
    except SurveyVersion.DoesNotExist:
        raise Http404 from None


def _given(request: HttpRequest, version: SurveyVersion) -> dict[str, list[str]]:
    return dict(request.session.get(PREVIEW_KEY, {}).get(str(version.pk), {}))


def _keep(request: HttpRequest, version: SurveyVersion, given: dict[str, list[str]]) -> None:
    kept = dict(request.session.get(PREVIEW_KEY, {}))
    kept = {str(version.pk): given}  # one preview at a time is plenty
    request.session[PREVIEW_KEY] = kept


def _state(questions, given):
    """Which questions and pages a resident would see, given the answers typed so far."""
    codes = {}
    for q in questions:
        chosen = set(given.get(q.key, []))
        if q.has_options and chosen:
            codes[q.pk] = chosen
    shown = shown_questions(questions, codes)
    pages = [p for p in pages_of(questions) if any(q.page == p for q in shown)]
    return shown, pages


def _url(version: SurveyVersion, lang: str, number: int | None = None) -> str:
    if number is None:
        return reverse("surveys:editor-preview-end", args=[version.pk, lang])
    return reverse("surveys:editor-preview-page", args=[version.pk, lang, number])


def _render(request: HttpRequest, lang: str, template: str, context: dict, status: int = 200) -> HttpResponse:
    with translation.override(lang):
        request.LANGUAGE_CODE = lang
        response = render(request, template, context, status=status)
        response.headers["Content-Language"] = lang
    return response


@login_required
@require_GET
def preview_start(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    """A fresh preview: nothing typed yet, from the first page."""
    version = _setup(request, pk, lang)
    _keep(request, version, {})
    pages = pages_of(version_questions(version.pk))
    return redirect(_url(version, lang, pages[0]) if pages else _url(version, lang))


@login_required
@require_http_methods(["GET", "POST"])
def preview_page(request: HttpRequest, pk: int, lang: str, number: int) -> HttpResponse:
    version = _setup(request, pk, lang)
    questions = version_questions(version.pk)
    given = _given(request, version)
    shown, pages = _state(questions, given)
    if number not in pages:
        later = [p for p in pages if p > number]
        return redirect(_url(version, lang, later[0]) if later else _url(version, lang))
    on_page = [q for q in shown if q.page == number]
    errors: dict[str, str] = {}
    raw = {q.key: given.get(q.key, []) for q in on_page}
    if request.method == "POST":
        raw = {q.key: as_list(request.POST.getlist(q.key)) for q in on_page}
        leaving = request.POST.get("action") == "save_and_leave"
        with translation.override(lang):  # the residents' messages, in the page's language
            for q in on_page:
                try:
                    if not (leaving and not raw[q.key]):
                        answer_clean(question=q, raw=raw[q.key])
                except ValueError as exc:
                    errors[q.key] = str(exc)
        if not errors:
            given.update(raw)
            _keep(request, version, given)
            if leaving:
                messages.info(
                    request,
                    "In the survey, “Save and come back later” keeps the answers and tells the resident how to "
                    "return. A preview keeps nothing.",
                )
                return redirect(_url(version, lang, number))
            shown, pages = _state(questions, given)
            later = [p for p in pages if p > number]
            return redirect(_url(version, lang, later[0]) if later else _url(version, lang))
    index = pages.index(number)
    other = "cy" if lang == "en" else "en"
    with translation.override(lang):
        heading = page_heading(on_page)
        items = question_items(on_page, raw, errors, lang)
    context = {
        "response": SimpleNamespace(neighbourhood=SimpleNamespace(known_as="", name="[neighbourhood name]")),
        "heading": heading,
        "items": items,
        "errors": errors,
        "page_number": index + 1,
        "page_count": len(pages),
        "back": _url(version, lang, pages[index - 1]) if index else reverse("surveys:editor-version", args=[pk]),
        "from_check": False,
        "preview": {
            "version": version,
            "lang": lang,
            "language": LANGUAGE_NAMES[lang],
            "other": other,
            "other_name": LANGUAGE_NAMES[other],
            "other_url": _url(version, other, number),
            "restart": reverse("surveys:editor-preview", args=[pk, lang]),
        },
    }
    return _render(request, lang, "surveys/editor/preview_page.html", context, status=400 if errors else 200)


@login_required
@require_GET
def preview_end(request: HttpRequest, pk: int, lang: str) -> HttpResponse:
    """After the last page: what residents would now check and send, in the preview's language."""
    version = _setup(request, pk, lang)
    questions = version_questions(version.pk)
    given = _given(request, version)
    shown, _pages = _state(questions, given)
    rows = []
    with translation.override(lang):
        for q in shown:
            labels = {o.code: o.label_in(lang) for o in q.options.all()}
            answer = ", ".join(labels.get(v, v) for v in given.get(q.key, []))
            rows.append({"q": q, "text": q.text_in(lang), "answer": answer, "required": q.required})
    return render(
        request,
        "surveys/editor/preview_end.html",
        {
            "version": version,
            "rows": rows,
            "lang": lang,
            "language": LANGUAGE_NAMES[lang],
            "restart": reverse("surveys:editor-preview", args=[pk, lang]),
            "other_restart": reverse("surveys:editor-preview", args=[pk, "cy" if lang == "en" else "en"]),
            "other_name": LANGUAGE_NAMES["cy" if lang == "en" else "en"],
        },
    )
