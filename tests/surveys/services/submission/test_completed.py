"""A new response with a code written by one statement on PostgreSQL: tried against the version of the
code before, else read first; and what happens when the code changes between reading and writing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.models import Answer, Invitation, Response, ResponseStatus, Wave
from surveys.services.answering import AnswerErrors
from surveys.services.responses import CodeProblem, response_submit
from surveys.services.submission import completed
from surveys.services.waves import invitation_find
from tests.surveys.factories import GOOD_ANSWERS, codes_for, submit_in_another_wave, version_factory, wave_factory

pytestmark = pytest.mark.django_db


def _used_by_someone_else_after_reading(monkeypatch, then):
    """Between reading the code and writing the response, another submission gets there first."""
    read = completed.invitation_read

    def racing(hashed, *, lock):
        found = read(hashed, lock=lock)
        if found is not None and not lock:
            then(found)
        return found

    monkeypatch.setattr(completed, "invitation_read", racing)


@pytest.mark.postgres
def test_a_code_used_between_reading_and_writing_is_refused_and_nothing_is_written(monkeypatch):
    wave = wave_factory()
    code = codes_for(wave)[0]
    _used_by_someone_else_after_reading(
        monkeypatch, lambda found: Invitation.objects.filter(pk=found.pk).update(used=True)
    )
    with pytest.raises(CodeProblem) as caught:
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    assert caught.value.kind == CodeProblem.USED
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


@pytest.mark.postgres
def test_a_response_started_between_reading_and_writing_is_finished_in_the_callers_transaction(monkeypatch):
    wave = wave_factory()
    code = codes_for(wave)[0]
    _used_by_someone_else_after_reading(
        monkeypatch,
        lambda found: Response.objects.create(
            wave=wave, neighbourhood_id=found.neighbourhood_id, invitation_id=found.pk, channel="web"
        ),
    )
    # The unique invitation refuses the one statement (in a savepoint: the test's own transaction goes
    # on), and the response started with the code is finished the locked way, as if it had been seen.
    finished = response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    assert list(Response.objects.values_list("pk", "status", "channel")) == [
        (finished.pk, ResponseStatus.COMPLETED, "api")
    ]
    assert Answer.objects.filter(response=finished).count() == len(GOOD_ANSWERS)
    assert Invitation.objects.get().used


@pytest.mark.postgres
def test_a_value_too_long_for_its_column_is_refused_not_cut_short():
    from django.db import DataError

    wave = wave_factory()
    with pytest.raises(DataError):
        response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0], language="x" * 9)
    assert not Response.objects.exists()


def _statements(captured) -> list[str]:
    return [q["sql"] for q in captured if "SAVEPOINT" not in (q["sql"] or "")]


@pytest.mark.postgres
def test_a_code_for_the_version_of_the_code_before_is_written_by_one_statement():
    wave = wave_factory()
    *before, code = codes_for(wave, count=3)
    for earlier in before:  # the second also reads the questions, kept from then on (the version is frozen)
        response_submit(raw=GOOD_ANSWERS, channel="api", code=earlier)
    with CaptureQueriesContext(connection) as captured:
        response = response_submit(raw=GOOD_ANSWERS, channel="api", code=code, language="cy")
        assert response.wave.slug == wave.slug  # the statement brings the wave back: no query for it
    assert len(_statements(captured)) == 1
    fresh = Response.objects.get(pk=response.pk)
    assert (fresh.wave_id, fresh.neighbourhood_id, fresh.invitation_id) == (
        wave.pk,
        wave.neighbourhoods.get().pk,
        invitation_find(code=code).pk,
    )
    assert (fresh.status, fresh.channel, fresh.language, fresh.age_band) == (
        ResponseStatus.COMPLETED,
        "api",
        "cy",
        "35_plus",
    )
    assert fresh.answers.count() == len(GOOD_ANSWERS)
    assert invitation_find(code=code).used


@pytest.mark.postgres
def test_a_code_for_another_version_is_written_against_its_own_questions():
    submit_in_another_wave(version_factory())
    # The same questions, keys and options in another version: the answers fit the version before too.
    other = wave_factory(version=version_factory(slug="another-survey"), name="Other wave")
    first, warm, second = codes_for(other, count=3)
    response = response_submit(raw=GOOD_ANSWERS, channel="api", code=first)
    assert response.wave == other
    versions = set(Answer.objects.filter(response=response).values_list("question__version", flat=True))
    assert versions == {other.survey_version_id}
    assert Answer.objects.filter(response=response).count() == len(GOOD_ANSWERS)
    response_submit(raw=GOOD_ANSWERS, channel="api", code=warm)  # its questions are kept from here on
    with CaptureQueriesContext(connection) as captured:  # and that version is now the one tried first
        response_submit(raw=GOOD_ANSWERS, channel="api", code=second)
    assert len(_statements(captured)) == 1


ONE_QUESTION = [{"key": "only_here", "page": 1, "factor": "confidence", "kind": "yes_no", "text": "Only here?"}]


@pytest.mark.postgres
def test_answers_are_judged_by_the_codes_own_version_and_after_its_problems():
    submit_in_another_wave(version_factory())
    other = wave_factory(version=version_factory(ONE_QUESTION, slug="one-question"), name="Other wave")
    good, bad = codes_for(other, count=2)
    response = response_submit(raw={"only_here": "yes"}, channel="api", code=good)
    assert list(response.answers.values_list("question__key", flat=True)) == ["only_here"]
    with pytest.raises(AnswerErrors) as caught:
        response_submit(raw={"only_here": "maybe"}, channel="api", code=bad)
    assert set(caught.value.errors) == {"only_here"}
    with pytest.raises(CodeProblem) as problem:  # a used code is named as such, whatever its answers
        response_submit(raw={"only_here": "maybe"}, channel="api", code=good)
    assert problem.value.kind == CodeProblem.USED


@pytest.mark.postgres
def test_a_wave_closed_between_reading_and_writing_is_named_and_nothing_is_written(monkeypatch):
    wave = wave_factory()
    code = codes_for(wave)[0]
    past = datetime.date.today() - datetime.timedelta(days=3)
    _used_by_someone_else_after_reading(
        monkeypatch, lambda found: Wave.objects.filter(pk=found.wave_id).update(opens_on=past, closes_on=past)
    )
    with pytest.raises(CodeProblem) as caught:
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    assert caught.value.kind == CodeProblem.CLOSED
    assert not Response.objects.exists()
    assert not invitation_find(code=code).used
