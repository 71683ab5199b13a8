"""The comparison API: a neighbourhood's statistical neighbours and the effect estimates, scoped."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from indicators.access.models import Role
from indicators.engine.services.effects import effects_refresh
from indicators.engine.services.neighbours import neighbours_refresh
from indicators.engine.services.refresh import recompute_all
from indicators.interventions.services import intervention_create
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, staff

from .builders import figures, month, year


@pytest.fixture
def world(db, settings):
    settings.REBALANCE_EFFECT_WINDOW_MONTHS = 4
    settings.REBALANCE_EFFECT_MIN_MONTHS = 2
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    liverpool = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    places = {
        "Harehills": NeighbourhoodFactory(name="Harehills", local_authority=leeds, areas=1),
        "Seacroft": NeighbourhoodFactory(name="Seacroft", local_authority=leeds, areas=1),
        "Anfield": NeighbourhoodFactory(name="Anfield", local_authority=liverpool, areas=1),
        "Everton": NeighbourhoodFactory(name="Everton", local_authority=liverpool, areas=1),
    }
    areas = {name: place.small_areas.get() for name, place in places.items()}
    # Sizes and starting rates differ, so that the neighbours are found from the figures.
    residents = {"Harehills": 1000, "Seacroft": 1200, "Anfield": 800, "Everton": 1500}
    start = {"Harehills": 10, "Seacroft": 11, "Anfield": 9, "Everton": 12}
    figures("working-age-population", year(2020), {areas[n]: residents[n] for n in places})
    changes = {"Harehills": -1.0, "Seacroft": 0.0, "Anfield": 0.5, "Everton": -0.5}
    for i in range(8):
        after = i >= 4
        figures(
            "claimant-count",
            month(2020, i + 1),
            {areas[n]: (start[n] + (changes[n] if after else 0)) * residents[n] / 100 for n in places},
        )
    officer = staff(Role.OFFICER, username="leeds.officer", local_authorities=[leeds])
    hub = intervention_create(
        user=officer,
        title="Employment hub",
        lead_organisation="Leeds City Council",
        start_date=dt.date(2020, 5, 1),
        neighbourhoods=[places["Harehills"]],
        recommendations=["local_welfare_to_work"],
    )
    recompute_all(compare=False)
    neighbours_refresh()
    effects_refresh(today=dt.date(2021, 6, 1))
    return places, officer, hub


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_similar_names_neighbours_in_other_authorities_but_marks_which_are_yours(world):
    places, officer, _ = world
    body = api(officer).get(f"/api/v1/neighbourhoods/{places['Harehills'].pk}/similar/").json()
    assert body["neighbourhood"]["name"] == "Harehills"
    assert body["baseline_period"] == "January 2020"
    names = {n["neighbourhood"]["name"]: n for n in body["neighbours"]}
    assert set(names) == {"Seacroft", "Anfield", "Everton"}
    assert names["Seacroft"]["yours"] is True
    assert names["Anfield"]["yours"] is False
    assert names["Anfield"]["neighbourhood"]["local_authority_name"] == "Liverpool"
    assert [n["rank"] for n in body["neighbours"]] == [1, 2, 3]
    distances = [n["distance"] for n in body["neighbours"]]
    assert distances == sorted(distances)


def test_similar_of_a_place_outside_yours_is_not_found(world):
    places, officer, _ = world
    assert api(officer).get(f"/api/v1/neighbourhoods/{places['Anfield'].pk}/similar/").status_code == 404
    assert APIClient().get(f"/api/v1/neighbourhoods/{places['Harehills'].pk}/similar/").status_code in (401, 403)


def test_effect_estimates_for_your_places_with_words(world):
    places, officer, hub = world
    (row,) = api(officer).get(f"/api/v1/effect-estimates/?intervention={hub.pk}").json()
    assert row["measure"] == "worklessness"
    assert row["status"] == "estimated"
    assert row["estimate"] == pytest.approx(-1.0)  # −1 here against (0 + 0.5 − 0.5) / 3 = 0
    assert row["words"].startswith("Worklessness fell 1.0 points more than in similar neighbourhoods")
    assert set(row["comparison"]) == {"Seacroft", "Anfield", "Everton"}
    liverpool = staff(Role.OFFICER, username="liverpool.officer", local_authorities=[places["Anfield"].local_authority])
    assert api(liverpool).get("/api/v1/effect-estimates/").json() == []


def test_effect_estimates_refuse_a_bad_filter_in_words(world):
    _, officer, _ = world
    response = api(officer).get("/api/v1/effect-estimates/?neighbourhood=abc")
    assert response.status_code == 400
    assert "'abc' is not a neighbourhood id" in response.json()["neighbourhood"]


def test_first_measurable_for_the_alerts_is_scoped_and_dated(world):
    from django.utils import timezone

    from indicators.engine.selectors.comparisons import effects_first_measurable

    places, officer, hub = world
    (effect,) = effects_first_measurable(user=officer, since=timezone.now() - dt.timedelta(hours=1))
    assert (effect.row.intervention_id, effect.row.measure) == (hub.pk, "worklessness")
    assert effects_first_measurable(user=officer, since=timezone.now() + dt.timedelta(hours=1)) == []
    liverpool = staff(Role.OFFICER, username="liverpool.alerts", local_authorities=[places["Anfield"].local_authority])
    assert effects_first_measurable(user=liverpool, since=timezone.now() - dt.timedelta(hours=1)) == []
