"""Admins manage places in the Django admin, under the same rules as the services."""

import pytest

from indicators.places.models import MatchedPair, Neighbourhood
from tests.factories import LocalAuthorityFactory, SmallAreaFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(staff("admin", username="boss"))
    return client


@pytest.mark.parametrize(
    "model", ["region", "localauthority", "smallarea", "neighbourhood", "matchedpair", "staffprofile", "assignment"]
)
def test_admin_lists_and_adds_each_place(admin_client, model):
    assert admin_client.get(f"/admin/indicators/{model}/").status_code == 200
    assert admin_client.get(f"/admin/indicators/{model}/add/").status_code == 200


def test_a_neighbourhood_cannot_take_a_small_area_from_another_authority(admin_client):
    leeds, liverpool = LocalAuthorityFactory(name="Leeds"), LocalAuthorityFactory(name="Liverpool")
    ours, theirs = SmallAreaFactory(local_authority=leeds), SmallAreaFactory(local_authority=liverpool)
    response = admin_client.post(
        "/admin/indicators/neighbourhood/add/",
        {"name": "Harehills", "local_authority": leeds.pk, "small_areas": [ours.pk, theirs.pk], "description": ""},
    )
    assert response.status_code == 200
    assert f"{theirs.code} is not in Leeds." in response.content.decode()
    assert not Neighbourhood.objects.exists()

    admin_client.post(
        "/admin/indicators/neighbourhood/add/",
        {"name": "Harehills", "local_authority": leeds.pk, "small_areas": [ours.pk], "description": ""},
    )
    assert list(Neighbourhood.objects.get().small_areas.all()) == [ours]


def test_a_pair_needs_two_neighbourhoods_and_a_reason(admin_client):
    la = LocalAuthorityFactory()
    a = Neighbourhood.objects.create(name="A", local_authority=la)
    b = Neighbourhood.objects.create(name="B", local_authority=la)
    same = admin_client.post("/admin/indicators/matchedpair/add/", {"first": a.pk, "second": a.pk, "reason": "x"})
    assert "cannot be matched with itself" in same.content.decode()
    admin_client.post("/admin/indicators/matchedpair/add/", {"first": a.pk, "second": b.pk, "reason": "Alike."})
    assert MatchedPair.objects.get().reason == "Alike."


def test_officers_have_no_admin(client):
    client.force_login(staff("officer", username="officer"))
    assert client.get("/admin/indicators/neighbourhood/").status_code == 302


def test_an_admin_sets_and_finds_the_name_people_use(admin_client):
    leeds = LocalAuthorityFactory(name="Leeds")
    area = SmallAreaFactory(local_authority=leeds)
    admin_client.post(
        "/admin/indicators/neighbourhood/add/",
        {
            "name": "Leeds 041",
            "known_as": "Swarcliffe",
            "local_authority": leeds.pk,
            "small_areas": [area.pk],
            "description": "",
        },
    )
    neighbourhood = Neighbourhood.objects.get()
    assert neighbourhood.display_name == "Swarcliffe (Leeds 041)"
    found = admin_client.get("/admin/indicators/neighbourhood/", {"q": "swarcliffe"}).content.decode()
    assert "Leeds 041" in found
    assert "Swarcliffe" in found
    assert "Leeds 041" not in admin_client.get("/admin/indicators/neighbourhood/", {"q": "seacroft"}).content.decode()
