"""The staff page for building a neighbourhood: list by authority and decile, tick, paste or outline, check, save."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.places.models import Deprivation, Neighbourhood, SmallArea
from tests.factories import LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/places/neighbourhoods/build/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role="admin"))
    return client


@pytest.fixture
def world():
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    york = LocalAuthorityFactory(code="E06000014", name="York")
    areas = {}
    for i, (decile, lat) in enumerate([(1, 53.80), (1, 53.81), (2, 53.82), (7, 53.90)]):
        area = SmallArea.objects.create(
            code=f"E0101000{i}",
            name=f"Leeds 00{i}A",
            kind="lsoa11",
            local_authority=leeds,
            latitude=lat,
            longitude=-1.5,
        )
        Deprivation.objects.create(small_area=area, edition="iod2019", rank=100 * decile, decile=decile)
        areas[i] = area
    areas["york"] = SmallArea.objects.create(code="E01020000", name="York 001A", kind="lsoa11", local_authority=york)
    return leeds, areas


def _list_url(leeds, decile="1"):
    return f"{URL}?local_authority={leeds.pk}&kind=lsoa11&max_decile={decile}"


def test_only_admins_build_neighbourhoods(client, world):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(role="officer"))
    assert client.get(URL).status_code == 403


def test_the_list_is_filtered_by_authority_and_decile(admin_client, world):
    leeds, _ = world
    page = admin_client.get(_list_url(leeds, "2")).content.decode()
    assert "Leeds 000A (E01010000), decile 1" in page
    assert "Leeds 002A (E01010002), decile 2" in page
    assert "E01010003" not in page
    assert "York" not in page.split("2. The neighbourhood")[1]
    assert "E01010003" in admin_client.get(_list_url(leeds, "")).content.decode()


def test_check_shows_size_and_deprivation_and_saves_nothing_then_save_makes_it(admin_client, world, settings):
    settings.REBALANCE_DEPRIVED_MAX_DECILE = 2
    leeds, areas = world
    data = {
        "name": "Leeds 900",
        "known_as": "The Bank",
        "areas": [areas[0].pk],
        "codes": "E01010002",
        "action": "check",
    }
    response = admin_client.post(_list_url(leeds), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 areas in Leeds, all LSOAs (2011 boundaries)" in page
    assert "2 of the 2 areas are in England's most deprived 20%" in page
    assert "decile 1: 1 area" in page
    assert "decile 2: 1 area" in page
    assert not Neighbourhood.objects.exists()
    # The pasted area is now ticked, so saving needs no paste.
    assert page.count("checked") == 2

    data = {"name": "Leeds 900", "known_as": "The Bank", "areas": [areas[0].pk, areas[2].pk], "action": "save"}
    response = admin_client.post(_list_url(leeds), data)
    made = Neighbourhood.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/places/neighbourhoods/{made.pk}/"
    assert (str(made), set(made.small_areas.all())) == ("The Bank (Leeds 900)", {areas[0], areas[2]})


def test_an_outline_adds_the_areas_whose_centres_lie_inside(admin_client, world):
    leeds, areas = world
    square = {
        "type": "Polygon",
        "coordinates": [[[-1.6, 53.79], [-1.4, 53.79], [-1.4, 53.815], [-1.6, 53.815], [-1.6, 53.79]]],
    }
    upload = SimpleUploadedFile("estate.geojson", json.dumps({"type": "Feature", "geometry": square}).encode())
    response = admin_client.post(_list_url(leeds, ""), {"name": "Estate", "boundary": upload, "action": "save"})
    assert response.status_code == 302
    assert set(Neighbourhood.objects.get().small_areas.all()) == {areas[0], areas[1]}


BAD = {
    "area of another authority": ({"codes": "E01020000"}, "E01020000 is not in Leeds"),
    "unknown code": ({"codes": "E01999999"}, "No LSOA (2011 boundaries) is held with the code(s) E01999999"),
    "ward code": ({"codes": "E05000650"}, "with the code(s) E05000650"),
    "nothing chosen": ({}, "Choose at least one area"),
    "empty outline": (
        {"boundary": SimpleUploadedFile("b.geojson", b'{"type": "Polygon", "coordinates": []}')},
        "no outline with an area",
    ),
    "not json": ({"boundary": SimpleUploadedFile("b.geojson", b"LSOA,name")}, "This is not a GeoJSON file"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_choices_are_a_400_naming_the_field_and_save_nothing(admin_client, world, case):
    leeds, _ = world
    fields, words = BAD[case]
    response = admin_client.post(_list_url(leeds), {"name": "Leeds 901", "action": "save", **fields})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Neighbourhood.objects.exists()


def test_a_name_already_used_in_the_authority_is_refused(admin_client, world):
    leeds, areas = world
    Neighbourhood.objects.create(name="Leeds 041", local_authority=leeds)
    response = admin_client.post(_list_url(leeds), {"name": "Leeds 041", "areas": [areas[0].pk], "action": "save"})
    assert response.status_code == 400
    assert "already has a neighbourhood named Leeds 041" in response.content.decode()
