"""The demo seed builds the report's case-study areas from the real IoD2019 file, then synthetic
survey waves and official figures, and the engine's figures from them. One seed serves every check:
it is the slowest fixture in the suite."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from indicators.access.models import Role
from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region
from surveys.models import Response


@pytest.mark.django_db
def test_seed_builds_the_demo_can_run_twice_and_its_logins_work():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert sorted(Region.objects.values_list("name", flat=True)) == [
        "Greater Leeds",
        "Greater Liverpool",
        "Tees Valley",
    ]
    tees = LocalAuthority.objects.filter(region__name="Tees Valley")
    assert sorted(tees.values_list("code", flat=True)) == [
        "E06000001",
        "E06000002",
        "E06000003",
        "E06000004",
        "E06000005",
    ]
    # Every neighbourhood is made of real LSOAs in the most deprived decile of its own authority.
    neighbourhoods = Neighbourhood.objects.all()
    assert neighbourhoods.count() > 50
    for n in neighbourhoods.prefetch_related("small_areas__deprivation"):
        for area in n.small_areas.all():
            assert area.local_authority_id == n.local_authority_id
            assert area.deprivation.get(edition=Deprivation.Edition.IOD2019).decile == 1
    assert MatchedPair.objects.count() >= 6
    for pair in MatchedPair.objects.all():
        assert pair.first.small_areas.count() == pair.second.small_areas.count()
    for username in ["admin", "officer.leeds", "officer.tees", "manager.liverpool"]:
        assert username in out.getvalue()
    # Synthetic, labelled, and turned into figures.
    assert not Response.objects.filter(synthetic=False).exists()
    assert FactorScore.objects.filter(withheld=False, trend__gt="").exists()
    assert FactorScore.objects.filter(withheld=True).exists()
    assert WorklessnessPoint.objects.filter(level="benchmark").exists()
    assert PairComparison.objects.filter(withheld=False, wave__isnull=False).exists()

    counts = (Neighbourhood.objects.count(), MatchedPair.objects.count(), Response.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Neighbourhood.objects.count(), MatchedPair.objects.count(), Response.objects.count()) == counts

    client = Client()
    assert client.login(username="officer.leeds", password="rebalance-demo")
    page = client.get("/places/").content.decode()
    assert "Leeds" in page
    assert "Liverpool 0" not in page
    manager = Client()
    assert manager.login(username="manager.liverpool", password="rebalance-demo")
    assert len(manager.get("/places/").context["neighbourhoods"]) == 3
    assert get_user_model().objects.get(username="manager.liverpool").staff_profile.role == Role.ESTATE_MANAGER
