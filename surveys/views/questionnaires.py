"""The questionnaire editor for staff: questionnaires and their versions, questions and their answers, and a
preview of the resident pages in each language. Plain forms that work without JavaScript; every write goes
through surveys.services.questionnaire_editor, and the audit middleware records each POST as a change."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators.access.permissions import may_edit_questionnaires
from surveys import selectors
from surveys.bank_forms import BankFilterForm
from surveys.editor_forms import NewQuestionForm, NewQuestionnaireForm, QuestionForm, option_rows
from surveys.models import BankItem, Question, Response, Survey, SurveyVersion, Wave
from surveys.selectors import version_questions
from surveys.services import questionnaire_editor as editor
from surveys.services.questionnaire_editor import OptionInput, VersionFrozen


def _editor(request: HttpRequest) -> None:
    if not may_edit_questionnaires(request.user):
        raise PermissionDenied


def _version(pk: int) -> SurveyVersion:
    try:
        return SurveyVersion.objects.select_related("survey").get(pk=pk)
    except SurveyVersion.DoesNotExist:
        raise Http404 from None


def _question(pk: int) -> Question:
    try:
        return Question.objects.select_related("version__survey", "show_if_question").get(pk=pk)
    except Question.DoesNotExist:
        raise Http404 from None


def _waves(request: HttpRequest, version: SurveyVersion) -> dict:
    """The waves using a version: those the user sees by name, the others counted."""
    waves = Wave.objects.filter(survey_version=version)
    visible = list(waves.filter(pk__in=Wave.objects.visible_to(request.user).values("pk")).order_by("-opens_on"))
    return {"waves": visible, "other_waves": waves.count() - len(visible)}


def _version_state(request: HttpRequest, version: SurveyVersion) -> dict:
    responses = Response.objects.filter(wave__survey_version=version).count()
    return {
        "version": version,
        "frozen": responses > 0,
        "responses": responses,
        "may_edit": editor.version_may_edit(user=request.user, version=version),
        **_waves(request, version),
    }


def _frozen(request: HttpRequest, version: SurveyVersion, *, status: int = 409) -> HttpResponse:
    """The refusal: the version has answers; the way on is a copy."""
    return render(request, "surveys/editor/frozen.html", _version_state(request, version), status=status)


def _errors_onto(form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# --- Questionnaires and versions -------------------------------------------------------------------------------


@login_required
@require_GET
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    _editor(request)
    surveys = []
    for survey in Survey.objects.prefetch_related("versions").order_by("name"):
        versions = [_version_state(request, v) for v in survey.versions.order_by("-number")]
        for state in versions:
            state["questions"] = state["version"].questions.count()
        surveys.append({"survey": survey, "versions": versions})
    return render(request, "surveys/editor/list.html", {"surveys": surveys})


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_new(request: HttpRequest) -> HttpResponse:
    """Start a questionnaire from nothing: a name, then an empty version 1 to add questions to."""
    _editor(request)
    form = NewQuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = editor.questionnaire_start_empty(
                user=request.user, name=form.cleaned_data["name"], description=form.cleaned_data["description"]
            )
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            request.audit_detail = {"did": "questionnaire started", "new_version": version.pk}
            messages.success(
                request, f"“{version.survey.name}” made, with an empty version 1. Add its questions below."
            )
            return redirect("surveys:editor-version", pk=version.pk)
    return render(request, "surveys/editor/questionnaire_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_GET
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    version = _version(pk)
    questions = version_questions(version.pk)
    pages: list[dict] = []
    by_pk = {q.pk: q for q in questions}
    for q in questions:
        if q.show_if_question_id in by_pk:  # the parent's options are prefetched through the list
            labels = {o.code: o.label for o in by_pk[q.show_if_question_id].options.all()}
            q.show_if_labels = [labels.get(code, code) for code in q.show_if_values]
        if not pages or pages[-1]["number"] != q.page:
            pages.append({"number": q.page, "questions": []})
        pages[-1]["questions"].append(q)
    for n, page in enumerate(pages, start=1):
        page["shown_as"] = n
    context = {**_version_state(request, version), "pages": pages, "count": len(questions)}
    return render(request, "surveys/editor/version.html", context)


@login_required
@require_POST
def version_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    version = _version(pk)
    copy = editor.version_copy_for_editing(user=request.user, version=version)
    request.audit_detail = {"did": "version copied", "from_version": version.pk, "new_version": copy.pk}
    messages.success(request, f"Version {copy.number} made: a copy of version {version.number} that you can change.")
    return redirect("surveys:editor-version", pk=copy.pk)


# --- Questions -------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def question_new(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    version = _version(pk)
    state = _version_state(request, version)
    if state["frozen"]:
        return _frozen(request, version, status=409 if request.method == "POST" else 200)
    if not state["may_edit"]:
        raise PermissionDenied
    questions = version_questions(version.pk)
    form = NewQuestionForm(request.POST or None, questions=questions, initial={"page": None})
    if request.method == "POST" and form.is_valid():
        try:
            question = editor.question_add(
                user=request.user,
                version=version,
                data=form.as_input(),
                answers=form.cleaned_data["answers"].splitlines(),
                best_first=form.cleaned_data["best_first"],
            )
        except VersionFrozen:
            return _frozen(request, version)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            request.audit_detail = {"did": "question added", "version": version.pk, "question": question.key}
            messages.success(request, f"Question {question.position} added: “{question.text}”.")
            return redirect(reverse("surveys:editor-version", args=[version.pk]) + f"#question-{question.pk}")
    return render(
        request,
        "surveys/editor/question_form.html",
        {**state, "form": form, "question": None},
        status=400 if form.errors else 200,
    )


def _option_context(question: Question, rows: list[OptionInput] | None) -> list[dict]:
    """The answers form's rows: as posted (after an error), else as stored; and one empty row to add."""
    if rows is None:
        rows = [
            OptionInput(
                pk=o.pk,
                code=o.code,
                label=o.label,
                label_cy=(o.translations or {}).get("cy", {}).get("label", ""),
                score=o.score,
                exclusive=o.exclusive,
            )
            for o in question.options.all()
        ]
    return [*rows, OptionInput(pk=None, code="", label="")]


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    question = _question(pk)
    version = question.version
    state = _version_state(request, version)
    if state["frozen"]:
        return _frozen(request, version, status=409 if request.method == "POST" else 200)
    if not state["may_edit"]:
        raise PermissionDenied
    questions = version_questions(version.pk)
    form = QuestionForm(
        request.POST or None, questions=questions, question=question, initial=QuestionForm.initial_for(question)
    )
    if request.method == "POST" and form.is_valid():
        try:
            editor.question_edit(user=request.user, question=question, data=form.as_input())
        except VersionFrozen:
            return _frozen(request, version)
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            request.audit_detail = {"did": "question changed", "version": version.pk, "question": question.key}
            messages.success(request, "Question saved.")
            return redirect("surveys:editor-question", pk=question.pk)
    return _question_page(request, state, question, form=form, status=400 if form.errors else 200)


def _question_page(request, state, question, *, form, rows=None, option_errors=(), status=200) -> HttpResponse:
    question.refresh_from_db()
    return render(
        request,
        "surveys/editor/question_form.html",
        {
            **state,
            "form": form,
            "question": question,
            "options": _option_context(question, rows) if question.has_options else [],
            "option_errors": list(option_errors),
            "bank_item": getattr(question, "bank_item", None),
        },
        status=status,
    )


@login_required
@require_POST
def question_options(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    question = _question(pk)
    version = question.version
    state = _version_state(request, version)
    if state["frozen"]:
        return _frozen(request, version)
    rows, errors = option_rows(request.POST)
    move = None
    action = request.POST.get("action", "")
    if action.startswith(("up:", "down:")):
        direction, _sep, option_pk = action.partition(":")
        if option_pk.isdigit():
            move = (int(option_pk), direction)
    if not errors:
        try:
            editor.options_save(user=request.user, question=question, rows=rows, move=move)
        except VersionFrozen:
            return _frozen(request, version)
        except ValidationError as exc:
            errors = {name: " ".join(msgs) for name, msgs in exc.message_dict.items()}
        else:
            request.audit_detail = {"did": "answers changed", "version": version.pk, "question": question.key}
            messages.success(request, "Answers saved.")
            return redirect(reverse("surveys:editor-question", args=[question.pk]) + "#answers")
    form = QuestionForm(
        questions=version_questions(version.pk), question=question, initial=QuestionForm.initial_for(question)
    )
    return _question_page(request, state, question, form=form, rows=rows, option_errors=errors.values(), status=400)


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    question = _question(pk)
    try:
        editor.question_move(user=request.user, question=question, direction=request.POST.get("direction", ""))
    except VersionFrozen:
        return _frozen(request, question.version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        request.audit_detail = {"did": f"question moved {request.POST.get('direction')}", "question": question.key}
    return redirect(reverse("surveys:editor-version", args=[question.version_id]) + f"#question-{question.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    question = _question(pk)
    version = question.version
    state = _version_state(request, version)
    if state["frozen"]:
        return _frozen(request, version, status=409 if request.method == "POST" else 200)
    if not state["may_edit"]:
        raise PermissionDenied
    problem = ""
    if request.method == "POST":
        try:
            editor.question_remove(user=request.user, question=question)
        except VersionFrozen:
            return _frozen(request, version)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            request.audit_detail = {"did": "question removed", "version": version.pk, "question": question.key}
            messages.success(request, f"Question removed: “{question.text}”.")
            return redirect("surveys:editor-version", pk=version.pk)
    return render(
        request,
        "surveys/editor/question_remove.html",
        {**state, "question": question, "problem": problem},
        status=400 if problem else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_from_bank(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick a question bank item (shared, or the user's council's own) and add it to the version."""
    _editor(request)
    version = _version(pk)
    state = _version_state(request, version)
    if state["frozen"]:
        return _frozen(request, version, status=409 if request.method == "POST" else 200)
    if not state["may_edit"]:
        raise PermissionDenied
    problem = ""
    if request.method == "POST":
        page_text = request.POST.get("page", "").strip()
        try:
            item = selectors.bank_item_for(user=request.user, pk=int(request.POST.get("item", "")))
            page = int(page_text) if page_text else None
        except (ValueError, BankItem.DoesNotExist):
            problem = "Choose a question from the list, and a page as a whole number (or leave the page empty)."
        else:
            try:
                question = editor.question_add_from_bank_item(user=request.user, version=version, item=item, page=page)
            except VersionFrozen:
                return _frozen(request, version)
            except ValidationError as exc:
                problem = " ".join(exc.messages)
            else:
                request.audit_detail = {"did": "question added from the bank", "version": version.pk, "item": item.key}
                messages.success(
                    request, f"Question {question.position} added from the question bank: “{question.text}”."
                )
                return redirect(reverse("surveys:editor-version", args=[version.pk]) + f"#question-{question.pk}")
    filters = BankFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    items = selectors.bank_items(
        user=request.user,
        factor=chosen.get("factor", ""),
        source_kind=chosen.get("source", ""),
        search=chosen.get("search", ""),
    )
    asked = dict(version.questions.filter(bank_item__isnull=False).values_list("bank_item_id", "position"))
    last_page = max(version.questions.values_list("page", flat=True), default=0)
    return render(
        request,
        "surveys/editor/bank_pick.html",
        {**state, "filters": filters, "items": items, "asked": asked, "last_page": last_page, "problem": problem},
        status=400 if problem else 200,
    )
