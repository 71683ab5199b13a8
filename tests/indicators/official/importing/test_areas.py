"""import_areas: wards, LSOAs and custom areas from a CSV or an ONS GeoJSON, and every kind of bad file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.official.importing.areas import areas_import
from indicators.official.importing.files import ImportFileError
from indicators.places.models import SmallArea
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "data" / "areas"
WARDS_CSV = DATA / "wards_2025_darlington_hartlepool.csv"
WARDS_GEOJSON = DATA / "wards_2025_darlington_3.geojson"
WARD_COLUMNS = {"code_column": "WD25CD", "name_column": "WD25NM", "authority_column": "LAD25CD"}


@pytest.fixture
def authorities():
    return (
        LocalAuthorityFactory(code="E06000005", name="Darlington"),
        LocalAuthorityFactory(code="E06000001", name="Hartlepool"),
    )


def _csv(tmp_path, *lines: str) -> Path:
    path = tmp_path / "areas.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _snapshot():
    return sorted(SmallArea.objects.values_list("code", "kind", "name", "local_authority__code", "boundary"))


def test_a_real_ward_file_is_imported_once_and_again_changes_nothing(authorities, tmp_path):
    out = tmp_path / "out.txt"
    with out.open("w") as stdout:
        call_command(
            "import_areas",
            str(WARDS_CSV),
            "--kind",
            "ward",
            "--code-column",
            "wd25cd",
            "--name-column",
            "WD25NM",
            "--authority-column",
            "LAD25CD",
            stdout=stdout,
        )
    assert "32 electoral ward area(s) read from CSV: 32 new" in out.read_text()
    darlington = SmallArea.objects.filter(kind="ward", local_authority__code="E06000005")
    assert darlington.count() == 20
    assert SmallArea.objects.get(code="E05010412").name == "Bank Top & Lascelles"
    before = _snapshot()

    again = areas_import(source=WARDS_CSV, kind="ward", **WARD_COLUMNS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 32)
    assert _snapshot() == before


def test_a_renamed_ward_is_updated_and_others_are_kept(authorities, tmp_path):
    areas_import(source=WARDS_CSV, kind="ward", **WARD_COLUMNS)
    result = areas_import(
        source=_csv(tmp_path, "WD25CD,WD25NM,LAD25CD", "E05010412,Bank Top,E06000005"), kind="ward", **WARD_COLUMNS
    )
    assert (result.created, result.updated) == (0, 1)
    assert SmallArea.objects.get(code="E05010412").name == "Bank Top"
    assert SmallArea.objects.filter(kind="ward").count() == 32


def test_lsoas_of_both_vintages_with_one_code_are_two_areas(authorities, tmp_path):
    path = _csv(tmp_path, "code,name,lad", "E01012304,Darlington 012A,E06000005")
    for kind in ("lsoa11", "lsoa21"):
        areas_import(source=path, kind=kind, code_column="code", name_column="name", authority_column="lad")
    assert sorted(SmallArea.objects.filter(code="E01012304").values_list("kind", flat=True)) == ["lsoa11", "lsoa21"]


BAD_CSV = {
    "duplicate code": (
        ["WD25CD,WD25NM,LAD25CD", "E05010412,A,E06000005", "E05010413,B,E06000005", "E05010412,C,E06000005"],
        "ward",
        (4, "WD25CD", "E05010412 appears twice (first on line 2)"),
    ),
    "unknown authority": (
        ["WD25CD,WD25NM,LAD25CD", "E05010412,A,E06000005", "E05010413,B,E08999999"],
        "ward",
        (3, "LAD25CD", "'E08999999' is not a local authority we hold"),
    ),
    "ward code in an LSOA column": (
        ["WD25CD,WD25NM,LAD25CD", "E01012304,A,E06000005", "E05010413,B,E06000005"],
        "lsoa21",
        (3, "WD25CD", "'E05010413' is not an LSOA code (E01 or W01 and six digits) (it looks like a ward code"),
    ),
    "empty name": (["WD25CD,WD25NM,LAD25CD", "E05010412,,E06000005"], "ward", (2, "WD25NM", "the name is empty")),
    "missing column": (["code,WD25NM,LAD25CD", "E05010412,A,E06000005"], "ward", (1, "WD25CD", "no code column")),
    "short row": (["WD25CD,WD25NM,LAD25CD", "E05010412,A"], "ward", (2, None, "has 2 fields")),
}


@pytest.mark.parametrize("case", BAD_CSV, ids=list(BAD_CSV))
def test_a_bad_csv_is_refused_with_its_line_and_column_and_changes_nothing(case, authorities, tmp_path):
    lines, kind, (line, column, words) = BAD_CSV[case]
    areas_import(source=WARDS_CSV, kind="ward", **WARD_COLUMNS)
    before = _snapshot()
    with pytest.raises(ImportFileError) as caught:
        areas_import(source=_csv(tmp_path, *lines), kind=kind, **WARD_COLUMNS)
    assert (caught.value.line, caught.value.column) == (line, column)
    assert words in caught.value.message
    assert _snapshot() == before


def test_the_command_says_what_and_where_and_that_nothing_changed(authorities, tmp_path):
    path = _csv(tmp_path, "WD25CD,WD25NM,LAD25CD", "E05010412,A,E08999999")
    with pytest.raises(CommandError, match=r"line 2, column 'LAD25CD': 'E08999999' .* Nothing was changed"):
        call_command(
            "import_areas",
            str(path),
            "--kind",
            "ward",
            "--code-column",
            "WD25CD",
            "--name-column",
            "WD25NM",
            "--authority-column",
            "LAD25CD",
        )
    assert not SmallArea.objects.exists()


def test_an_ons_geojson_brings_codes_names_authorities_and_outlines(authorities):
    result = areas_import(source=WARDS_GEOJSON, kind="ward")
    assert (result.format, result.created, result.outlines) == ("GeoJSON", 3, 3)
    ward = SmallArea.objects.get(code="E05010412")
    assert (ward.name, ward.local_authority.code, ward.boundary["type"]) == (
        "Bank Top & Lascelles",
        "E06000005",
        "Polygon",
    )
    assert (float(ward.latitude), float(ward.longitude)) == (54.51834, -1.53759)
    assert areas_import(source=WARDS_GEOJSON, kind="ward").unchanged == 3


def _geojson(tmp_path, features) -> Path:
    path = tmp_path / "areas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(code, geometry, name="Somewhere", authority="E06000005"):
    return {
        "type": "Feature",
        "properties": {"WD25CD": code, "WD25NM": name, "LAD25CD": authority},
        "geometry": geometry,
    }


SQUARE = {"type": "Polygon", "coordinates": [[[-1.6, 54.5], [-1.5, 54.5], [-1.5, 54.6], [-1.6, 54.6], [-1.6, 54.5]]]}
BAD_GEOJSON = {
    "empty geometry": ({"type": "Polygon", "coordinates": []}, "feature 1 (E05010413): the geometry is empty"),
    "unreadable geometry": (
        {"type": "Polygon", "coordinates": [[[-1.6, 54.5], [-1.5, 54.5]]]},
        "feature 1 (E05010413): the geometry cannot be read",
    ),
    "no geometry": (None, "feature 1 (E05010413): the geometry"),
    "a point": ({"type": "Point", "coordinates": [-1.5, 54.5]}, "the geometry is a Point, not a polygon"),
}


@pytest.mark.parametrize("case", BAD_GEOJSON, ids=list(BAD_GEOJSON))
def test_a_geojson_with_a_broken_geometry_names_the_feature_and_changes_nothing(case, authorities, tmp_path):
    geometry, words = BAD_GEOJSON[case]
    path = _geojson(tmp_path, [_feature("E05010412", SQUARE), _feature("E05010413", geometry)])
    with pytest.raises(ImportFileError, match=words.replace("(", r"\(").replace(")", r"\)")):
        areas_import(source=path, kind="ward")
    assert not SmallArea.objects.exists()


def test_a_geojson_of_wards_is_not_taken_as_lsoas(authorities, tmp_path):
    path = _geojson(tmp_path, [_feature("E05010412", SQUARE)])
    with pytest.raises(ImportFileError, match="feature 0: name the property with the area's code"):
        areas_import(source=path, kind="lsoa21")
    with pytest.raises(ImportFileError, match=r"feature 0 \(E05010412\): 'E05010412' is not an LSOA code"):
        areas_import(source=path, kind="lsoa21", code_column="WD25CD", name_column="WD25NM")


def _lsoa(code, lat, lon, la):
    return SmallArea.objects.create(
        code=code, name=code, kind="lsoa21", local_authority=la, latitude=lat, longitude=lon
    )


def test_a_custom_area_takes_the_lsoas_whose_centres_lie_inside_its_outline(authorities, tmp_path):
    darlington, hartlepool = authorities
    inside = _lsoa("E01000001", 54.55, -1.55, darlington)
    _lsoa("E01000002", 54.65, -1.55, darlington)  # north of the square
    _lsoa("E01000003", 54.56, -1.56, hartlepool)  # inside, but another authority's
    estate = {
        "type": "Feature",
        "properties": {"code": "DARL-EST", "name": "The Estate", "lad": "E06000005"},
        "geometry": SQUARE,
    }
    path = _geojson(tmp_path, [estate])
    columns = {"code_column": "code", "name_column": "name", "authority_column": "lad"}
    result = areas_import(source=path, kind="custom", **columns)
    area = SmallArea.objects.get(kind="custom")
    assert (result.created, result.members) == (1, 1)
    assert list(area.members.all()) == [inside]
    assert areas_import(source=path, kind="custom", **columns).unchanged == 1


def test_a_custom_area_takes_its_listed_lsoas_which_must_be_held_and_in_its_authority(authorities, tmp_path):
    darlington, hartlepool = authorities
    a = _lsoa("E01000001", None, None, darlington)
    b = _lsoa("E01000002", None, None, darlington)
    _lsoa("E01000003", None, None, hartlepool)
    columns = {"code_column": "code", "name_column": "name", "authority_column": "lad", "members_column": "lsoas"}
    good = _csv(tmp_path, "code,name,lad,lsoas", "EST1,Estate,E06000005,E01000001;E01000002")
    assert areas_import(source=good, kind="custom", **columns).members == 2
    assert set(SmallArea.objects.get(code="EST1").members.all()) == {a, b}
    before = _snapshot()
    for members, words in (("E01000001 E01000003", "E01000003 is not in Darlington"), ("E01999999", "no such LSOA")):
        path = _csv(tmp_path, "code,name,lad,lsoas", f"EST2,Other,E06000005,{members}")
        with pytest.raises(ImportFileError, match=words):
            areas_import(source=path, kind="custom", **columns)
    assert _snapshot() == before
    assert not SmallArea.objects.filter(code="EST2").exists()
