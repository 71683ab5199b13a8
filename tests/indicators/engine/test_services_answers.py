"""Results per question: counts and shares per neighbourhood and wave against a hand-worked example, the change
between waves, and the disclosure rule (withheld under the threshold, never recoverable by subtraction)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.engine.models import AnswerShare
from indicators.engine.services.answers import _primary_and_secondary, _Question, answers_refresh
from indicators.engine.services.refresh import neighbourhood_wave_refresh, recompute_all, wave_refresh
from surveys.models import Channel
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory
from tests.surveys.factories import SMALL_QUESTIONNAIRE, version_factory

from .builders import _clerk, _during, wave

pytestmark = pytest.mark.django_db
T = 5
# The small test questionnaire, with a second scored question for "satisfied"'s and "move"'s factors: a question
# that makes its factor's score alone is withheld whole when any answer is (tested on its own below).
COMPANIONS = [
    {"key": "clean", "page": 4, "factor": "housing_environment", "kind": "yes_no", "text": "Clean?", "required": False},
    {"key": "stay", "page": 4, "factor": "retention", "kind": "yes_no", "text": "Stay?", "required": False},
]
QUESTIONNAIRE = SMALL_QUESTIONNAIRE + COMPANIONS


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = T


def _resident(w, place, *, satisfied, move, why=(), plans="work", hopes=""):
    raw = {"satisfied": satisfied, "move": move, "life": "7", "plans": plans, "age": "35_plus"}
    raw.update(clean="yes", stay="no")  # the companions: answered, so neither question is its factor's only one
    if move == "yes":
        raw["why_move"] = list(why)
    if hopes:
        raw["hopes"] = hopes
    with _during(w):
        response_submit(raw=raw, channel=Channel.PAPER, wave=w, neighbourhood=place, entered_by=_clerk())


def _many(w, place, count, **answers):
    for _ in range(count):
        _resident(w, place, **answers)


def _rows(w, place, key):
    rows = AnswerShare.objects.filter(wave=w, neighbourhood=place, question__key=key).order_by("option_position")
    return {r.option_code: r for r in rows}


@pytest.fixture
def example():
    """Wave 1 in A (20 residents) and B (3); wave 2 in A (10), on the small test questionnaire.

    Wave 1, A. satisfied: very 12, fairly 6, not 2. move: yes 8, no 12. why_move (the 8 who will move): work
    only 5, work and home 1, home only 2, so work 6 of 8 and home 3 of 8. plans: work 10, study 10. Five wrote
    something in their own words.
    Wave 2, A. satisfied: very 5, fairly 5. move: yes 7 (all for work), no 3.
    """
    version = version_factory(QUESTIONNAIRE)
    a, b = NeighbourhoodFactory(name="A"), NeighbourhoodFactory(name="B")
    w1 = wave(version, [a, b], opens=dt.date(2024, 3, 1))
    w2 = wave(version, [a], opens=dt.date(2025, 3, 1))
    _many(w1, a, 5, satisfied="very", move="yes", why=["work"], plans="work", hopes="A job in town")
    _many(w1, a, 1, satisfied="very", move="yes", why=["work", "home"], plans="work")
    _many(w1, a, 2, satisfied="very", move="yes", why=["home"], plans="work")
    _many(w1, a, 2, satisfied="very", move="no", plans="work")
    _many(w1, a, 2, satisfied="very", move="no", plans="study")
    _many(w1, a, 6, satisfied="fairly", move="no", plans="study")
    _many(w1, a, 2, satisfied="not", move="no", plans="study")
    _many(w1, b, 3, satisfied="very", move="no")
    _many(w2, a, 5, satisfied="very", move="yes", why=["work"])
    _many(w2, a, 2, satisfied="fairly", move="yes", why=["work"])
    _many(w2, a, 3, satisfied="fairly", move="no")
    answers_refresh(wave_id=w1.pk)
    answers_refresh(wave_id=w2.pk)
    return w1, w2, a, b


def test_counts_and_shares_match_the_hand_worked_example(example):
    w1, _, a, _ = example
    plans = _rows(w1, a, "plans")
    assert [(r.option_code, r.answered, r.count, r.share, r.withheld) for r in plans.values()] == [
        ("work", 20, 10, 50.0, False),
        ("study", 20, 10, 50.0, False),
    ]
    move = _rows(w1, a, "move")
    assert (move["yes"].count, move["yes"].share, move["no"].count, move["no"].share) == (8, 40.0, 12, 60.0)


def test_a_small_count_and_the_next_smallest_are_withheld_so_neither_follows_by_subtraction(example):
    w1, _, a, _ = example
    satisfied = _rows(w1, a, "satisfied")
    assert (satisfied["very"].count, satisfied["very"].share, satisfied["very"].withheld) == (12, 60.0, False)
    for code in ("fairly", "not"):  # 2 is under 5; 6 goes with it, or 20 − 12 − 6 would give the 2 away
        assert satisfied[code].withheld
        assert satisfied[code].count is None
        assert satisfied[code].share is None
    assert "Fewer than 5" in satisfied["not"].withheld_reason
    assert "subtraction" in satisfied["fairly"].withheld_reason
    assert satisfied["very"].answered == 20  # the number who answered stays: 20 − 12 = 8 is no small group


def test_multiple_choice_withholds_an_option_chosen_or_left_by_few(example):
    w1, _, a, _ = example
    why = _rows(w1, a, "why_move")
    assert why["work"].answered == 8
    assert why["work"].withheld
    assert "did not choose" in why["work"].withheld_reason
    assert why["home"].withheld
    assert "chose it" in why["home"].withheld_reason
    assert (why["none"].count, why["none"].share, why["none"].withheld) == (0, 0.0, False)


def test_a_neighbourhood_with_few_answers_is_withheld_whole(example):
    w1, _, _, b = example
    for row in _rows(w1, b, "satisfied").values():
        assert row.withheld
        assert row.count is None
        assert row.answered == 3
        assert row.withheld_reason == "Fewer than 5 residents answered"


def test_the_change_since_the_previous_wave_is_in_points_and_only_between_shown_shares(example):
    w1, w2, a, _ = example
    satisfied = _rows(w2, a, "satisfied")
    assert satisfied["very"].previous_wave_id == w1.pk
    assert satisfied["very"].share == 50.0
    assert satisfied["very"].change == pytest.approx(-10.0)
    assert satisfied["fairly"].share == 50.0
    assert satisfied["fairly"].change is None
    assert satisfied["not"].share == 0.0
    assert satisfied["not"].change is None


def test_a_question_asked_after_a_withheld_answer_is_withheld_with_its_number(example):
    _, w2, a, _ = example
    move = _rows(w2, a, "move")
    assert move["yes"].withheld
    assert move["no"].withheld
    assert move["no"].withheld_reason == "No answer here was chosen by 5 or more residents"  # 7 and 3
    why = _rows(w2, a, "why_move")  # 7 answered it, which is how many said yes
    assert all(r.withheld and r.answered is None for r in why.values())
    assert "earlier answer" in why["work"].withheld_reason


def test_free_text_and_number_questions_have_no_rows(example):
    assert not AnswerShare.objects.filter(question__kind__in=["text", "number"]).exists()


def test_no_withheld_count_follows_from_the_shown_counts_and_the_total(example):
    """For every single-answer question: the withheld counts are none, or at least two whose total is at least
    the threshold (so subtraction gives only that total, never one of them, nor a small group)."""
    w1, w2, a, _b = example
    truth = {
        (w1.pk, a.pk, "satisfied"): {"very": 12, "fairly": 6, "not": 2},
        (w1.pk, a.pk, "move"): {"yes": 8, "no": 12},
        (w2.pk, a.pk, "satisfied"): {"very": 5, "fairly": 5, "not": 0},
        (w2.pk, a.pk, "move"): {"yes": 7, "no": 3},
    }
    for (wave_id, place, key), counts in truth.items():
        rows = AnswerShare.objects.filter(wave_id=wave_id, neighbourhood_id=place, question__key=key)
        hidden = [counts[r.option_code] for r in rows if r.withheld]
        shown = sum(r.count for r in rows if not r.withheld)
        assert shown + sum(hidden) == sum(counts.values())
        assert not hidden or (len(hidden) >= 2 and sum(hidden) >= T)


@given(
    st.lists(st.integers(min_value=0, max_value=25), min_size=2, max_size=11),
    st.integers(min_value=5, max_value=10),
)
def test_the_rule_leaves_nothing_small_to_subtraction_for_any_counts(counts, threshold):
    group = _Question(answered=sum(counts), counts={str(i): c for i, c in enumerate(counts)})
    _primary_and_secondary(group, multiple=False, threshold=threshold)
    if group.whole:
        return  # nothing shown but the number who answered
    hidden = [group.counts[c] for c in group.withheld]
    assert all(c == 0 or c >= threshold or code in group.withheld for code, c in group.counts.items())
    assert not hidden or (len(hidden) >= 2 and sum(hidden) >= threshold)


def test_the_incremental_refresh_and_the_full_recompute_agree(example):
    w1, _w2, a, _ = example

    def snapshot():
        return set(
            AnswerShare.objects.values_list(
                "wave_id", "neighbourhood_id", "question_id", "option_code", "answered", "count", "withheld", "change"
            )
        )

    before = snapshot()
    AnswerShare.objects.all().delete()
    neighbourhood_wave_refresh(wave_id=w1.pk, neighbourhood_id=a.pk)  # also brings wave 2's changes in A
    assert {r for r in snapshot() if r[1] == a.pk} == {r for r in before if r[1] == a.pk}
    recompute_all(compare=False)
    recompute_all(compare=False)  # twice: the same rows
    assert snapshot() == before
    AnswerShare.objects.filter(wave=w1).delete()
    wave_refresh(wave_id=w1.pk)  # manage.py aggregate --wave
    assert snapshot() == before


def test_a_question_that_alone_makes_its_factor_score_is_withheld_whole_when_any_answer_is():
    """Alone, "satisfied" is its factor's score: the factor's mean (100 × very + 50 × fairly, over 20) and share
    above 50 (very) would give "fairly" and "not" back from the shown total, so nothing of it is shown."""
    version = version_factory(QUESTIONNAIRE)  # "clean" is in the questionnaire, but no one here answers it
    place = NeighbourhoodFactory()
    w = wave(version, [place], opens=dt.date(2024, 3, 1))
    for satisfied, count in (("very", 12), ("fairly", 6), ("not", 2)):
        for _ in range(count):
            with _during(w):
                raw = {"satisfied": satisfied, "move": "no", "life": "7", "plans": "work", "age": "35_plus"}
                response_submit(raw=raw, channel=Channel.PAPER, wave=w, neighbourhood=place, entered_by=_clerk())
    answers_refresh(wave_id=w.pk)
    satisfied = _rows(w, place, "satisfied")
    assert all(r.withheld and r.count is None for r in satisfied.values())
    assert "alone makes its factor's score" in satisfied["very"].withheld_reason
    assert satisfied["very"].answered == 20
    move = _rows(w, place, "move")  # nothing withheld there, so shown although it too is alone in its factor
    assert (move["no"].count, move["yes"].count) == (20, 0)
