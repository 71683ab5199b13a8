"""The effect's words and verdict, case by case: they never claim a cause, and say fell/rose as it was."""

import pytest

from indicators.engine.models import EffectEstimate
from indicators.engine.selectors.comparisons import Effect, effect_sentence, verdict_words
from indicators.engine.selectors.verdicts import effect_verdict


def effect(measure="worklessness", here=-0.8, there=-0.2, low=-1.1, high=-0.1, kind="statistical_neighbours"):
    row = EffectEstimate(
        measure=measure,
        status=EffectEstimate.Status.ESTIMATED,
        treated_change=here,
        comparison_change=there,
        estimate=here - there,
        ci_low=low,
        ci_high=high,
        comparison_kind=kind,
    )
    return Effect(row, [], effect_verdict(measure=measure, ci_low=low, ci_high=high))


def test_the_issues_own_example():
    e = effect()
    assert effect_sentence(e) == (
        "Worklessness fell 0.6 points more than in similar neighbourhoods since the programme started "
        "(95% interval 0.1 to 1.1)."
    )
    assert verdict_words(e) == "Better than similar neighbourhoods"


@pytest.mark.parametrize(
    ("here", "there", "low", "high", "words", "verdict"),
    [
        # Both rose, less here: the interval of "less" is the estimate's, turned round.
        (0.2, 0.8, -1.0, -0.2, "Worklessness rose 0.6 points less than in similar neighbourhoods", "Better than"),
        # Both rose, more here: worse.
        (0.9, 0.3, 0.1, 1.1, "Worklessness rose 0.6 points more than in similar neighbourhoods", "Worse than"),
        # Opposite ways: each said as it was, then the gap.
        (
            -0.2,
            0.4,
            -1.3,
            0.1,
            "Worklessness fell 0.2 points here while it rose 0.4 in similar neighbourhoods",
            "No clear",
        ),
    ],
)
def test_each_direction_in_words(here, there, low, high, words, verdict):
    e = effect(here=here, there=there, low=low, high=high)
    assert effect_sentence(e).startswith(words)
    assert verdict_words(e).startswith(verdict)


def test_a_factor_is_better_higher_and_a_fallback_group_is_named_for_what_it_is():
    e = effect(measure="confidence", here=6.0, there=2.0, low=0.5, high=7.5, kind="all_neighbourhoods")
    assert effect_sentence(e) == (
        "The confidence score rose 4.0 points more than in other neighbourhoods without a programme at the time "
        "since the programme started (95% interval 0.5 to 7.5)."
    )
    assert verdict_words(e) == "Better than other neighbourhoods without a programme at the time"


def test_an_interval_across_zero_has_a_minus_sign_and_no_verdict_of_better_or_worse():
    e = effect(here=-0.5, there=-0.2, low=-0.9, high=0.3)
    assert effect_sentence(e).endswith("(95% interval −0.3 to 0.9).")
    assert verdict_words(e) == "No clear difference from similar neighbourhoods"


def test_a_withheld_or_unestimated_row_has_no_words():
    e = effect()
    e.withheld_reason = "Fewer than 10 responses"
    assert effect_sentence(e) == ""
    early = effect()
    early.row.status = EffectEstimate.Status.TOO_EARLY
    assert effect_sentence(early) == ""
