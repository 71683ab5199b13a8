"""The demo's neighbourhoods carry the names people use, from the shipped House of Commons Library file."""

import pytest

from indicators.demo.places import seed_places
from indicators.places.models import Neighbourhood


@pytest.mark.django_db
def test_every_demo_neighbourhood_has_the_name_people_use():
    seed_places()
    swarcliffe = Neighbourhood.objects.get(local_authority__code="E08000035", name="Leeds 041")
    assert swarcliffe.display_name == "Swarcliffe (Leeds 041)"
    assert not Neighbourhood.objects.filter(known_as="").exists()
