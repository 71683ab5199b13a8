"""Matched pairs: the gap at each wave or period and the difference-in-differences, by hand."""

import datetime as dt

import pytest

from indicators.engine.models import PairComparison
from indicators.engine.services.refresh import recompute_all
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory

from .builders import figures, month, residents, survey, wave, year


@pytest.fixture
def pair(db):
    la = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    improving = NeighbourhoodFactory(name="Improving", local_authority=la, areas=1)
    lagging = NeighbourhoodFactory(name="Lagging", local_authority=la, areas=1)
    return MatchedPairFactory(first=improving, second=lagging)


def test_factor_gap_and_difference_in_differences(pair):
    version, questions = survey(("confidence",))
    q = questions["confidence"]
    w1 = wave(version, [pair.first, pair.second], opens=dt.date(2024, 3, 1))
    w2 = wave(version, [pair.first, pair.second], opens=dt.date(2025, 3, 1))
    residents(w1, pair.first, q, [50] * 10)  # 50
    residents(w1, pair.second, q, [40] * 10)  # 40
    residents(w2, pair.first, q, [70] * 10)  # 70: up 20
    residents(w2, pair.second, q, [45] * 10)  # 45: up 5
    recompute_all(compare=False)

    baseline, later = PairComparison.objects.filter(pair=pair, measure="confidence").order_by("wave__opens_on")
    assert (baseline.gap, baseline.difference_in_differences) == (10, 0)
    assert (later.first_change, later.second_change) == (20, 5)
    assert later.gap == 25
    assert later.difference_in_differences == 15  # (70 − 50) − (45 − 40)


def test_a_withheld_side_withholds_the_comparison(pair):
    version, questions = survey(("confidence",))
    w1 = wave(version, [pair.first, pair.second], opens=dt.date(2024, 3, 1))
    residents(w1, pair.first, questions["confidence"], [50] * 10)
    residents(w1, pair.second, questions["confidence"], [40] * 3)
    recompute_all(compare=False)
    comparison = PairComparison.objects.get(pair=pair, measure="confidence")
    assert comparison.withheld
    assert comparison.withheld_reason == "Fewer than 10 responses"
    assert (comparison.first_value, comparison.second_value, comparison.gap) == (None, None, None)


def test_worklessness_difference_in_differences(pair):
    a, b = pair.first.small_areas.get(), pair.second.small_areas.get()
    figures("working-age-population", year(2019), {a: 1000, b: 1000})
    figures("claimant-count", month(2019, 1), {a: 100, b: 100})  # 10% and 10%
    figures("claimant-count", month(2019, 12), {a: 70, b: 95})  # 7% and 9.5%
    recompute_all(compare=False)

    rows = PairComparison.objects.filter(pair=pair, measure="worklessness:worklessness").order_by("period__start")
    assert [r.gap for r in rows] == [pytest.approx(0.0), pytest.approx(-2.5)]
    assert rows[1].difference_in_differences == pytest.approx(-2.5)  # (7 − 10) − (9.5 − 10)
