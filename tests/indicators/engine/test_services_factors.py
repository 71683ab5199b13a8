"""Factor scores against hand-worked examples: means, intervals, shares, weights, change, disclosure."""

import datetime as dt

import pytest

from indicators.engine.models import FactorScore, PopulationGroup, Trend
from indicators.engine.services.refresh import neighbourhood_wave_refresh, recompute_all
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory

from .builders import residents, survey, wave

# Ten residents: sum 600, sum of squares 47,500.
TEN = [0, 25, 50, 50, 75, 75, 100, 100, 100, 25]


@pytest.fixture
def setting(db):
    la = LocalAuthorityFactory(code="E08000035", name="Leeds")
    other_la = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    a = NeighbourhoodFactory(name="A", local_authority=la)
    b = NeighbourhoodFactory(name="B", local_authority=la)
    c = NeighbourhoodFactory(name="C", local_authority=other_la)
    version, questions = survey(("confidence", "aspiration"))
    first = wave(version, [a, b, c], opens=dt.date(2025, 3, 1))
    return {"la": la, "a": a, "b": b, "c": c, "version": version, "q": questions, "wave": first}


def row(**where) -> FactorScore:
    return FactorScore.objects.get(**where)


def test_mean_interval_and_favourable_share_by_hand(setting):
    residents(setting["wave"], setting["a"], setting["q"]["confidence"], TEN)
    recompute_all(compare=False)

    figure = row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence")
    # mean 600/10 = 60; s² = (47,500 − 600²/10)/9 = 1,277.78; se = √(1,277.78/10) = 11.304;
    # t(9) = 2.262, so the interval is 60 ± 25.570.
    assert figure.responses == 10
    assert figure.mean == pytest.approx(60.0)
    assert figure.standard_error == pytest.approx(11.3039, abs=1e-4)
    assert (figure.ci_low, figure.ci_high) == (pytest.approx(34.430, abs=1e-3), pytest.approx(85.570, abs=1e-3))
    assert figure.favourable_share == pytest.approx(50.0)  # 75, 75, 100, 100, 100 are above 50
    assert not FactorScore.objects.filter(factor="aspiration", neighbourhood=setting["a"]).exists()


def test_a_resident_counts_once_however_many_items_they_answer(setting):
    q1, q2 = setting["q"]["confidence"]
    from .builders import respond

    for _ in range(9):
        respond(setting["wave"], setting["a"], {q1: 100, q2: 100})
    respond(setting["wave"], setting["a"], {q1: 0, q2: None})  # answered one item: their score is 0
    recompute_all(compare=False)
    figure = row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence")
    assert figure.responses == 10
    assert figure.mean == pytest.approx(90.0)


def test_fewer_responses_than_the_threshold_are_withheld_with_no_numbers(setting, settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 10
    residents(setting["wave"], setting["b"], setting["q"]["confidence"], [100, 0, 50, 50])
    recompute_all(compare=False)

    figure = row(level="neighbourhood", neighbourhood=setting["b"], factor="confidence")
    assert figure.withheld
    assert figure.withheld_reason == "Fewer than 10 responses"
    assert (figure.mean, figure.ci_low, figure.ci_high, figure.favourable_share, figure.standard_error) == (None,) * 5


def test_an_authority_figure_that_would_reveal_a_small_neighbourhood_by_subtraction_is_withheld(setting):
    residents(setting["wave"], setting["a"], setting["q"]["confidence"], TEN)
    residents(setting["wave"], setting["b"], setting["q"]["confidence"], [100, 100, 100, 100])
    residents(setting["wave"], setting["c"], setting["q"]["confidence"], TEN)
    recompute_all(compare=False)

    # Leeds = A (10, shown) + B (4, withheld): Leeds minus A would give B away.
    leeds = row(level="local_authority", local_authority=setting["la"], factor="confidence")
    assert leeds.responses == 14
    assert leeds.withheld
    assert "by subtraction" in leeds.withheld_reason
    everyone = row(level="wave", factor="confidence")
    assert everyone.withheld

    # Six more in B: every figure can now be shown, and the authority is the pooled mean.
    residents(setting["wave"], setting["b"], setting["q"]["confidence"], [0] * 6)
    neighbourhood_wave_refresh(wave_id=setting["wave"].pk, neighbourhood_id=setting["b"].pk)
    leeds = row(level="local_authority", local_authority=setting["la"], factor="confidence")
    assert not leeds.withheld
    assert leeds.mean == pytest.approx((600 + 400) / 20)
    assert row(level="wave", factor="confidence").mean == pytest.approx((600 + 400 + 600) / 30)


def test_weighted_estimate_from_the_population_profile(setting):
    a = setting["a"]
    residents(setting["wave"], a, setting["q"]["confidence"], [80] * 5, age_band="16-34", sex="female")
    residents(setting["wave"], a, setting["q"]["confidence"], [40] * 5, age_band="35-64", sex="male")
    PopulationGroup.objects.create(neighbourhood=a, age_band="16-34", sex="female", people=100, source="test")
    PopulationGroup.objects.create(neighbourhood=a, age_band="35-64", sex="male", people=300, source="test")
    recompute_all(compare=False)

    figure = row(level="neighbourhood", neighbourhood=a, factor="confidence")
    assert figure.mean == pytest.approx(60.0)  # unweighted: half the respondents each
    assert figure.weighted_mean == pytest.approx(0.25 * 80 + 0.75 * 40)  # 50: a quarter of residents are young women
    # No spread within either cell, so the weighted interval closes on the estimate.
    assert figure.weighted_ci_low == pytest.approx(50.0)
    assert figure.weighted_ci_high == pytest.approx(50.0)


def test_no_weighting_without_a_profile(setting):
    residents(setting["wave"], setting["a"], setting["q"]["confidence"], TEN, age_band="16-34", sex="female")
    recompute_all(compare=False)
    assert row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence").weighted_mean is None


def test_change_since_the_previous_wave_and_whether_it_is_more_than_chance(setting):
    q = setting["q"]["confidence"]
    residents(setting["wave"], setting["a"], q, TEN)
    second = wave(setting["version"], [setting["a"]], opens=dt.date(2026, 3, 1))
    residents(second, setting["a"], q, [s + 0 if s == 100 else s + 10 for s in TEN])  # mean 67
    third = wave(setting["version"], [setting["a"]], opens=dt.date(2027, 3, 1))
    residents(third, setting["a"], q, [100] * 10)
    recompute_all(compare=False)

    later = row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence", wave=second)
    assert later.previous_wave == setting["wave"]
    # z = 7/√(11.304² + 10.171²) = 0.461, p = 0.645: no clear change.
    assert later.change == pytest.approx(7.0)
    assert later.change_p_value == pytest.approx(0.6448, abs=1e-3)
    assert later.trend == Trend.NO_CLEAR_CHANGE
    latest = row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence", wave=third)
    # Second wave: s² = (54,200 − 670²/10)/9 = 1,034.44, se = 10.171; the third has no spread.
    # z = 33/10.171 = 3.245, two-sided p = 0.00118.
    assert latest.change == pytest.approx(33.0)
    assert latest.change_p_value == pytest.approx(0.001176, abs=1e-6)
    assert latest.trend == Trend.BETTER


def test_incremental_update_matches_a_full_recompute(setting):
    q = setting["q"]["confidence"]
    residents(setting["wave"], setting["a"], q, TEN)
    residents(setting["wave"], setting["c"], q, TEN[:9])
    recompute_all(compare=False)
    residents(setting["wave"], setting["c"], q, [90])
    neighbourhood_wave_refresh(wave_id=setting["wave"].pk, neighbourhood_id=setting["c"].pk)

    run = recompute_all()
    assert run.differences == []
    assert row(level="neighbourhood", neighbourhood=setting["c"], factor="confidence").mean == pytest.approx(
        66.5
    )  # (575 + 90) / 10


def test_recompute_reports_drift_from_stale_incremental_figures(setting):
    q = setting["q"]["confidence"]
    residents(setting["wave"], setting["a"], q, TEN)
    recompute_all(compare=False)
    residents(setting["wave"], setting["a"], q, [100])  # stored, but no incremental update ran

    run = recompute_all()
    assert {d["table"] for d in run.differences} == {"factor"}
    assert row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence").responses == 11


def test_each_resident_is_scored_once_per_factor_from_their_own_answers(setting):
    from indicators.engine.models import ResidentScore

    from .builders import respond

    (c1, c2), (a1, _) = setting["q"]["confidence"], setting["q"]["aspiration"]
    response = respond(setting["wave"], setting["a"], {c1: 100, c2: 25, a1: 50})
    respond(setting["wave"], setting["b"], {c1: None, c2: None, a1: 0})  # no scored confidence answer
    neighbourhood_wave_refresh(wave_id=setting["wave"].pk, neighbourhood_id=setting["a"].pk)

    # Only the refreshed neighbourhood is scored; its resident has one score per factor they answered.
    assert sorted(ResidentScore.objects.values_list("response_id", "factor", "score")) == [
        (response.pk, "aspiration", 50.0),
        (response.pk, "confidence", 62.5),
    ]
    recompute_all(compare=False)
    assert ResidentScore.objects.count() == 3
    assert ResidentScore.objects.filter(response__neighbourhood=setting["b"]).get().factor == "aspiration"


def test_a_withdrawn_response_loses_its_stored_scores_at_the_next_update(setting):
    from django.utils import timezone

    from indicators.engine.models import ResidentScore

    residents(setting["wave"], setting["a"], setting["q"]["confidence"], [*TEN, 90])
    neighbourhood_wave_refresh(wave_id=setting["wave"].pk, neighbourhood_id=setting["a"].pk)
    last = ResidentScore.objects.filter(score=90).get().response
    last.status, last.withdrawn_at, last.age_band, last.sex = "withdrawn", timezone.now(), "", ""
    last.save()

    neighbourhood_wave_refresh(wave_id=setting["wave"].pk, neighbourhood_id=setting["a"].pk)
    assert not ResidentScore.objects.filter(response=last).exists()
    figure = row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence")
    assert (figure.responses, figure.mean) == (10, pytest.approx(60.0))


def test_the_nightly_rescore_finds_and_mends_a_stored_score_that_no_longer_matches_the_answers(setting):
    from indicators.engine.models import ResidentScore

    residents(setting["wave"], setting["a"], setting["q"]["confidence"], TEN)
    recompute_all(compare=False)
    ResidentScore.objects.filter(score=0).update(score=100)  # e.g. a bad restore of one table

    recompute_all(compare=False)  # built from the stored scores, it carries the fault
    assert row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence").mean == pytest.approx(70.0)

    run = recompute_all(rescore=True)
    assert {d["table"] for d in run.differences} == {"factor"}
    assert row(level="neighbourhood", neighbourhood=setting["a"], factor="confidence").mean == pytest.approx(60.0)
    assert ResidentScore.objects.filter(score=100).count() == 3


def test_a_rescore_rebuilds_an_emptied_store_and_a_second_one_writes_nothing(setting):
    from indicators.engine.models import ResidentScore
    from indicators.engine.services.factors import residents_score

    residents(setting["wave"], setting["a"], setting["q"]["confidence"], TEN)
    recompute_all(compare=False)
    kept = sorted(ResidentScore.objects.values_list("response_id", "factor", "score"))
    ResidentScore.objects.all().delete()  # e.g. a restore without the table

    assert residents_score(rescore=True) == len(kept) == 10
    assert sorted(ResidentScore.objects.values_list("response_id", "factor", "score")) == kept
    assert residents_score(rescore=True) == 0
