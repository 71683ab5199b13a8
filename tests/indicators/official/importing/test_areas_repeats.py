"""A long file (a row per area and date) names each area many times: the same name and authority are one area."""

from __future__ import annotations

import pytest

from indicators.official.importing.areas import areas_import
from indicators.official.importing.files import ImportFileError
from indicators.places.models import SmallArea
from tests.factories import LocalAuthorityFactory

COLUMNS = {"code_column": "ward_code", "name_column": "ward_name", "authority_column": "la_code"}


@pytest.mark.django_db
def test_repeats_that_agree_are_one_area_and_one_that_disagrees_names_its_line(tmp_path):
    LocalAuthorityFactory(code="E06000001", name="Hartlepool")
    long = tmp_path / "long.csv"
    long.write_text(
        "ward_code,ward_name,la_code,date,rate\n"
        "E05013038,Burn Valley,E06000001,2024-01-01,6.5\n"
        "E05013038,Burn Valley,E06000001,2024-07-01,6.3\n"
        "E05013039,De Bruce,E06000001,2024-01-01,6.2\n"
    )
    result = areas_import(source=long, kind="ward", **COLUMNS)
    assert (result.created, result.rows) == (2, 2)
    assert SmallArea.objects.filter(kind="ward").count() == 2

    clash = tmp_path / "clash.csv"
    clash.write_text(
        "ward_code,ward_name,la_code\nE05013040,Fens,E06000001\nE05013041,Foggy,E06000001\nE05013040,Rossmere,E06000001\n"
    )
    with pytest.raises(ImportFileError) as caught:
        areas_import(source=clash, kind="ward", **COLUMNS)
    assert (caught.value.line, caught.value.column) == (4, "ward_code")
    assert "E05013040 appears twice (first on line 2) with another name or authority" in caught.value.message
    assert SmallArea.objects.filter(kind="ward").count() == 2
