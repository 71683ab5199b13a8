"""The demo's wards: the seven case-study authorities' real wards with outlines, loaded once."""

import pytest

from indicators.demo.boundaries import seed_wards
from indicators.demo.places import CASE_STUDY_REGIONS
from indicators.places.models import SmallArea
from tests.factories import LocalAuthorityFactory


@pytest.mark.django_db
def test_the_demo_wards_are_real_outlined_and_loaded_once():
    for code in [c for codes in CASE_STUDY_REGIONS.values() for c in codes]:
        LocalAuthorityFactory(code=code)
    first = seed_wards()
    wards = SmallArea.objects.filter(kind=SmallArea.Kind.WARD)
    assert sum(r.created for r in first) == wards.count() == 200
    assert not wards.filter(boundary__isnull=True).exists()
    assert wards.get(code="E05010412").name == "Bank Top & Lascelles"
    assert sum(r.unchanged for r in seed_wards()) == 200
