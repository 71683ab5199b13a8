"""Making neighbourhoods through the service, with the name people use."""

import pytest

from indicators.places.services import neighbourhood_create
from tests.factories import LocalAuthorityFactory, SmallAreaFactory

pytestmark = pytest.mark.django_db


def test_a_neighbourhood_can_be_made_with_the_name_people_use():
    leeds = LocalAuthorityFactory(name="Leeds")
    area = SmallAreaFactory(local_authority=leeds, name="Leeds 041A")
    made = neighbourhood_create(
        name="Leeds 041", local_authority=leeds, small_area_codes=[area.code], known_as=" Swarcliffe "
    )
    assert str(made) == "Swarcliffe (Leeds 041)"
    plain = neighbourhood_create(name="Leeds 042", local_authority=leeds, small_area_codes=[])
    assert (plain.known_as, str(plain)) == ("", "Leeds 042")
