"""One way to find areas by code: for a kind, or across kinds where the newest boundaries win."""

import pytest
from django.db import IntegrityError, transaction

from indicators.places.models import SmallArea
from indicators.places.selectors import area_ids_by_code
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db


def _area(code: str, kind: str, la) -> SmallArea:
    return SmallArea.objects.create(code=code, name=f"{code} {kind}", kind=kind, local_authority=la)


def test_both_vintages_of_a_shared_code_coexist_and_are_found_by_kind():
    la = LocalAuthorityFactory()
    old = _area("E01000001", SmallArea.Kind.LSOA11, la)
    new = _area("E01000001", SmallArea.Kind.LSOA21, la)
    _area("E05000650", SmallArea.Kind.WARD, la)

    assert area_ids_by_code(["E01000001"], kinds=[SmallArea.Kind.LSOA11]) == {"E01000001": old.pk}
    assert area_ids_by_code(["E01000001"], kinds=[SmallArea.Kind.LSOA21]) == {"E01000001": new.pk}
    assert area_ids_by_code(["E05000650"], kinds=[SmallArea.Kind.LSOA11]) == {}


def test_a_bare_shared_code_means_the_boundaries_of_the_deprivation_edition_in_force(settings):
    la = LocalAuthorityFactory()
    old = _area("E01000001", SmallArea.Kind.LSOA11, la)
    new = _area("E01000001", SmallArea.Kind.LSOA21, la)
    ward = _area("E05000650", SmallArea.Kind.WARD, la)
    # Nothing loaded: IoD2019, which ranks the 2011 LSOAs.
    assert area_ids_by_code() == {"E01000001": old.pk, "E05000650": ward.pk}
    settings.REBALANCE_DEPRIVATION_EDITION = "iod2025"
    assert area_ids_by_code(["E01000001"]) == {"E01000001": new.pk}


def test_a_code_is_held_once_per_kind():
    la = LocalAuthorityFactory()
    _area("E01000001", SmallArea.Kind.LSOA11, la)
    with pytest.raises(IntegrityError), transaction.atomic():
        _area("E01000001", SmallArea.Kind.LSOA11, la)


def test_only_a_custom_area_may_have_a_code_of_its_own():
    la = LocalAuthorityFactory()
    assert _area("BEV-ESTATE", SmallArea.Kind.CUSTOM, la).kind == "custom"
    with pytest.raises(IntegrityError), transaction.atomic():
        _area("BEV-ESTATE", SmallArea.Kind.WARD, la)


@pytest.mark.parametrize(
    ("code", "kind", "fits"),
    [
        ("E01000001", "lsoa11", True),
        ("W01000001", "lsoa21", True),
        ("E05000650", "lsoa11", False),
        ("E05000650", "ward", True),
        ("E02002483", "msoa11", True),
        ("E01000001", "msoa21", False),
        ("Bev estate", "custom", False),
        ("BEV-ESTATE", "custom", True),
    ],
)
def test_a_code_fits_its_kind(code, kind, fits):
    assert SmallArea.code_fits_kind(code, kind) is fits


def test_a_preview_sums_the_latest_population_held_and_counts_deciles():
    import datetime as dt

    from indicators.official.models import Indicator, Period
    from indicators.places.models import Deprivation
    from indicators.places.selectors import neighbourhood_preview
    from tests.factories import ObservationFactory, PeriodFactory

    la = LocalAuthorityFactory()
    a, b, c = (_area(f"E0100000{i}", SmallArea.Kind.LSOA11, la) for i in range(3))
    Deprivation.objects.create(small_area=a, edition="iod2019", rank=5, decile=1)
    Deprivation.objects.create(small_area=b, edition="iod2019", rank=9000, decile=3)
    Deprivation.objects.create(small_area=b, edition="iod2025", rank=1, decile=1)  # another edition: not counted
    population = Indicator.objects.get(slug="working-age-population")
    old, new = (PeriodFactory(kind=Period.Kind.YEAR, start=dt.date(y, 1, 1)) for y in (2020, 2021))
    ObservationFactory(indicator=population, period=old, small_area=a, value=900)
    ObservationFactory(indicator=population, period=new, small_area=a, value=1000)
    ObservationFactory(indicator=population, period=new, small_area=b, value=1200)

    preview = neighbourhood_preview(area_ids=[a.pk, b.pk, c.pk], edition="iod2019")
    # Independently: the 2021 figures of a and b; c has none.
    assert (preview.size, preview.population, preview.population_areas, preview.population_period) == (
        3,
        2200,
        2,
        "2021",
    )
    assert (preview.deciles, preview.no_decile, preview.most_deprived_decile) == ({1: 1, 3: 1}, 1, 1)
