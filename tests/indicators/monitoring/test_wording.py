"""Verdicts in plain words, always with signs and the period; the why and what to do from the factors."""

from types import SimpleNamespace

import pytest

from indicators.engine.models import Trend
from indicators.engine.selectors.verdicts import worklessness_verdict
from indicators.monitoring import wording


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.19, "+0.19"), (-0.04, "−0.04"), (0, "0.00"), (-0.001, "0.00"), (0.004, "0.00"), (None, "no figure")],
)
def test_every_signed_number_shows_its_sign_and_none_shows_minus_zero(value, shown):
    assert wording.signed(value) == shown


@pytest.mark.parametrize(
    ("change", "benchmark", "verdict"),
    [
        (0.19, 0.23, "keeping_pace"),  # rose less than the benchmark, but within 0.1 points of it
        (0.19, 0.50, "improving"),  # a rising rate can still be improving: it rose less than similar areas
        (-1.0, -0.5, "improving"),  # fell faster than the benchmark
        (-0.5, -1.0, "falling_behind"),  # fell, but slower than the benchmark
        (-1.0, -1.0, "keeping_pace"),
        (0.0, 0.0, "keeping_pace"),
        (None, -1.0, ""),
        (-1.0, None, ""),
    ],
)
def test_the_verdict_keeps_the_reports_method_with_a_tolerance(settings, change, benchmark, verdict):
    settings.REBALANCE_KEEPING_PACE_POINTS = 0.1
    assert worklessness_verdict(change, benchmark) == verdict


def test_the_tolerance_is_a_setting(settings):
    settings.REBALANCE_KEEPING_PACE_POINTS = 0.0
    assert worklessness_verdict(0.19, 0.23) == "improving"


def test_a_rising_rate_slower_than_the_benchmark_is_said_as_it_is(settings):
    settings.REBALANCE_KEEPING_PACE_POINTS = 0.1
    sentence = wording.worklessness_sentence(
        verdict=worklessness_verdict(0.19, 0.23),
        change=0.19,
        start_rate=11.62,
        end_rate=11.81,
        benchmark_change=0.23,
        start="March 2024",
        end="March 2025",
    )
    assert sentence == (
        "Worklessness rose 0.19 points (11.6% → 11.8%) from March 2024 to March 2025; "
        "England's most deprived areas rose 0.23 points: in step with similar areas."
    )


def test_a_falling_rate_faster_than_the_benchmark(settings):
    settings.REBALANCE_KEEPING_PACE_POINTS = 0.1
    sentence = wording.worklessness_sentence(
        verdict=worklessness_verdict(-1.2, -0.4),
        change=-1.2,
        start_rate=14.0,
        end_rate=12.8,
        benchmark_change=-0.4,
        start="2023",
        end="2024",
    )
    assert "fell 1.20 points (14.0% → 12.8%) from 2023 to 2024" in sentence
    assert sentence.endswith("fell 0.40 points: better than similar areas.")


def test_no_benchmark_and_no_figure_are_said_plainly():
    no_benchmark = wording.worklessness_sentence(
        verdict="", change=0.1, start_rate=10, end_rate=10.1, benchmark_change=None, start="2023", end="2024"
    )
    assert no_benchmark.endswith("there is no benchmark figure for the same period.")
    assert "no figure" in wording.worklessness_sentence(
        verdict="", change=None, start_rate=None, end_rate=None, benchmark_change=None, start=None, end=None
    )


def _status(factor, against="", since="", withheld=False):
    return SimpleNamespace(factor=factor, against_benchmark=against, since_last_wave=since, withheld=withheld)


def test_the_why_names_the_weakest_strongest_and_moved_factors():
    statuses = [
        _status("confidence", against=Trend.WORSE),
        _status("housing_environment", against=Trend.WORSE, since=Trend.WORSE),
        _status("outlook", against=Trend.BETTER, since=Trend.BETTER),
        _status("leadership", against=Trend.NO_CLEAR_CHANGE),
        _status("aspiration", against=Trend.WORSE, withheld=True),  # withheld: never a reason
    ]
    assert wording.why_sentence(statuses) == (
        "Residents rate confidence and housing and ‘crime and grime’ below everyone surveyed, and community outlook "
        "above. Since the last wave, housing and ‘crime and grime’ fell; community outlook rose."
    )
    assert wording.main_concerns(statuses) == ["Confidence", "Housing, crime and grime"]
    assert wording.what_to_do(statuses).startswith("Confidence: Build confidence")


def test_nothing_standing_out_is_said_too():
    statuses = [_status("confidence", against=Trend.NO_CLEAR_CHANGE)]
    assert wording.why_sentence(statuses).startswith("No factor stands out")
    assert wording.main_concerns(statuses) == []
    assert wording.what_to_do(statuses) == ""
