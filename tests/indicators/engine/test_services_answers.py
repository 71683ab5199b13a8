"""Results per question: counts and shares per neighbourhood and wave against a hand-worked example, the change
between waves, and the disclosure rule (withheld under the threshold, never recoverable by subtraction)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.engine.models import AnswerShare
from indicators.engine.services.answers import (
    FACTOR_REASON,
    _disclose,
    _primary_and_secondary,
    _Question,
    answers_refresh,
)
from indicators.engine.services.refresh import neighbourhood_wave_refresh, recompute_all, wave_refresh
from surveys.models import Channel
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory
from tests.surveys.factories import SMALL_QUESTIONNAIRE, version_factory

from .builders import _clerk, _during, wave

pytestmark = pytest.mark.django_db
T = 5
# The small test questionnaire, with a second scored question for "satisfied"'s and "move"'s factors, so that the
# examples are not the factor's score alone (what the factor's score gives away is tested on its own below).
COMPANIONS = [
    {"key": "clean", "page": 4, "factor": "housing_environment", "kind": "yes_no", "text": "Clean?", "required": False},
    {"key": "stay", "page": 4, "factor": "retention", "kind": "yes_no", "text": "Stay?", "required": False},
]
QUESTIONNAIRE = SMALL_QUESTIONNAIRE + COMPANIONS


@pytest.fixture(autouse=True)
def _threshold(settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = T


def _resident(w, place, *, satisfied, move, why=(), plans="work", hopes="", clean="yes"):
    raw = {"satisfied": satisfied, "move": move, "life": "7", "plans": plans, "age": "35_plus"}
    raw.update(clean=clean, stay="no")  # the companions: answered, so neither question is its factor's only one
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

    Wave 1, A. satisfied: very 12, fairly 6, not 2 (scores 100, 50, 0). clean: yes 17, no 3 (100, 0), so both
    of housing_environment's questions withhold something and its score solves for neither. move: yes 8, no 12.
    why_move (the 8 who will move): work only 5, work and home 1, home only 2, so work 6 of 8 and home 3 of 8.
    plans: work 10, study 10. Five wrote something in their own words.
    Wave 2, A. satisfied: very 5, fairly 5. move: yes 7 (all for work), no 3.
    """
    version = version_factory(QUESTIONNAIRE)
    a, b = NeighbourhoodFactory(name="A"), NeighbourhoodFactory(name="B")
    w1 = wave(version, [a, b], opens=dt.date(2024, 3, 1))
    w2 = wave(version, [a], opens=dt.date(2025, 3, 1))
    _many(w1, a, 5, satisfied="very", move="yes", why=["work"], plans="work", hopes="A job in town")
    _many(w1, a, 1, satisfied="very", move="yes", why=["work", "home"], plans="work")
    _many(w1, a, 2, satisfied="very", move="yes", why=["home"], plans="work")
    _many(w1, a, 1, satisfied="very", move="no", plans="work")
    _many(w1, a, 1, satisfied="very", move="no", plans="work", clean="no")
    _many(w1, a, 2, satisfied="very", move="no", plans="study")
    _many(w1, a, 6, satisfied="fairly", move="no", plans="study")
    _many(w1, a, 2, satisfied="not", move="no", plans="study", clean="no")
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


def _one_place(rows):
    """One neighbourhood and wave, with ``count`` residents answering ``answers`` for each (answers, count)."""
    version = version_factory(QUESTIONNAIRE)
    place = NeighbourhoodFactory()
    w = wave(version, [place], opens=dt.date(2024, 3, 1))
    for answers, count in rows:
        for _ in range(count):
            with _during(w):
                raw = {"move": "no", "life": "7", "plans": "work", "age": "35_plus", **answers}
                response_submit(raw=raw, channel=Channel.PAPER, wave=w, neighbourhood=place, entered_by=_clerk())
    answers_refresh(wave_id=w.pk)
    return w, place


def test_a_question_that_alone_makes_its_factor_score_is_withheld_whole_when_any_answer_is():
    """Alone, "satisfied" is its factor's score: its mean (100 × very + 50 × fairly, over 20) with "very" shown
    would give "fairly" and "not" back from the shown total, so nothing of it is shown. Whole, 12, 6, 2 could as
    well be 13, 4, 3 for the same mean."""
    w, place = _one_place([({"satisfied": s}, n) for s, n in (("very", 12), ("fairly", 6), ("not", 2))])
    satisfied = _rows(w, place, "satisfied")
    assert all(r.withheld and r.count is None for r in satisfied.values())
    assert satisfied["very"].withheld_reason == FACTOR_REASON
    assert satisfied["very"].answered == 20
    move = _rows(w, place, "move")  # nothing withheld there, so shown although it too is alone in its factor
    assert (move["no"].count, move["yes"].count) == (20, 0)


def test_a_shown_question_of_the_same_factor_does_not_let_the_factor_score_solve_for_a_withheld_count():
    """ "clean" (yes for all 20) is shown. The factor's mean, 2 × 20 × mean = 100 × 20 + 100 × 12 + 50 × fairly,
    would give fairly = 6 and then not = 2: "satisfied" is withheld whole, and "clean" stays shown."""
    w, place = _one_place([({"satisfied": s, "clean": "yes"}, n) for s, n in (("very", 12), ("fairly", 6), ("not", 2))])
    assert all(r.withheld for r in _rows(w, place, "satisfied").values())
    clean = _rows(w, place, "clean")
    assert (clean["yes"].count, clean["no"].count) == (20, 0)


def test_a_yes_or_no_question_is_withheld_with_the_factors_other_question_when_its_own_would_still_solve():
    """ "clean": yes 3, no 17, beside "satisfied" shown in full (very 10, fairly 10). Withheld whole, "clean"'s two
    counts would still follow from the factor's mean (100 × yes is what is left): "satisfied" is withheld too, and
    then yes 3 with very 10, fairly 10 gives the same mean as yes 2 with very 11, fairly 9."""
    w, place = _one_place(
        [
            ({"satisfied": "very", "clean": "yes"}, 3),
            ({"satisfied": "very", "clean": "no"}, 7),
            ({"satisfied": "fairly", "clean": "no"}, 10),
        ]
    )
    clean, satisfied = _rows(w, place, "clean"), _rows(w, place, "satisfied")
    assert all(r.withheld for r in clean.values())
    assert all(r.withheld and r.withheld_reason == FACTOR_REASON for r in satisfied.values())
    assert satisfied["very"].answered == 20


class _Q(SimpleNamespace):
    pass


GRIDS = ([0, 100], [100, 50, 0], [0, 33, 67, 100], [100, 75, 50, 25, 0])


def _withheld_counts(groups, scores):
    """Each withheld count as (question, option): the unknowns of someone who has all that is published."""
    out = []
    for key, group in groups.items():
        for code in scores[key[2]]:
            if group.whole or code in group.withheld:
                out.append((key, code))
    return out


def _splits(total: int, parts: int):
    """Every way to share ``total`` residents among ``parts`` answers."""
    if parts == 0:
        if total == 0:
            yield ()
        return
    for first in range(total + 1):
        for rest in _splits(total - first, parts - 1):
            yield (first, *rest)


def _possible_values(groups, scores, truth, mean_times_kn):
    """Brute force: every set of counts agreeing with everything published (shown counts, the numbers who
    answered, the factor's mean), and the values each withheld count takes across them. A question's split is
    possible when the other questions can make up the rest of the factor's total score; that is found from the
    sets of totals they can reach, not by trying every combination (which runs to a billion with three questions
    of five answers each withheld)."""
    per_item = []
    for key, group in groups.items():
        codes = [c for c in scores[key[2]] if group.whole or c in group.withheld]
        shown_points = sum(truth[key][c] * scores[key[2]][c] for c in scores[key[2]] if c not in codes)
        total = sum(truth[key][c] for c in codes)
        options = [
            (
                shown_points + sum(n * scores[key[2]][c] for n, c in zip(split, codes, strict=True)),
                dict(zip(codes, split, strict=True)),
            )
            for split in _splits(total, len(codes))
        ]
        per_item.append((key, options))
    reachable = [{points for points, _ in options} for _, options in per_item]
    values: dict[tuple, set[int]] = defaultdict(set)
    for j, (key, options) in enumerate(per_item):
        others = {0}
        for i, totals in enumerate(reachable):
            if i != j:
                others = {a + b for a in others for b in totals}
        for points, split in options:
            if mean_times_kn - points in others:
                for code, n in split.items():
                    values[(key, code)].add(n)
    return values


@settings(max_examples=80, deadline=None)
@given(
    grids=st.lists(st.sampled_from(GRIDS), min_size=1, max_size=3),
    data=st.data(),
)
def test_no_withheld_count_can_be_worked_out_from_the_factor_score_and_the_shown_counts(grids, data):
    """Residents answer every question of one factor, so its mean is exactly the counts' total score over the
    residents and questions: the case that gives most away. Everything a reader has (each shown count, the
    number who answered each question, the factor's mean and number of residents) must leave every withheld
    count more than one possible value, unless the factor's mean alone pins it with every question withheld
    (a question alone in its factor with two answers: then the factor's score is its distribution)."""
    n = data.draw(st.integers(min_value=T, max_value=10 if len(grids) == 3 else 14), label="residents")
    residents = data.draw(
        st.lists(st.tuples(*(st.integers(min_value=0, max_value=len(g) - 1) for g in grids)), min_size=n, max_size=n),
        label="answers",
    )
    questions = {
        i: _Q(pk=i, position=i, scored=True, factor="outlook", kind="scale", show_if_question_id=None)
        for i in range(len(grids))
    }
    scores = {i: {f"o{p}": s for p, s in enumerate(g)} for i, g in enumerate(grids)}
    truth = {
        (1, 1, i): {f"o{p}": sum(1 for r in residents if r[i] == p) for p in range(len(g))} for i, g in enumerate(grids)
    }
    # The engine's own formula: each resident's mean of their scored answers, then the mean over residents.
    mean = sum(Fraction(sum(g[r[i]] for i, g in enumerate(grids)), len(grids)) for r in residents) / n
    mean_times_kn = mean * n * len(grids)
    assert mean_times_kn.denominator == 1  # the mean is exactly the counts' total score over n × questions

    def disclosed():
        groups = {
            key: _Question(answered=n, counts={c: v for c, v in counts.items() if v}) for key, counts in truth.items()
        }
        _disclose(groups, questions, scores, T)
        return groups

    groups = disclosed()
    values = _possible_values(groups, scores, truth, int(mean_times_kn))
    everything = {key: _Question(answered=n, counts={}, whole="all") for key in truth}
    alone = _possible_values(everything, scores, truth, int(mean_times_kn))
    for unknown in _withheld_counts(groups, scores):
        assert truth[unknown[0]][unknown[1]] in values[unknown]
        assert len(values[unknown]) > 1 or len(alone[unknown]) == 1, unknown
