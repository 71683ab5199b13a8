"""Demo questionnaire editor: the Leeds officer may change questionnaires, and has begun a draft version of the
default questionnaire (a copy of the fielded one) with Leeds's own park question from the question bank and a
question of its own, in English and Welsh. Made through the editor's service, as the officer would through the
pages. Idempotent: an existing draft is left alone."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from surveys.models import BankItem, Question
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.questionnaire_editor import (
    QuestionInput,
    question_add,
    question_add_from_bank_item,
    version_copy_for_editing,
)

OFFICER = "officer.leeds"
OWN_QUESTION = QuestionInput(
    key="community_hub_used",
    text="Have you been to the new community hub on the estate in the last three months?",
    text_cy="Ydych chi wedi bod i’r hwb cymunedol newydd ar yr ystad yn ystod y tri mis diwethaf?",
    hint="The hub opened in the old library on Stanks Drive.",
    hint_cy="Agorodd yr hwb yn yr hen lyfrgell ar Stanks Drive.",
    kind="yes_no",
    factor="work_connection",
    page=None,
)


@transaction.atomic
def seed_questionnaire_editor() -> str:
    officer = get_user_model().objects.filter(username=OFFICER).select_related("staff_profile").first()
    if officer is None:
        return "Questionnaire editor: no Leeds officer in the demo, nothing made."
    officer.staff_profile.may_edit_questionnaires = True
    officer.staff_profile.save(update_fields=["may_edit_questionnaires"])
    fielded = default_questionnaire_load()
    draft = Question.objects.filter(version__survey=fielded.survey, key=OWN_QUESTION.key).first()
    if draft is None:
        version = version_copy_for_editing(user=officer, version=fielded)
        park = BankItem.objects.filter(key="park_safe_after_dark", owner__code="E08000035").first()
        if park is not None:
            question_add_from_bank_item(user=officer, version=version, item=park, page=1)
        question_add(
            user=officer,
            version=version,
            data=QuestionInput(**{**OWN_QUESTION.__dict__, "page": _work_page(version)}),
            answers=[],
        )
    else:
        version = draft.version
    url = reverse("surveys:editor-version", args=[version.pk])
    return (
        f"Questionnaire editor: {OFFICER} may change questionnaires and has a draft, version {version.number} of "
        f"“{version.survey.name}”, with Leeds's own park question and a question of its own: {url}"
    )


def _work_page(version) -> int:
    """The page of the work questions, where a question about the employment hub belongs."""
    page = version.questions.filter(factor="work_connection").order_by("position").values_list("page", flat=True)
    return page.first() or 1
