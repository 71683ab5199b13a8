"""The places API gives the name people use beside the official one, read-only."""

import pytest
from rest_framework.test import APIClient

from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.force_authenticate(staff("admin", username="boss"))
    return client


def test_a_neighbourhood_carries_its_name_people_use_and_display_name(api):
    leeds = LocalAuthorityFactory(name="Leeds")
    named = NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe", local_authority=leeds)
    plain = NeighbourhoodFactory(name="Leeds 042", local_authority=leeds)
    body = api.get(f"/api/v1/neighbourhoods/{named.pk}/").json()
    assert (body["name"], body["known_as"], body["display_name"]) == (
        "Leeds 041",
        "Swarcliffe",
        "Swarcliffe (Leeds 041)",
    )
    body = api.get(f"/api/v1/neighbourhoods/{plain.pk}/").json()
    assert (body["known_as"], body["display_name"]) == ("", "Leeds 042")


def test_a_pair_names_its_sides_the_same_way(api):
    pair = MatchedPairFactory(first__name="Leeds 041", first__known_as="Swarcliffe")
    first = api.get(f"/api/v1/matched-pairs/{pair.pk}/").json()["first"]
    assert first["display_name"] == "Swarcliffe (Leeds 041)"


def test_the_names_are_read_only(api):
    neighbourhood = NeighbourhoodFactory(name="Leeds 041")
    url = f"/api/v1/neighbourhoods/{neighbourhood.pk}/"
    assert api.patch(url, {"known_as": "Elsewhere"}, format="json").status_code == 405
    neighbourhood.refresh_from_db()
    assert neighbourhood.known_as == ""
