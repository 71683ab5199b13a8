"""The synthetic demo series: labelled as synthetic, plausible, and idempotent."""

import pytest

from indicators.demo.official import seed_official
from indicators.official.models import Import, Indicator, LsoaLookup, Observation, Period
from indicators.official.selectors import neighbourhood_ratio_series
from tests.factories import NeighbourhoodFactory
from tests.indicators.official.helpers import snapshot

pytestmark = pytest.mark.django_db


def test_demo_figures_are_synthetic_plausible_and_idempotent():
    estate = NeighbourhoodFactory(areas=3)

    people, claimants = seed_official()

    assert {people.status, claimants.status} == {Import.Status.SUCCEEDED}
    assert "synthetic" in people.source
    assert "synthetic" in claimants.source
    counts = Observation.objects.filter(indicator__slug="claimant-count")
    months = Period.objects.filter(kind=Period.Kind.MONTH)
    assert months.order_by("start").first().label == "January 2013"
    assert counts.count() == 3 * months.count()
    assert all(v % 5 == 0 for v in counts.values_list("value", flat=True))
    populations = Observation.objects.filter(indicator__slug="working-age-population").values_list("value", flat=True)
    assert all(880 <= v <= 1280 for v in populations)

    rates = [p.value for p in neighbourhood_ratio_series(indicator=Indicator.objects.get(slug="worklessness"),
                                                          neighbourhood_ids=[estate.pk])]  # fmt: skip
    assert len(rates) == months.count()
    assert all(2 < r < 30 for r in rates)

    assert LsoaLookup.objects.count() == 1221  # the real case-study lookup

    before = snapshot()
    again = seed_official()
    assert {i.status for i in again} == {Import.Status.UNCHANGED}
    assert snapshot()["observations"] == before["observations"]
