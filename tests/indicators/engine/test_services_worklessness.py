"""Rates from summed parts, the benchmark, improving or lagging, and the share improving, by hand."""

import pytest

from indicators.engine.models import WorklessnessPoint
from indicators.engine.selectors.improvement import improvement_report
from indicators.engine.services.refresh import observations_refresh
from indicators.engine.services.worklessness import EngineError, worklessness_refresh
from indicators.official.models import Indicator
from tests.factories import (
    DeprivationFactory,
    LocalAuthorityFactory,
    NeighbourhoodFactory,
    RegionFactory,
    SmallAreaFactory,
)

from .builders import figures, month, year


@pytest.fixture
def official(db):
    region = RegionFactory(name="Tees Valley", slug="tees-valley")
    x = LocalAuthorityFactory(code="E06000002", name="Middlesbrough", region=region)
    y = LocalAuthorityFactory(code="E06000004", name="Stockton-on-Tees", region=region)
    x_areas = [SmallAreaFactory(local_authority=x) for _ in range(4)]
    y_deprived = SmallAreaFactory(local_authority=y)
    y_affluent = SmallAreaFactory(local_authority=y)
    for area in [*x_areas, y_deprived]:
        DeprivationFactory(small_area=area, decile=1)
    DeprivationFactory(small_area=y_affluent, decile=9)
    neighbourhood = NeighbourhoodFactory(name="North Ormesby", local_authority=x, areas=x_areas[:2])

    start, end = month(2019, 12), month(2021, 12)
    # Populations (the year's figure is the denominator for each month).
    figures("working-age-population", year(2019), dict.fromkeys([*x_areas, y_deprived, y_affluent], 1000))
    figures("working-age-population", year(2021), dict.fromkeys([*x_areas, y_deprived, y_affluent], 1000))
    # Claimants: rates of 5, 6, 7, 8 and 9% at the start...
    figures(
        "claimant-count", start, dict(zip([*x_areas, y_deprived, y_affluent], [50, 60, 70, 80, 90, 10], strict=True))
    )
    # ... and changes of −2, −1, 0, +1 (Middlesbrough) and −3 (Stockton) points by the end.
    figures("claimant-count", end, dict(zip([*x_areas, y_deprived, y_affluent], [30, 50, 70, 90, 60, 10], strict=True)))
    return {"x": x, "y": y, "areas": x_areas, "neighbourhood": neighbourhood, "start": start, "end": end}


def point(**where) -> WorklessnessPoint:
    return WorklessnessPoint.objects.get(indicator__slug="worklessness", **where)


def test_a_neighbourhoods_rate_is_summed_parts_not_a_mean_of_rates(official, db):
    # Unequal populations make the difference visible: 50/1000 and 30/500.
    from indicators.official.models import Observation

    population = Observation.objects.filter(indicator__slug="working-age-population", small_area=official["areas"][1])
    population.update(value=500)
    Observation.objects.filter(
        indicator__slug="claimant-count", small_area=official["areas"][1], period=official["start"]
    ).update(value=30)
    worklessness_refresh(indicator_id=Indicator.objects.get(slug="worklessness").pk)

    figure = point(level="neighbourhood", neighbourhood=official["neighbourhood"], period=official["start"])
    assert (figure.numerator, figure.denominator) == (80, 1500)
    assert figure.rate == pytest.approx(100 * 80 / 1500)  # 5.333, where the mean of 5% and 6% would be 5.5
    assert (figure.areas, figure.areas_expected) == (2, 2)


def test_authority_and_benchmark_series(official):
    worklessness_refresh(indicator_id=Indicator.objects.get(slug="worklessness").pk)
    middlesbrough = point(level="local_authority", local_authority=official["x"], period=official["start"])
    assert middlesbrough.rate == pytest.approx(100 * 260 / 4000)
    benchmark = point(level="benchmark", period=official["start"])
    assert benchmark.rate == pytest.approx((5 + 6 + 7 + 8 + 9) / 5)  # the five deprived areas' own rates
    assert benchmark.areas == 5


def test_improvement_report_by_hand(official):
    observations_refresh(indicator_id=Indicator.objects.get(slug="claimant-count").pk)
    report = improvement_report(indicator_slug="worklessness", start="2019-12", end="December 2021")

    # Benchmark: mean change over the five deprived areas, (−2 −1 +0 +1 −3)/5 = −1 point.
    assert report.benchmark_change == pytest.approx(-1.0)
    assert report.benchmark_areas == 5
    shares = {a.code: (a.deprived, a.improving, a.share) for a in report.local_authorities}
    # Improving: fell by more than 1 point. Middlesbrough: only the −2 area; Stockton: its −3 area.
    assert shares == {"E06000002": (4, 1, 25.0), "E06000004": (1, 1, 100.0)}
    assert [(r.name, r.deprived, r.improving, r.share) for r in report.regions] == [("Tees Valley", 5, 2, 40.0)]
    # North Ormesby = the −2 and −1 areas: 11/2000 → 8/2000, a fall of 1.5 points, more than the benchmark's 1.
    (row,) = report.neighbourhoods
    assert row["change"] == pytest.approx(-1.5)
    assert row["improving"] is True


def test_another_reference_set(official):
    observations_refresh(indicator_id=Indicator.objects.get(slug="claimant-count").pk)
    report = improvement_report(indicator_slug="worklessness", start="2019-12", end="2021-12", reference="la:E06000004")
    assert report.benchmark_change == pytest.approx(-3.0)
    assert report.benchmark_areas == 1
    assert "E06000004" in report.reference


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicator_slug": "claimant-count", "start": "2019-12", "end": "2021-12"}, "is a count, not a rate"),
        ({"indicator_slug": "nothing", "start": "2019-12", "end": "2021-12"}, "No indicator 'nothing'"),
        ({"indicator_slug": "worklessness", "start": "2021-12", "end": "2019-12"}, "must come before"),
        ({"indicator_slug": "worklessness", "start": "2015-01", "end": "2019-12"}, "No figures have been imported for"),
        ({"indicator_slug": "worklessness", "start": "Smarch", "end": "2019-12"}, "not a period we can read"),
        (
            {"indicator_slug": "worklessness", "start": "2019-12", "end": "2021-12", "reference": "mars"},
            "Unknown reference",
        ),
    ],
)
def test_questions_the_engine_cannot_answer_say_why(official, kwargs, message):
    with pytest.raises(EngineError, match=message):
        improvement_report(**kwargs)


def test_refresh_is_idempotent_and_only_touches_the_periods_given(official):
    indicator = Indicator.objects.get(slug="worklessness")
    worklessness_refresh(indicator_id=indicator.pk)
    first = sorted(
        WorklessnessPoint.objects.values_list("level", "period_id", "neighbourhood_id", "local_authority_id", "rate")
    )
    worklessness_refresh(indicator_id=indicator.pk)
    worklessness_refresh(indicator_id=indicator.pk, period_ids=[official["end"].pk])
    again = sorted(
        WorklessnessPoint.objects.values_list("level", "period_id", "neighbourhood_id", "local_authority_id", "rate")
    )
    assert first == again
    assert len(first) == 2 * 3  # neighbourhood, authority (one that holds a neighbourhood) and benchmark, per period


def test_periods_observed_only_for_whole_authorities_count_as_observed(official):
    from decimal import Decimal

    from indicators.engine.services.worklessness import denominator_periods
    from indicators.official.models import Import, Observation

    ratio = Indicator.objects.get(slug="worklessness")
    claimants = Indicator.objects.get(slug="claimant-count")
    later = month(2022, 6)
    source = Import.objects.create(indicator=claimants, format="generated", source="test", file_name="la.csv")
    Observation.objects.create(
        indicator=claimants, period=later, local_authority=official["x"], value=Decimal(900), source_import=source
    )
    mapping = denominator_periods(ratio)
    # Each month is divided by its year's population, or the latest earlier year's (2022 is not out).
    assert mapping == {official["start"].pk: year(2019).pk, official["end"].pk: year(2021).pk, later.pk: year(2021).pk}
    assert denominator_periods(ratio, [later.pk]) == {later.pk: year(2021).pk}
