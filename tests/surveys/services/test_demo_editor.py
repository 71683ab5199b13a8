"""The demo's questionnaire editor: the Leeds officer is allowed, and one draft is made however often it runs."""

import pytest

from indicators.access.models import Role
from indicators.access.permissions import may_edit_questionnaires
from surveys.models import Question
from surveys.services.demo_editor import OWN_QUESTION, seed_questionnaire_editor
from tests.factories import staff

pytestmark = pytest.mark.django_db


def test_the_demo_officer_gets_one_draft_with_a_question_of_its_own():
    assert "nothing made" in seed_questionnaire_editor()
    officer = staff(Role.OFFICER, username="officer.leeds")
    assert not may_edit_questionnaires(officer)
    first = seed_questionnaire_editor()
    assert "/survey/manage/questionnaires/versions/" in first
    assert seed_questionnaire_editor() == first
    officer.refresh_from_db()
    assert may_edit_questionnaires(officer)
    question = Question.objects.get(key=OWN_QUESTION.key)
    assert question.version.number == 2
    assert question.text_in("cy").startswith("Ydych chi wedi bod")
    assert [o.score for o in question.options.all()] == [100, 0]
