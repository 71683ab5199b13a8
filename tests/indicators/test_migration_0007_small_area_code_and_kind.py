"""The data step of migration 0007: an area whose kind had flipped gets each edition's ranks on its own vintage."""

import importlib

import pytest
from django.apps import apps

from indicators.places.models import Deprivation, SmallArea
from tests.factories import LocalAuthorityFactory

migration = importlib.import_module("indicators.migrations.0007_small_area_code_and_kind")


@pytest.mark.django_db
def test_a_flipped_area_is_split_into_its_two_vintages_keeping_its_own_rows():
    la = LocalAuthorityFactory()
    # As before: IoD2019 then IoD2025 loaded onto one row, whose kind became lsoa21.
    flipped = SmallArea.objects.create(code="E01000001", name="City 001A", kind="lsoa21", local_authority=la)
    Deprivation.objects.create(small_area=flipped, edition="iod2019", rank=29199, decile=9)
    Deprivation.objects.create(small_area=flipped, edition="iod2025", rank=31000, decile=10)
    untouched = SmallArea.objects.create(code="E01000002", name="City 001B", kind="lsoa11", local_authority=la)
    Deprivation.objects.create(small_area=untouched, edition="iod2019", rank=5, decile=1)

    migration.split_vintages(apps, None)
    migration.split_vintages(apps, None)  # and once more: nothing further

    rows = sorted(Deprivation.objects.values_list("small_area__code", "small_area__kind", "edition", "rank"))
    assert rows == [
        ("E01000001", "lsoa11", "iod2019", 29199),
        ("E01000001", "lsoa21", "iod2025", 31000),
        ("E01000002", "lsoa11", "iod2019", 5),
    ]
    twin = SmallArea.objects.get(code="E01000001", kind="lsoa11")
    assert (twin.name, twin.local_authority_id) == ("City 001A", la.pk)
    assert SmallArea.objects.count() == 3
