import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from surveys.models import Factor, Question, QuestionKind
from surveys.selectors import version_questions
from surveys.services.answering import (
    AnswerErrors,
    answer_clean,
    answers_clean_all,
    options_by_code,
    shown_questions,
)
from surveys.services.default_questionnaire import default_questionnaire_load, default_questionnaire_specs
from surveys.services.questionnaire import question_create, question_update, version_copy
from surveys.services.responses import response_submit
from tests.surveys.factories import GOOD_ANSWERS, codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db


def _q(version, key) -> Question:
    return next(q for q in version_questions(version.pk) if q.key == key)


def test_scores_run_0_to_100_and_reverse_scoring_is_applied():
    version = version_factory()
    assert [o.score for o in _q(version, "satisfied").options.all()] == [100, 50, 0]
    # "Do you expect to move?" is reverse scored: yes counts against retention.
    assert {o.code: o.score for o in _q(version, "move").options.all()} == {"yes": 0, "no": 100}
    assert [o.score for o in _q(version, "life").options.all()] == list(range(0, 101, 10))
    assert all(o.score is None for o in _q(version, "plans").options.all())


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("satisfied", ["fairly"], {"score": 50}),
        ("move", ["yes"], {"score": 0}),
        ("why_move", ["work", "home"], {"choices": ["work", "home"], "score": None}),
        ("life", ["7"], {"score": 70}),
        ("plans", ["study"], {"score": None}),
        ("years", [" 12 "], {"number": 12}),
        ("hopes", ["  a job  "], {"text": "a job"}),
    ],
)
def test_every_question_kind_takes_a_good_answer(key, raw, expected):
    cleaned = answer_clean(question=_q(version_factory(), key), raw=raw)
    for attribute, value in expected.items():
        assert getattr(cleaned, attribute) == value


@pytest.mark.parametrize(
    ("key", "raw", "message"),
    [
        ("satisfied", [], "Answer this question"),
        ("satisfied", ["nonsense"], "Choose one of the answers"),
        ("satisfied", ["very", "not"], "Choose one answer"),
        ("move", ["maybe"], "Choose one of the answers"),
        ("why_move", [], "Choose at least one"),
        ("why_move", ["work", "none"], "cannot be chosen with other answers"),
        ("life", ["11"], "Choose one of the answers"),
        ("years", ["abc"], "whole number"),
        ("years", ["1,2"], "whole number"),
        ("years", ["2.5"], "whole number"),
        ("years", ["-1"], "0 or more"),
        ("years", ["101"], "100 or less"),
        ("hopes", ["x" * 51], "50 characters or fewer"),
    ],
)
def test_every_question_kind_refuses_a_bad_answer(key, raw, message):
    with pytest.raises(ValueError, match=message):
        answer_clean(question=_q(version_factory(), key), raw=raw)


def test_a_questions_options_are_kept_by_code_while_prefetched_and_reread_after_a_change(
    django_assert_num_queries,
):
    question = _q(version_factory(), "satisfied")
    with django_assert_num_queries(0):
        kept = options_by_code(question)
        assert options_by_code(question) is kept
        assert list(kept) == ["very", "fairly", "not"]
    question.options.create(code="new", label="New", position=9, score=10)  # drops the prefetched options
    assert list(options_by_code(question)) == ["very", "fairly", "not", "new"]
    assert answer_clean(question=question, raw=["new"]).score == 10
    plain = Question.objects.get(pk=question.pk)  # nothing prefetched: read every time, never kept
    assert list(options_by_code(plain)) == ["very", "fairly", "not", "new"]
    assert "_options_by_code" not in plain.__dict__


def test_optional_questions_may_be_left_blank():
    assert answer_clean(question=_q(version_factory(), "years"), raw=[]) is None


def test_skip_logic_shows_a_question_only_after_the_right_answer():
    version = version_factory()
    questions = version_questions(version.pk)
    move = _q(version, "move")
    assert "why_move" not in [q.key for q in shown_questions(questions, {move.pk: {"no"}})]
    assert "why_move" in [q.key for q in shown_questions(questions, {move.pk: {"yes"}})]
    # A whole submission: the follow-up is required only when shown, and dropped when hidden.
    with pytest.raises(AnswerErrors) as caught:
        answers_clean_all(questions=questions, raw={**_raw(GOOD_ANSWERS), "move": ["yes"]})
    assert set(caught.value.errors) == {"why_move"}
    cleaned = answers_clean_all(questions=questions, raw={**_raw(GOOD_ANSWERS), "why_move": ["work"]})
    assert "why_move" not in [c.question.key for c in cleaned]


def _raw(answers):
    return {k: [str(v)] for k, v in answers.items()}


def test_skip_logic_must_point_at_an_earlier_question_and_a_real_option():
    version = version_factory()
    spec = {"key": "x", "factor": "outlook", "kind": "yes_no", "text": "?", "show_if": ("move", ["perhaps"])}
    with pytest.raises(ValidationError):
        question_create(version=version, spec=spec)
    with pytest.raises(ValidationError):
        question_create(version=version, spec={**spec, "show_if": ("nothing", ["yes"])})


def test_a_version_with_responses_is_frozen_and_changes_go_into_a_new_version():
    wave = wave_factory()
    version = wave.survey_version
    question = _q(version, "satisfied")
    question_update(question=question, text="Reworded before fielding")  # still editable
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    assert version.is_frozen
    with pytest.raises(ValidationError, match="new version"):
        question_update(question=question, text="Changed after answers came in")
    with pytest.raises(ValidationError):
        question_create(version=version, spec={"key": "late", "factor": "outlook", "kind": "yes_no", "text": "?"})
    copy = version_copy(version=version)
    assert copy.number == version.number + 1
    assert not copy.is_frozen
    old = {q.key: [(o.code, o.score) for o in q.options.all()] for q in version_questions(version.pk)}
    new = {q.key: [(o.code, o.score) for o in q.options.all()] for q in version_questions(copy.pk)}
    assert old == new
    assert _q(copy, "why_move").show_if_question.key == "move"
    question_update(question=_q(copy, "satisfied"), text="Now reworded")
    assert _q(version, "satisfied").text == "Reworded before fielding"


def test_the_default_questionnaire_covers_every_factor_with_a_source_for_each_item():
    version = default_questionnaire_load()
    questions = version_questions(version.pk)
    assert {q.factor for q in questions} == set(Factor.values)
    for factor in set(Factor.values) - {Factor.ABOUT_YOU}:
        assert any(q.scored for q in questions if q.factor == factor), factor
    assert all(q.source for q in questions)
    assert {q.kind for q in questions} == set(QuestionKind.values)
    sources = " ".join(q.source for q in questions)
    for validated in ("Community Life Survey", "ONS4", "General Self-Efficacy", "Understanding Society"):
        assert validated in sources
    assert len([q for q in questions if q.key.startswith("gse_")]) == 10
    assert {o.label for o in _q(version, "gse_1").options.all()} == {
        "Not at all true",
        "Hardly true",
        "Moderately true",
        "Exactly true",
    }
    assert {q.demographic for q in questions} >= {"age_band", "sex"}
    # Loading again changes nothing.
    assert default_questionnaire_load() == version
    assert Question.objects.filter(version__survey=version.survey).count() == len(default_questionnaire_specs())


def test_texts_come_in_welsh_where_translated_and_fall_back_to_english_item_by_item():
    version = default_questionnaire_load()
    life = _q(version, "ons_life_satisfaction")
    gse = _q(version, "gse_1")
    # Every default item is in Welsh; an item without (a council's own, say) falls back to its English.
    gse.translations = {"cy": {"hint": "Dewiswch un"}}
    with translation.override("cy"):
        assert life.text_in().startswith("Yn gyffredinol")
        assert gse.text_in() == gse.text
    assert life.text_in("en").startswith("Overall")
