import datetime
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from config.celery import app
from indicators.access.models import Role
from surveys import signals as hooks
from surveys.models import Answer, Invitation, Response, ResponseStatus
from surveys.services.answering import AnswerErrors
from surveys.services.responses import (
    CodeProblem,
    code_check,
    paper_response_create,
    response_start,
    response_submit,
    response_withdraw,
)
from surveys.services.submission.completed import ANSWER_COLUMNS
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, submit_in_another_wave, wave_factory

pytestmark = pytest.mark.django_db


def test_a_submission_with_a_code_stores_scores_and_demographics_and_uses_the_code(django_capture_on_commit_callbacks):
    wave = wave_factory()
    code = codes_for(wave)[0]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    assert len(callbacks) == 1
    assert response.status == ResponseStatus.COMPLETED
    assert response.completed_at is not None
    assert response.neighbourhood == wave.neighbourhoods.get()
    assert response.age_band == "35_plus"
    scores = dict(Answer.objects.filter(response=response).values_list("question__key", "score"))
    assert scores == {"satisfied": 100, "move": 100, "life": 70, "plans": None, "age": None, "years": None}
    assert Invitation.objects.get(response=response).used


@pytest.mark.parametrize("with_code", [True, False])
def test_every_kind_of_answer_is_stored_as_given(with_code):
    # On PostgreSQL a new response with a code is written by one plain statement, without a code by
    # COPY, elsewhere by the ORM: the same rows every way.
    assert {f.column for f in Answer._meta.concrete_fields} - {"id"} == set(ANSWER_COLUMNS)
    wave = wave_factory()
    raw = {**GOOD_ANSWERS, "move": "yes", "why_move": ["work", "home"], "hopes": "A job, café nearby"}
    if with_code:
        response = response_submit(raw=raw, channel="api", code=codes_for(wave)[0], language="cy")
    else:
        response = response_submit(
            raw=raw, channel="api", wave=wave, neighbourhood=wave.neighbourhoods.get(), language="cy"
        )
    fresh = Response.objects.get()
    assert fresh.pk == response.pk
    assert (fresh.status, fresh.channel, fresh.language, fresh.age_band, fresh.sex) == (
        ResponseStatus.COMPLETED,
        "api",
        "cy",
        "35_plus",
        "",
    )
    assert (fresh.completed_at, fresh.neighbourhood_id) == (response.completed_at, wave.neighbourhoods.get().pk)
    assert fresh.started_at is not None
    assert fresh.invitation_id == response.invitation_id
    assert not fresh.synthetic
    assert fresh.entered_by_id is None
    assert fresh.withdrawn_at is None
    stored = {
        a.question.key: (a.option.code if a.option else None, a.choices, a.number, a.text, a.score)
        for a in Answer.objects.filter(response=response).select_related("question", "option")
    }
    assert stored == {
        "satisfied": ("very", [], None, "", 100),
        "move": ("yes", [], None, "", 0),
        "why_move": (None, ["work", "home"], None, "", None),
        "life": ("7", [], None, "", 70),
        "plans": ("study", [], None, "", None),
        "years": (None, [], 4, "", None),
        "hopes": (None, [], None, "A job, café nearby", None),
        "age": ("35_plus", [], None, "", None),
    }


def test_the_hook_runs_after_commit_and_its_failure_never_fails_a_submission(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    wave = wave_factory()

    def broker_down(response_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(hooks, "announce_response_completed", broker_down)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.COMPLETED
    assert "could not hand completed response" in caplog.text


def _snapshot():
    return (
        list(Response.objects.order_by("pk").values_list("pk", "status", "invitation_id")),
        Answer.objects.count(),
        list(Invitation.objects.order_by("pk").values_list("pk", "used")),
    )


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        ("wrong", CodeProblem.WRONG),
        ("used", CodeProblem.USED),
        ("closed", CodeProblem.CLOSED),
        ("not_open", CodeProblem.NOT_OPEN),
        ("other_wave", CodeProblem.OTHER_WAVE),
        ("withdrawn", CodeProblem.WITHDRAWN),
    ],
)
@pytest.mark.parametrize("recent", [False, True], ids=["first-code", "after-a-code-of-its-version"])
def test_every_bad_code_is_refused_and_changes_nothing(case, kind, recent):
    wave = wave_factory()
    code = codes_for(wave)[0]
    if recent:  # on PostgreSQL the code is first tried against that version, in one statement
        submit_in_another_wave(wave.survey_version)
    target_wave = None
    if case == "wrong":
        code = "ABCD-EFGH-JKMN"
    elif case == "used":
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    elif case == "withdrawn":
        response_withdraw(response=response_submit(raw=GOOD_ANSWERS, channel="api", code=code))
    elif case == "closed":
        response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
        wave.closes_on = wave.opens_on = datetime.date.today() - datetime.timedelta(days=2)
        wave.save()
    elif case == "not_open":
        wave.opens_on = datetime.date.today() + datetime.timedelta(days=3)
        wave.closes_on = wave.opens_on + datetime.timedelta(days=3)
        wave.save()
    elif case == "other_wave":
        target_wave = wave_factory(version=wave.survey_version, neighbourhoods=list(wave.neighbourhoods.all()))
    before = _snapshot()
    with pytest.raises(CodeProblem) as caught:
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code, wave=target_wave)
    assert caught.value.kind == kind
    assert _snapshot() == before


@pytest.mark.parametrize("recent", [False, True], ids=["first-code", "after-a-code-of-its-version"])
def test_invalid_answers_change_nothing(recent):
    wave = wave_factory()
    code = codes_for(wave)[0]
    if recent:
        submit_in_another_wave(wave.survey_version)
    before = _snapshot()
    with pytest.raises(AnswerErrors) as caught:
        response_submit(raw={**GOOD_ANSWERS, "life": "12", "ghost": "x"}, channel="api", code=code)
    assert set(caught.value.errors) == {"life", "ghost"}
    assert _snapshot() == before
    code_check(code=code)  # still good


def test_a_response_started_on_the_web_can_be_finished_through_the_api_once():
    wave = wave_factory()
    code = codes_for(wave)[0]
    started = response_start(invitation=code_check(code=code))
    Answer.objects.create(response=started, question=wave.survey_version.questions.get(key="hopes"), text="x")
    finished = response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    assert finished.pk == started.pk
    assert Response.objects.count() == 1
    assert not finished.answers.filter(question__key="hopes").exists()
    with pytest.raises(CodeProblem):
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code)


def test_withdrawing_deletes_the_answers_and_keeps_the_code_used():
    wave = wave_factory()
    response = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    response_withdraw(response=response)
    response.refresh_from_db()
    assert response.status == ResponseStatus.WITHDRAWN
    assert not response.answers.exists()
    assert response.age_band == ""
    assert Invitation.objects.get().used


def test_paper_entry_is_for_officers_of_their_own_neighbourhoods():
    wave = wave_factory()
    mine = wave.neighbourhoods.get()
    officer = staff(Role.OFFICER, neighbourhoods=[mine])
    response = paper_response_create(user=officer, wave=wave, neighbourhood=mine, raw=GOOD_ANSWERS)
    assert response.channel == "paper"
    assert response.entered_by == officer
    assert response.invitation is None
    other_officer = staff(Role.OFFICER, neighbourhoods=[NeighbourhoodFactory()])
    with pytest.raises(PermissionDenied):
        paper_response_create(user=other_officer, wave=wave, neighbourhood=mine, raw=GOOD_ANSWERS)
    manager = staff(Role.ESTATE_MANAGER, neighbourhoods=[mine])
    with pytest.raises(PermissionDenied):
        paper_response_create(user=manager, wave=wave, neighbourhood=mine, raw=GOOD_ANSWERS)
    outside = NeighbourhoodFactory(local_authority=mine.local_authority)
    admin = staff(Role.ADMIN)
    with pytest.raises(ValidationError):
        paper_response_create(user=admin, wave=wave, neighbourhood=outside, raw=GOOD_ANSWERS)
    with pytest.raises(AnswerErrors):
        paper_response_create(user=officer, wave=wave, neighbourhood=mine, raw={"satisfied": "very"})
    assert Response.objects.count() == 1


def test_paper_entry_takes_a_code_of_another_authority_for_one_that_does_not_exist():
    wave = wave_factory()
    mine = wave.neighbourhoods.get()
    theirs = NeighbourhoodFactory()
    wave.neighbourhoods.add(theirs)
    officer = staff(Role.OFFICER, neighbourhoods=[mine])
    for code in (codes_for(wave, neighbourhood=theirs)[0], "ABCD-EFGH-JKMN"):
        for neighbourhood in (None, mine):
            with pytest.raises(CodeProblem) as problem:
                paper_response_create(user=officer, wave=wave, neighbourhood=neighbourhood, raw=GOOD_ANSWERS, code=code)
            assert (problem.value.kind, problem.value.invitation) == (CodeProblem.WRONG, None)
    assert Response.objects.count() == 0


def test_a_submission_succeeds_when_the_broker_cannot_be_reached(django_capture_on_commit_callbacks, caplog):
    """No mock: Celery really tries a broker on a closed port, and the resident's submission still stands."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = "redis://127.0.0.1:9/0", False
    app._pool = None  # connections made earlier in the run were to the in-memory broker
    app.amqp._producer_pool = None
    try:
        wave = wave_factory()
        with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
            response = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app.pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.COMPLETED
    assert "could not hand completed response" in caplog.text
