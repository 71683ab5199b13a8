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
    ward = _area("E05000650", SmallArea.Kind.WARD, la)

    assert area_ids_by_code(["E01000001"], kinds=[SmallArea.Kind.LSOA11]) == {"E01000001": old.pk}
    assert area_ids_by_code(["E01000001"], kinds=[SmallArea.Kind.LSOA21]) == {"E01000001": new.pk}
    # Not told which: the newest boundaries.
    assert area_ids_by_code() == {"E01000001": new.pk, "E05000650": ward.pk}
    assert area_ids_by_code(["E05000650"], kinds=[SmallArea.Kind.LSOA11]) == {}


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
