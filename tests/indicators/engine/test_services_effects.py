"""Did it work? Differences in differences with their 95% intervals, worked by hand: worklessness (area level,
the spread of the comparison neighbourhoods' changes) and a factor (resident level, the residents' variances),
too early, a withheld comparison group, and the fallback when too few statistical neighbours are free."""

import datetime as dt
import math

import pytest

from indicators.access.models import Role
from indicators.engine.models import EffectEstimate
from indicators.engine.services.effects import effects_refresh
from indicators.engine.services.refresh import recompute_all
from indicators.interventions.services import intervention_create
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, staff

from .builders import figures, month, residents, survey, wave, year

TODAY = dt.date(2021, 6, 1)
T_2 = 4.303  # Student's t, 97.5%, 2 degrees of freedom
T_4 = 2.776  # and 4


@pytest.fixture
def world(db, settings):
    """T (treated) and C1, C2, C3 alike; Busy has a programme of its own at the same time. One LSOA each, in
    authorities of their own; 1,000 working-age residents each."""
    settings.REBALANCE_EFFECT_WINDOW_MONTHS = 4
    settings.REBALANCE_EFFECT_MIN_MONTHS = 2
    settings.REBALANCE_STATISTICAL_NEIGHBOURS = 4
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    places = {}
    for name in ("T", "C1", "C2", "C3", "Busy"):
        places[name] = NeighbourhoodFactory(name=name, local_authority=LocalAuthorityFactory(), areas=1)
    admin = staff(Role.ADMIN, username="effects.admin")
    return places, admin


def record(world, name, start, *, places=("T",), factors=()):
    neighbourhoods, admin = world
    return intervention_create(
        user=admin,
        title=name,
        lead_organisation="Council",
        start_date=start,
        neighbourhoods=[neighbourhoods[p] for p in places],
        factors=factors,
        recommendations=["local_welfare_to_work"],
    )


def monthly_rates(world, rates: dict[str, list[float]], first=(2020, 1)):
    """Claimant counts giving these rates (%), month by month from ``first``, over 1,000 residents each."""
    places, _ = world
    areas = {name: places[name].small_areas.get() for name in rates}
    figures("working-age-population", year(2020), dict.fromkeys(areas.values(), 1000))
    for i in range(len(next(iter(rates.values())))):
        period = month(first[0], first[1] + i)
        figures("claimant-count", period, {areas[name]: rates[name][i] * 10 for name in rates})


def estimate(intervention, measure, name="T", world=None) -> EffectEstimate:
    return EffectEstimate.objects.get(intervention=intervention, measure=measure, neighbourhood__name=name)


def test_worklessness_difference_in_differences_with_its_interval(world):
    # The programme starts in May 2020: January to April before, May to August after (a four-month window).
    monthly_rates(
        world,
        {
            "T": [10, 10, 10, 10, 9, 9, 9, 9],  # −1 point
            "C1": [10, 10, 10, 10, 10, 10, 10, 10],  # 0
            "C2": [8, 8, 8, 8, 8.5, 8.5, 8.5, 8.5],  # +0.5
            "C3": [12, 12, 12, 12, 11.5, 11.5, 11.5, 11.5],  # −0.5
            "Busy": [10, 10, 10, 10, 5, 5, 5, 5],  # −5, but it had a programme of its own: never compared
        },
    )
    programme = record(world, "Employment hub", dt.date(2020, 5, 1))
    record(world, "Another", dt.date(2020, 3, 1), places=("Busy",))
    recompute_all(compare=False)
    effects_refresh(today=TODAY)

    row = estimate(programme, "worklessness")
    assert row.status == EffectEstimate.Status.ESTIMATED
    assert (row.treated_before, row.treated_after, row.treated_change) == pytest.approx((10, 9, -1))
    assert row.comparison_change == pytest.approx(0)  # (0 + 0.5 − 0.5) / 3
    assert row.estimate == pytest.approx(-1)
    # The comparison changes 0, +0.5, −0.5 have a standard deviation of 0.5; with three of them the standard
    # error is 0.5 × √(1 + 1/3), and the interval ± t(2 df) times it.
    se = 0.5 * math.sqrt(4 / 3)
    assert row.standard_error == pytest.approx(se)
    assert (row.ci_low, row.ci_high) == pytest.approx((-1 - T_2 * se, -1 + T_2 * se), abs=1e-3)
    assert row.comparison_kind == EffectEstimate.Comparison.NEIGHBOURS
    places, _ = world
    assert sorted(row.comparison_ids) == sorted(places[n].pk for n in ("C1", "C2", "C3"))
    assert row.before_label == "Jan 2020 to Apr 2020"
    assert row.after_label == "May 2020 to Aug 2020"
    assert row.pretrend_difference == pytest.approx(0)
    assert row.weak_reasons == ["The comparison group is small: 3 neighbourhoods."]
    assert row.measurable_since is not None


def test_a_run_again_keeps_when_it_first_became_measurable(world):
    monthly_rates(world, {n: [10] * 8 for n in ("T", "C1", "C2", "C3")})
    programme = record(world, "Employment hub", dt.date(2020, 5, 1))
    recompute_all(compare=False)
    # The full recompute finds the neighbours and makes the estimates itself.
    assert estimate(programme, "worklessness").status == EffectEstimate.Status.ESTIMATED
    effects_refresh(today=TODAY)
    first = estimate(programme, "worklessness").measurable_since
    assert effects_refresh(today=TODAY) == 1
    assert estimate(programme, "worklessness").measurable_since == first


def test_too_early_says_how_many_months_it_has_and_needs(world, settings):
    settings.REBALANCE_EFFECT_MIN_MONTHS = 3
    monthly_rates(world, {n: [10] * 8 for n in ("T", "C1", "C2", "C3")})
    programme = record(world, "Late starter", dt.date(2020, 7, 1))  # July and August after it: two months
    recompute_all(compare=False)
    effects_refresh(today=TODAY)
    row = estimate(programme, "worklessness")
    assert row.status == EffectEstimate.Status.TOO_EARLY
    assert row.note == "Too early to say: 2 months of worklessness figures since it started; an estimate needs 3."
    assert row.estimate is None
    assert row.measurable_since is None


def test_too_few_free_neighbours_falls_back_to_every_free_neighbourhood_and_says_so(world, settings):
    settings.REBALANCE_STATISTICAL_NEIGHBOURS = 1
    monthly_rates(world, {n: [10] * 8 for n in ("T", "C1", "C2", "C3")})
    programme = record(world, "Employment hub", dt.date(2020, 5, 1))
    recompute_all(compare=False)
    effects_refresh(today=TODAY)
    row = estimate(programme, "worklessness")
    assert row.status == EffectEstimate.Status.ESTIMATED
    assert row.comparison_kind == EffectEstimate.Comparison.ALL
    assert len(row.comparison_ids) == 3  # C1, C2, C3: Busy has no figures
    assert row.weak_reasons[0].startswith("Fewer than 3 of its statistical neighbours were free of other programmes")


def _two_waves(world, scores: dict[str, tuple[list[int], list[int]]]):
    places, _ = world
    version, questions = survey(("confidence",))
    surveyed = [places[n] for n in scores]
    before = wave(version, surveyed, opens=dt.date(2019, 9, 1))  # closes in October 2019
    after = wave(version, surveyed, opens=dt.date(2020, 9, 1))  # after the May 2020 start; closed by TODAY
    for name, (first, second) in scores.items():
        residents(before, places[name], questions["confidence"], first)
        residents(after, places[name], questions["confidence"], second)
    return before, after


def test_factor_difference_in_differences_from_residents_variances(world):
    _two_waves(
        world,
        {
            "T": ([40, 50, 60, 50, 50], [60, 70, 80, 70, 70]),  # 50 → 70, each wave's variance 50
            "C1": ([50] * 5, [55] * 5),  # 50 → 55, variance 0
            "C2": ([40, 60, 50, 50, 50], [50, 70, 60, 60, 60]),  # 50 → 60, variance 50
            "C3": ([50] * 5, [50] * 5),  # no change
        },
    )
    programme = record(world, "Confidence course", dt.date(2020, 5, 1), factors=["confidence"])
    recompute_all(compare=False)
    effects_refresh(today=TODAY)

    row = estimate(programme, "confidence")
    assert row.status == EffectEstimate.Status.ESTIMATED
    assert (row.treated_before, row.treated_after) == pytest.approx((50, 70))
    assert row.comparison_change == pytest.approx(5)  # (5 + 10 + 0) / 3
    assert row.estimate == pytest.approx(15)
    # Variance: here 50/5 + 50/5 = 20; the group (0 + 0 + 50/5 + 50/5 + 0 + 0) / 3² = 20/9.
    se = math.sqrt(20 + 20 / 9)
    assert row.standard_error == pytest.approx(se)
    assert (row.ci_low, row.ci_high) == pytest.approx((15 - T_4 * se, 15 + T_4 * se), abs=1e-3)
    # Worklessness has no figures in this world: said, not estimated.
    assert estimate(programme, "worklessness").status != EffectEstimate.Status.ESTIMATED


def test_a_withheld_comparison_group_withholds_the_estimate(world):
    _two_waves(
        world,
        {
            "T": ([50] * 5, [60] * 5),
            "C1": ([50] * 5, [50] * 3),  # three residents in the later wave: withheld (fewer than 5)
            "C2": ([50] * 5, [50] * 3),
            "C3": ([50] * 4, [50] * 5),
        },
    )
    programme = record(world, "Confidence course", dt.date(2020, 5, 1), factors=["confidence"])
    recompute_all(compare=False)
    effects_refresh(today=TODAY)
    row = estimate(programme, "confidence")
    assert row.status == EffectEstimate.Status.WITHHELD
    assert row.withheld
    assert "withheld" in row.withheld_reason
    assert "fewer than 5 responses" in row.withheld_reason
    assert (row.estimate, row.treated_before, row.comparison_change, row.ci_low) == (None, None, None, None)


def test_a_factor_withheld_here_withholds_with_its_reason(world):
    _two_waves(world, {"T": ([50] * 5, [60] * 4), "C1": ([50] * 5, [50] * 5)})
    programme = record(world, "Confidence course", dt.date(2020, 5, 1), factors=["confidence"])
    recompute_all(compare=False)
    effects_refresh(today=TODAY)
    row = estimate(programme, "confidence")
    assert row.withheld
    assert row.withheld_reason.startswith("Fewer than 5 responses here in")


def test_no_wave_after_the_start_is_too_early(world):
    _two_waves(world, {"T": ([50] * 5, [60] * 5), "C1": ([50] * 5, [50] * 5)})
    programme = record(world, "Confidence course", dt.date(2021, 1, 1), factors=["confidence"])
    recompute_all(compare=False)
    effects_refresh(today=TODAY)
    row = estimate(programme, "confidence")
    assert row.status == EffectEstimate.Status.TOO_EARLY
    assert row.note == "Too early to say: 0 survey waves here have closed since it started; an estimate needs 1."


def test_a_factor_already_moving_apart_before_the_start_is_a_weak_comparison(world):
    places, _ = world
    version, questions = survey(("confidence",))
    surveyed = [places[n] for n in ("T", "C1", "C2", "C3")]
    earlier = wave(version, surveyed, opens=dt.date(2018, 9, 1))
    before = wave(version, surveyed, opens=dt.date(2019, 9, 1))
    after = wave(version, surveyed, opens=dt.date(2020, 9, 1))
    for w, here in ((earlier, 30), (before, 50), (after, 60)):  # up 20 before the start, then 10
        residents(w, places["T"], questions["confidence"], [here] * 5)
        for name in ("C1", "C2", "C3"):
            residents(w, places[name], questions["confidence"], [50] * 5)
    programme = record(world, "Confidence course", dt.date(2020, 5, 1), factors=["confidence"])
    recompute_all(compare=False)
    effects_refresh(today=TODAY)
    row = estimate(programme, "confidence")
    assert row.estimate == pytest.approx(10)
    assert row.pretrend_difference == pytest.approx(20)  # (50 − 30) − 0
    assert row.weak_reasons[-1].startswith("Between the two waves before it started, the score here was already")
