"""The engine's API: scoped by role, withheld figures marked as withheld, reports with clear errors."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from indicators.access.models import Role
from indicators.engine.services.refresh import recompute_all
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory, staff

from .builders import residents, survey, wave


@pytest.fixture
def world(db):
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    liverpool = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    harehills = NeighbourhoodFactory(name="Harehills", local_authority=leeds)
    seacroft = NeighbourhoodFactory(name="Seacroft", local_authority=leeds)
    anfield = NeighbourhoodFactory(name="Anfield", local_authority=liverpool)
    pair = MatchedPairFactory(first=harehills, second=seacroft)
    version, q = survey(("confidence",))
    w = wave(version, [harehills, seacroft, anfield], opens=dt.date(2025, 1, 1))
    residents(w, harehills, q["confidence"], [60] * 12)
    residents(w, seacroft, q["confidence"], [40] * 3)
    residents(w, anfield, q["confidence"], [80] * 20)
    recompute_all(compare=False)
    return {
        "harehills": harehills,
        "seacroft": seacroft,
        "anfield": anfield,
        "pair": pair,
        "officer": staff(Role.OFFICER, local_authorities=[leeds]),
        "manager": staff(Role.ESTATE_MANAGER, neighbourhoods=[anfield]),
    }


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_anonymous_callers_get_nothing(world):
    for url in ["/api/v1/factor-scores/", "/api/v1/worklessness/", "/api/v1/pair-comparisons/"]:
        assert APIClient().get(url).status_code in (401, 403)


def test_officer_sees_leeds_figures_only_and_withheld_ones_as_withheld(world):
    rows = api(world["officer"]).get("/api/v1/factor-scores/?level=neighbourhood").json()["results"]
    by_place = {r["neighbourhood_id"]: r for r in rows}
    assert set(by_place) == {world["harehills"].pk, world["seacroft"].pk}
    assert by_place[world["harehills"].pk]["mean"] == 60
    small = by_place[world["seacroft"].pk]
    assert small["withheld"] is True
    assert small["withheld_reason"] == "Fewer than 10 responses"
    assert all(small[f] is None for f in ("mean", "ci_low", "ci_high", "favourable_share", "weighted_mean"))
    # Leeds as a whole would give Seacroft away (15 − 12 = 3): withheld too.
    (leeds,) = api(world["officer"]).get("/api/v1/factor-scores/?level=local_authority").json()["results"]
    assert leeds["withheld"] is True
    assert leeds["mean"] is None


def test_estate_manager_sees_their_neighbourhood_but_no_authority_rows(world):
    rows = api(world["manager"]).get("/api/v1/factor-scores/").json()["results"]
    assert {r["level"] for r in rows} == {"neighbourhood", "wave"}
    assert {r["neighbourhood_id"] for r in rows if r["level"] == "neighbourhood"} == {world["anfield"].pk}


def test_pair_comparison_is_withheld_when_a_side_is(world):
    rows = api(world["officer"]).get(f"/api/v1/pair-comparisons/?pair={world['pair'].pk}").json()["results"]
    assert [(r["measure"], r["withheld"], r["gap"]) for r in rows] == [("confidence", True, None)]
    assert api(world["manager"]).get("/api/v1/pair-comparisons/").json()["results"] == []


def test_status_at_a_glance(world):
    body = api(world["manager"]).get(f"/api/v1/neighbourhoods/{world['anfield'].pk}/status/").json()
    (confidence,) = body
    assert confidence["figure"]["mean"] == 80
    # The wave as a whole is withheld (Seacroft's 3 would show by subtraction), so no comparison is made.
    assert confidence["against_benchmark"] == ""
    assert api(world["manager"]).get(f"/api/v1/neighbourhoods/{world['harehills'].pk}/status/").status_code == 404


def test_improvement_report_errors_are_clear(world):
    client = api(world["officer"])
    assert client.get("/api/v1/improvement-report/").json() == {
        "indicator": "This parameter is required.",
        "start": "This parameter is required.",
        "end": "This parameter is required.",
    }
    answer = client.get("/api/v1/improvement-report/?indicator=worklessness&start=2019-12&end=2021-12")
    assert answer.status_code == 400
    assert "No figures have been imported for 2019-12" in answer.json()["detail"]


def test_a_reference_set_from_a_file_is_never_read_for_a_web_request(world):
    answer = api(world["officer"]).get(
        "/api/v1/improvement-report/?indicator=worklessness&start=2019-12&end=2021-12&reference=list:/etc/passwd"
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == (
        "A reference set from a file (list:<file>) is for manage.py improvement_report only."
    )
