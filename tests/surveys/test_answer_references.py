"""The database keeps an answer's response, question and option (triggers of migration 0003).

Writes are checked on SQLite and PostgreSQL; deletes on PostgreSQL (SQLite leaves them to Django)."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from surveys.models import Answer, Option, Question, Response
from surveys.services.responses import code_check, response_start, response_submit
from tests.surveys.factories import GOOD_ANSWERS, codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def response():
    return response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave_factory())[0])


def _question(response, key: str) -> Question:
    return Question.objects.get(version=response.wave.survey_version, key=key)


def test_an_answer_to_a_question_that_does_not_exist_is_refused(response):
    missing = Question.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(IntegrityError, match="question"), transaction.atomic():
        Answer.objects.create(response=response, question_id=missing, text="x")


def test_an_answer_to_a_response_that_does_not_exist_is_refused(response):
    missing = Response.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(IntegrityError, match="response"), transaction.atomic():
        Answer.objects.create(response_id=missing, question=_question(response, "hopes"), text="x")


@pytest.mark.postgres  # SQLite leaves deletes to Django (see migration 0003)
def test_a_response_with_answers_is_deleted_answers_first_but_never_alone(response):
    with pytest.raises(IntegrityError, match="has answers"), transaction.atomic():
        Response.objects.filter(pk=response.pk)._raw_delete(connection.alias)
    assert Answer.objects.filter(response=response).count() == len(GOOD_ANSWERS)
    response.delete()  # Django deletes the answers, then the response
    assert not Answer.objects.filter(response_id=response.pk).exists()


def test_an_answer_with_another_questions_option_is_refused(response):
    plans = _question(response, "plans")
    foreign = _question(response, "satisfied").options.first()
    Answer.objects.filter(response=response, question=plans).delete()
    with pytest.raises(IntegrityError, match="option"), transaction.atomic():
        Answer.objects.create(response=response, question=plans, option=foreign)
    assert not Answer.objects.filter(response=response, question=plans).exists()


def test_changing_an_answer_to_an_option_of_another_question_is_refused(response):
    answer = Answer.objects.get(response=response, question=_question(response, "plans"))
    chosen = answer.option_id
    foreign = _question(response, "satisfied").options.first()
    with pytest.raises(IntegrityError, match="option"), transaction.atomic():
        Answer.objects.filter(pk=answer.pk).update(option=foreign)
    answer.refresh_from_db()
    assert answer.option_id == chosen


def test_a_bulk_insert_with_one_bad_answer_writes_none_of_them(response):
    plans = _question(response, "plans")
    Answer.objects.filter(response=response).delete()
    rows = [Answer(response=response, question=q) for q in response.wave.survey_version.questions.exclude(pk=plans.pk)]
    rows.append(Answer(response=response, question=plans, option=_question(response, "age").options.first()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.bulk_create(rows)
    assert not Answer.objects.filter(response=response).exists()


def test_the_right_option_of_the_right_question_is_accepted(response):
    plans = _question(response, "plans")
    Answer.objects.filter(response=response, question=plans).delete()
    Answer.objects.create(response=response, question=plans, option=plans.options.get(code="work"))
    assert Answer.objects.get(response=response, question=plans).option.code == "work"


@pytest.mark.postgres  # SQLite leaves deletes to Django (see migration 0003)
def test_an_answered_question_or_option_cannot_be_deleted_even_past_djangos_protect(response):
    question = _question(response, "satisfied")
    option = Answer.objects.get(response=response, question=question).option
    # _raw_delete sends one DELETE without Django's collector, as a hand-written statement would.
    with pytest.raises(IntegrityError, match="has answers"), transaction.atomic():
        Option.objects.filter(pk=option.pk)._raw_delete(connection.alias)
    with pytest.raises(IntegrityError, match="has answers"), transaction.atomic():
        Question.objects.filter(pk=question.pk)._raw_delete(connection.alias)
    with pytest.raises(IntegrityError, match="has answers"), transaction.atomic():
        Option.objects.filter(pk=option.pk).update(question=_question(response, "plans"))
    assert Option.objects.filter(pk=option.pk, question=question).exists()


def test_questions_and_options_nobody_answered_can_be_deleted(response):
    unanswered = Option.objects.get(question=_question(response, "satisfied"), code="not")
    unanswered.delete()
    draft = version_factory(slug="draft-survey")
    draft.questions.filter(key__in=["age", "hopes"]).delete()  # the age question's options go with it
    assert not Question.objects.filter(version=draft, key__in=["age", "hopes"]).exists()


def _delete_while_answers_are_written(doomed, write) -> str:
    """Delete ``doomed`` (a queryset, in one plain DELETE) from another connection once ``write`` has run in a
    transaction still open; the delete must wait for that transaction. What the delete came to."""
    written, outcome = threading.Event(), []

    def delete():
        written.wait(timeout=30)
        try:
            with transaction.atomic():
                doomed._raw_delete(connection.alias)
            outcome.append("deleted")
        except IntegrityError as exc:
            outcome.append(str(exc))
        finally:
            connection.close()

    deleter = threading.Thread(target=delete)
    deleter.start()
    with transaction.atomic():
        write()
        written.set()
        deleter.join(timeout=1)
        assert deleter.is_alive(), "the delete should wait for the answers' transaction"
    deleter.join(timeout=30)
    assert len(outcome) == 1
    return outcome[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["question", "option"])
def test_deleting_what_answers_being_written_point_to_waits_for_them_then_refuses(target):
    """Without the version lock the delete would see no committed answer and leave the new ones orphaned."""
    wave = wave_factory()
    if target == "question":  # a number question: no options to delete first
        doomed = Question.objects.filter(version=wave.survey_version, key="years")
    else:
        doomed = Option.objects.filter(question__version=wave.survey_version, code=GOOD_ANSWERS["satisfied"])
    code = codes_for(wave)[0]
    outcome = _delete_while_answers_are_written(
        doomed, lambda: response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    )
    assert "has answers" in outcome
    assert doomed.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deleting_a_response_whose_answers_are_being_written_waits_then_refuses():
    wave = wave_factory()
    started = response_start(invitation=code_check(code=codes_for(wave)[0]))
    satisfied = Question.objects.get(version=wave.survey_version, key="satisfied")
    # Straight in, without the service's lock on the response: the database alone must hold the delete back.
    outcome = _delete_while_answers_are_written(
        Response.objects.filter(pk=started.pk),
        lambda: Answer.objects.create(response=started, question=satisfied, option=satisfied.options.first()),
    )
    assert "has answers" in outcome
    assert Answer.objects.filter(response=started).count() == 1
