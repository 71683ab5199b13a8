"""An edit and a resident's answers at the same moment, on real PostgreSQL: the edit waits for the answers'
transaction (the editor takes exclusively the lock that writing answers holds shared), then finds the version
frozen and changes nothing."""

import threading

import pytest
from django.db import connection, transaction

from indicators.access.models import Role
from surveys.services.questionnaire_editor import QuestionInput, VersionFrozen, question_edit
from surveys.services.responses import response_submit
from tests.factories import staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_edit_waits_for_answers_being_written_then_refuses_the_frozen_version():
    wave = wave_factory()
    code = codes_for(wave)[0]
    admin = staff(Role.ADMIN)
    question = wave.survey_version.questions.get(key="satisfied")
    answered, release = threading.Event(), threading.Event()
    outcome: list[str] = []

    def resident():
        try:
            with transaction.atomic():
                response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
                answered.set()
                release.wait(timeout=20)  # answers written, not yet committed
        finally:
            connection.close()

    def editor():
        try:
            data = QuestionInput(text="Changed while answering", kind="scale", factor="housing_environment", page=1)
            question_edit(user=admin, question=question, data=data)
            outcome.append("changed")
        except VersionFrozen:
            outcome.append("frozen")
        finally:
            connection.close()

    resident_thread = threading.Thread(target=resident)
    resident_thread.start()
    assert answered.wait(timeout=20)
    editor_thread = threading.Thread(target=editor)
    editor_thread.start()
    editor_thread.join(timeout=2)
    assert editor_thread.is_alive(), "the edit went ahead while answers to the version were being written"
    release.set()
    resident_thread.join(timeout=20)
    editor_thread.join(timeout=20)
    assert outcome == ["frozen"]
    question.refresh_from_db()
    assert question.text == "How satisfied are you with your area?"
