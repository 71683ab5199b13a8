"""Statistical neighbours on a small set worked by hand: z-scores, equal weights, Euclidean distance."""

import math
from decimal import Decimal

import pytest

from indicators.engine.models import StatisticalNeighbour
from indicators.engine.services.neighbours import neighbours_refresh
from indicators.engine.services.worklessness import worklessness_refresh
from indicators.official.models import DeprivationDomain, Indicator
from tests.factories import DeprivationFactory, LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory

from .builders import figures, month, year


@pytest.fixture
def four(db, settings):
    """A, B, C and D: one LSOA each, alike in size, with IMD scores 10, 20, 30, 60 and worklessness 5, 5, 15, 15%
    at the baseline (each in decile 1, so the share in decile 1 tells them apart no more than size does)."""
    settings.REBALANCE_STATISTICAL_NEIGHBOURS = 2
    la = LocalAuthorityFactory()
    places, areas = {}, {}
    for name, score in (("A", 10), ("B", 20), ("C", 30), ("D", 60)):
        area = SmallAreaFactory(local_authority=la)
        DeprivationFactory(small_area=area, decile=1, score=Decimal(score))
        places[name] = NeighbourhoodFactory(name=name, local_authority=la, areas=[area])
        areas[name] = area
    figures("working-age-population", year(2015), dict.fromkeys(areas.values(), 1000))
    figures("claimant-count", month(2015, 3), {areas[k]: v for k, v in zip("ABCD", [50, 50, 150, 150], strict=True)})
    worklessness_refresh(indicator_id=Indicator.objects.get(slug="worklessness").pk)
    return places, areas


def neighbours(place) -> list[tuple[str, float]]:
    rows = StatisticalNeighbour.objects.filter(neighbourhood=place).select_related("neighbour").order_by("rank")
    return [(row.neighbour.name, row.distance) for row in rows]


def test_nearest_by_standardised_distance_worked_by_hand(four):
    places, _ = four
    neighbours_refresh()
    # IMD scores 10, 20, 30, 60: mean 30, standard deviation √350. Worklessness 5, 5, 15, 15: mean 10, sd 5, so
    # z = −1, −1, +1, +1. Size is the same everywhere and drops out. Squared distances:
    # A–B (10/√350)² = 100/350; A–C 400/350 + 4; B–C 100/350 + 4; C–D 900/350; B–D 1600/350 + 4.
    assert neighbours(places["A"]) == [
        ("B", pytest.approx(math.sqrt(100 / 350))),
        ("C", pytest.approx(math.sqrt(400 / 350 + 4))),
    ]
    assert neighbours(places["B"]) == [
        ("A", pytest.approx(math.sqrt(100 / 350))),
        ("C", pytest.approx(math.sqrt(100 / 350 + 4))),
    ]
    assert neighbours(places["C"]) == [
        ("D", pytest.approx(math.sqrt(900 / 350))),
        ("B", pytest.approx(math.sqrt(100 / 350 + 4))),
    ]
    assert neighbours(places["D"]) == [
        ("C", pytest.approx(math.sqrt(900 / 350))),
        ("B", pytest.approx(math.sqrt(1600 / 350 + 4))),
    ]
    basis = StatisticalNeighbour.objects.first().basis
    assert basis["measures"] == {"deprivation": ["imd:score"], "worklessness": ["worklessness"]}
    assert basis["baseline_period"] == "March 2015"


def test_a_recompute_on_the_same_figures_gives_the_same_rows(four):
    neighbours_refresh()
    first = list(StatisticalNeighbour.objects.values_list("neighbourhood_id", "neighbour_id", "rank", "distance"))
    assert neighbours_refresh() == 8
    again = list(StatisticalNeighbour.objects.values_list("neighbourhood_id", "neighbour_id", "rank", "distance"))
    assert sorted(first) == sorted(again)


def test_domains_where_loaded_share_deprivations_weight(four):
    """With IoD domains loaded they replace the IMD score; two domains share one weight, so each counts a half."""
    places, areas = four
    for name, income, crime in (("A", 1, 0), ("B", 3, 0), ("C", 1, 2), ("D", 3, 2)):
        for domain, score in (("income", income), ("crime", crime)):
            DeprivationDomain.objects.create(
                small_area=areas[name], edition="iod2019", domain=domain, score=score, rank=1, decile=1
            )
    neighbours_refresh()
    # Income 1, 3, 1, 3 and crime 0, 0, 2, 2: each z = ±1, weighted ½. Worklessness z = −1, −1, +1, +1, weight 1.
    # A–B: ½·2² = 2. A–C: ½·2² + 2² = 6. A–D: ½·4 + ½·4 + 4 = 8. So A's nearest are B (√2) then C (√6).
    assert neighbours(places["A"]) == [("B", pytest.approx(math.sqrt(2))), ("C", pytest.approx(math.sqrt(6)))]
    basis = StatisticalNeighbour.objects.first().basis
    assert basis["deprivation"] == "domains"
    assert basis["measures"]["deprivation"] == ["domain:crime", "domain:income"]


def test_fewer_than_two_neighbourhoods_have_none(db):
    NeighbourhoodFactory(areas=1)
    assert neighbours_refresh() == 0
    assert not StatisticalNeighbour.objects.exists()


def test_when_no_measure_tells_them_apart_none_are_named(db):
    """Alike on everything (or nothing loaded): any "nearest" would be arbitrary, so none are stored."""
    la = LocalAuthorityFactory()
    for _ in range(3):
        NeighbourhoodFactory(local_authority=la, areas=1)
    assert neighbours_refresh() == 0
