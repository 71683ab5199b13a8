import pytest

from indicators.access.models import Role
from tests.factories import DeprivationFactory, LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory, staff


@pytest.fixture
def places(db):
    """Two authorities, Leeds and Liverpool, with neighbourhoods, a pair in each, and one user per role."""
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    liverpool = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    harehills = NeighbourhoodFactory(name="Harehills", local_authority=leeds, areas=2)
    seacroft = NeighbourhoodFactory(name="Seacroft", local_authority=leeds, areas=1)
    anfield = NeighbourhoodFactory(name="Anfield", local_authority=liverpool, areas=2)
    everton = NeighbourhoodFactory(name="Everton", local_authority=liverpool, areas=1)
    for area in [*harehills.small_areas.all(), *anfield.small_areas.all()]:
        DeprivationFactory(small_area=area, decile=1)
    leeds_pair = MatchedPairFactory(first=harehills, second=seacroft)
    liverpool_pair = MatchedPairFactory(first=anfield, second=everton)
    return {
        "leeds": leeds,
        "liverpool": liverpool,
        "harehills": harehills,
        "seacroft": seacroft,
        "anfield": anfield,
        "everton": everton,
        "leeds_pair": leeds_pair,
        "liverpool_pair": liverpool_pair,
        "admin": staff(Role.ADMIN, username="admin"),
        "leeds_officer": staff(Role.OFFICER, username="leeds.officer", local_authorities=[leeds]),
        "anfield_manager": staff(Role.ESTATE_MANAGER, username="anfield.manager", neighbourhoods=[anfield]),
        "no_role": staff(None, username="no.role"),
    }
