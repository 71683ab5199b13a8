"""Pages for staff: waves, response counts, invitation codes, exports and paper entry."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.access.permissions import (
    is_staff_member,
    may_enter_paper,
    may_manage_waves,
)
from indicators.core.downloads import attachment
from indicators.places.models import Neighbourhood
from surveys import reach, selectors
from surveys.forms import CodesForm, ReminderForm, WaveForm
from surveys.models import SurveyVersion, Wave
from surveys.services import exports, letters, reminders
from surveys.services import responses as svc
from surveys.services.answering import AnswerErrors, as_list
from surveys.services.waves import invitations_create, survey_url_for_code, wave_create, wave_may_manage
from surveys.views.items import question_items

PAPER_CODE_PROBLEMS = {
    # Also a code of another authority's neighbourhood: whether it exists elsewhere is not for the officer to learn.
    svc.CodeProblem.WRONG: "No invitation in your neighbourhoods has this code: check it against the questionnaire",
    svc.CodeProblem.USED: "This code has already been used: the household answered already",
    svc.CodeProblem.WITHDRAWN: "The answers sent with this code were withdrawn: the code cannot be used again",
    svc.CodeProblem.OTHER_WAVE: "This code belongs to a different wave",
    svc.CodeProblem.CLOSED: "This wave has closed: enter the questionnaire without its code",
    svc.CodeProblem.NOT_OPEN: "This wave has not opened yet",
}


def _staff(request: HttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied


def _wave(request: HttpRequest, pk: int) -> Wave:
    try:
        return selectors.wave_detail(user=request.user, pk=pk)
    except Wave.DoesNotExist:
        raise Http404 from None


def _managed_wave(request: HttpRequest, pk: int) -> Wave:
    wave = _wave(request, pk)
    if not wave_may_manage(user=request.user, wave=wave):
        raise PermissionDenied
    return wave


@login_required
@require_GET
def wave_list(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "surveys/staff/wave_list.html",
        {"waves": selectors.wave_list(user=request.user), "can_create": may_manage_waves(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest) -> HttpResponse:
    if not may_manage_waves(request.user):
        raise PermissionDenied
    versions = SurveyVersion.objects.select_related("survey").order_by("survey__name", "-number")
    form = WaveForm(
        request.POST or None, versions=versions, neighbourhoods=Neighbourhood.objects.visible_to(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            wave = wave_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            messages.success(request, f"{wave.name} created.")
            return redirect("surveys:wave-detail", pk=wave.pk)
    return render(request, "surveys/staff/wave_form.html", {"form": form, "no_versions": not versions.exists()})


@login_required
@require_GET
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    wave = _wave(request, pk)
    neighbourhoods = wave.neighbourhoods.filter(pk__in=Neighbourhood.objects.visible_to(request.user).values("pk"))
    counts = {row["neighbourhood_id"]: row for row in selectors.response_counts(user=request.user, wave=wave)}
    invitations = selectors.invitation_counts(wave=wave, neighbourhoods=neighbourhoods)
    rows = [
        {"neighbourhood": n, "counts": counts.get(n.pk, {}), "invitations": invitations.get(n.pk, 0)}
        for n in neighbourhoods.order_by("name")
    ]
    manage = wave_may_manage(user=request.user, wave=wave)
    return render(
        request,
        "surveys/staff/wave_detail.html",
        {
            "wave": wave,
            "rows": rows,
            "manage": manage,
            **_reach(wave, neighbourhoods, manage),
            "codes_form": CodesForm(neighbourhoods=neighbourhoods) if manage else None,
            "open_url": reverse("surveys:open", args=[wave.slug]) if wave.open_link else "",
            "disclosure_min": settings.REBALANCE_DISCLOSURE_MIN_RESPONSES,  # said beside the export links
        },
    )


def _reach(wave: Wave, neighbourhoods, manage: bool) -> dict:
    """The wave page's letters and responses by week, and who answered against who lives there."""
    who = reach.who_answered(wave=wave, neighbourhoods=neighbourhoods)
    unused = dict(reach.reminder_choices(who))
    form = None
    if manage and unused and not wave.has_closed():
        form = ReminderForm(neighbourhoods=neighbourhoods.filter(pk__in=unused), labels=unused)
    return {
        "weeks": reach.weeks(wave=wave, neighbourhoods=neighbourhoods),
        "who_answered": who,
        "reminder_form": form,
        "underrep_words": reach.ratio_words(settings.REBALANCE_UNDERREPRESENTED_RATIO),
    }


@login_required
@require_POST
def wave_reminders(request: HttpRequest, pk: int) -> HttpResponse:
    """Reminder letters (PDF) for one neighbourhood's unused codes; the printing is recorded, no code changes."""
    wave = _managed_wave(request, pk)
    neighbourhoods = wave.neighbourhoods.filter(pk__in=Neighbourhood.objects.visible_to(request.user).values("pk"))
    form = ReminderForm(request.POST, neighbourhoods=neighbourhoods)
    if not form.is_valid():
        messages.error(request, "Choose a neighbourhood of this wave to print reminders for.")
        return redirect("surveys:wave-detail", pk=wave.pk)
    neighbourhood = form.cleaned_data["neighbourhood"]
    try:
        printed = reminders.reminders_print(wave=wave, neighbourhood=neighbourhood, printed_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:wave-detail", pk=wave.pk)
    rows = [(neighbourhood.display_name, code, survey_url_for_code(code=code)) for code in printed.codes]
    start_url = survey_url_for_code(code="").split("?")[0]
    pdf = letters.letters_pdf(wave=wave, neighbourhood=neighbourhood, rows=rows, start_url=start_url, reminder=True)
    request.audit_detail = {
        "letters": "reminder",
        "batch": printed.batch.pk,
        "neighbourhood": neighbourhood.pk,
        "codes": len(printed.codes),
        "not_reprinted": printed.not_reprinted,
    }
    out = HttpResponse(pdf, content_type="application/pdf")
    return attachment(out, f"{wave.slug}-{neighbourhood.pk}-reminders{printed.batch.pk}.pdf")


@login_required
@require_POST
def wave_codes(request: HttpRequest, pk: int) -> HttpResponse:
    wave = _managed_wave(request, pk)
    neighbourhoods = wave.neighbourhoods.filter(pk__in=Neighbourhood.objects.visible_to(request.user).values("pk"))
    form = CodesForm(request.POST, neighbourhoods=neighbourhoods)
    if not form.is_valid():
        messages.error(request, "Choose a neighbourhood, a number of codes between 1 and 5000, and a format.")
        return redirect("surveys:wave-detail", pk=wave.pk)
    neighbourhood = form.cleaned_data["neighbourhood"]
    try:
        made = invitations_create(
            wave=wave, neighbourhood=neighbourhood, count=form.cleaned_data["count"], created_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:wave-detail", pk=wave.pk)
    rows = [(neighbourhood.display_name, code, survey_url_for_code(code=code)) for _inv, code in made]
    stem = f"{wave.slug}-{neighbourhood.pk}-batch{made[0][0].batch}"
    fmt = form.cleaned_data["format"]
    start_url = survey_url_for_code(code="").split("?")[0]
    if fmt == "pdf":
        out = HttpResponse(
            letters.letters_pdf(wave=wave, neighbourhood=neighbourhood, rows=rows, start_url=start_url),
            content_type="application/pdf",
        )
    elif fmt == "zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr(f"{stem}-codes.csv", exports.codes_csv(wave=wave, rows=rows))
            pdf = letters.letters_pdf(wave=wave, neighbourhood=neighbourhood, rows=rows, start_url=start_url)
            bundle.writestr(f"{stem}-letters.pdf", pdf)
        out = HttpResponse(buffer.getvalue(), content_type="application/zip")
    else:
        out = HttpResponse(exports.codes_csv(wave=wave, rows=rows), content_type="text/csv; charset=utf-8")
    kind = {"csv": "codes", "pdf": "letters", "zip": "codes-and-letters"}[fmt]
    return attachment(out, f"{stem}-{kind}.{fmt}")


@login_required
@require_GET
def wave_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    wave = _wave(request, pk)
    include_free_text = request.GET.get("free_text") == "1"
    if fmt == "xlsx":
        body, export = exports.export_xlsx(user=request.user, wave=wave, include_free_text=include_free_text)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, export = exports.export_csv(user=request.user, wave=wave, include_free_text=include_free_text)
        content_type = "text/csv; charset=utf-8"
    request.audit_detail = export.audit_detail()  # the audit middleware records it with the download
    out = HttpResponse(body, content_type=content_type)
    return attachment(out, f"{wave.slug}-responses.{fmt}")


@login_required
@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_enter_paper(request.user):
        raise PermissionDenied
    wave = _wave(request, pk)
    neighbourhoods = list(
        wave.neighbourhoods.filter(pk__in=Neighbourhood.objects.visible_to(request.user).values("pk")).order_by("name")
    )
    questions = selectors.version_questions(wave.survey_version_id)
    errors: dict[str, str] = {}
    raw: dict[str, list[str]] = {}
    chosen = request.POST.get("neighbourhood", "")
    if request.method == "POST":
        raw = {q.key: as_list(request.POST.getlist(q.key)) for q in questions}
        neighbourhood = next((n for n in neighbourhoods if str(n.pk) == chosen), None)
        code = request.POST.get("code", "")
        if neighbourhood is None and not code.strip():
            errors["neighbourhood"] = "Choose the neighbourhood the questionnaire came from"
        else:
            try:
                response = svc.paper_response_create(
                    user=request.user, wave=wave, neighbourhood=neighbourhood, raw=raw, code=code
                )
            except AnswerErrors as exc:
                errors = exc.errors
            except svc.CodeProblem as problem:
                errors["code"] = PAPER_CODE_PROBLEMS.get(problem.kind, "This code cannot be used")
            except ValidationError as exc:
                errors["neighbourhood"] = " ".join(exc.messages)
            else:
                messages.success(
                    request, f"Paper questionnaire for {response.neighbourhood} saved. Enter the next one."
                )
                return redirect("surveys:paper", pk=wave.pk)
    return render(
        request,
        "surveys/staff/paper.html",
        {
            "wave": wave,
            "neighbourhoods": neighbourhoods,
            "chosen": chosen,
            "code": request.POST.get("code", ""),
            "items": question_items(questions, raw, errors, "en"),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
