"""/api/v1/interventions/: scoped like every endpoint; officers record for their own places; schema holds."""

import pytest
from rest_framework.test import APIClient

from indicators.audit.models import AuditEntry
from indicators.interventions.models import Intervention

pytestmark = pytest.mark.django_db
URL = "/api/v1/interventions/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(places, **changes):
    data = {
        "title": "Harehills employment hub",
        "lead_organisation": "Leeds City Council",
        "start_date": "2022-04-01",
        "neighbourhood_ids": [places["harehills"].pk],
        "factors": ["work_connection"],
        "recommendations": ["local_welfare_to_work"],
    }
    data.update(changes)
    return data


def test_an_officer_creates_reads_and_changes_one(places):
    officer = api(places["leeds_officer"])
    response = officer.post(URL, body(places), format="json")
    assert response.status_code == 201, response.json()
    made = response.json()
    assert made["status"] == "accepted"
    assert made["created_by"] == "leeds.officer"
    assert made["factors"] == ["work_connection"]
    assert [n["display_name"] for n in made["neighbourhoods"]] == ["Harehills"]
    assert "neighbourhood_ids" not in made
    read = officer.get(f"{URL}{made['id']}/").json()
    assert read["title"] == "Harehills employment hub"
    changed = officer.patch(f"{URL}{made['id']}/", {"end_date": "2023-03-31"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["end_date"] == "2023-03-31"
    assert changed.json()["factors"] == ["work_connection"]  # kept
    assert list(
        AuditEntry.objects.filter(object_type="interventions.intervention")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["add", "change"]


def test_officers_create_only_for_their_own_places(places):
    officer = api(places["leeds_officer"])
    response = officer.post(URL, body(places, neighbourhood_ids=[places["anfield"].pk]), format="json")
    assert response.status_code == 400
    assert "neighbourhood_ids" in response.json()
    assert not Intervention.objects.exists()


def test_bad_input_is_named(places):
    officer = api(places["leeds_officer"])
    cases = [
        ({"start_date": "2022-02-30"}, "start_date"),
        ({"start_date": "2022-04-01", "end_date": "2022-03-01"}, "end_date"),
        ({"factors": ["weather"]}, "factors"),
        ({"factors": [], "recommendations": []}, "factors"),
        ({"title": "  "}, "title"),
        ({"neighbourhood_ids": []}, "neighbourhood_ids"),
        ({"neighbourhood_ids": ["x"]}, "neighbourhood_ids"),
        ({"title": "Hub\u0000"}, "title"),
    ]
    for changes, field in cases:
        response = officer.post(URL, body(places, **changes), format="json")
        assert response.status_code == 400, (changes, response.content)
        assert field in response.json(), (changes, response.json())
    assert not Intervention.objects.exists()


def test_the_list_is_scoped_and_filtered(places):
    api(places["admin"]).post(URL, body(places, title="Anfield hub", neighbourhood_ids=[places["anfield"].pk]))
    api(places["leeds_officer"]).post(URL, body(places), format="json")
    proposed = api(places["anfield_manager"]).post(
        URL, body(places, title="Estate clean-up", neighbourhood_ids=[places["anfield"].pk]), format="json"
    )
    assert proposed.json()["status"] == "proposed"

    def titles(user, query=""):
        return sorted(r["title"] for r in api(user).get(URL + query).json()["results"])

    assert titles(places["admin"]) == ["Anfield hub", "Estate clean-up", "Harehills employment hub"]
    assert titles(places["leeds_officer"]) == ["Harehills employment hub"]
    assert titles(places["anfield_manager"]) == ["Anfield hub", "Estate clean-up"]
    assert titles(places["admin"], "?status=proposed") == ["Estate clean-up"]
    assert titles(places["admin"], f"?neighbourhood={places['harehills'].pk}") == ["Harehills employment hub"]
    assert api(places["no_role"]).get(URL).json()["results"] == []
    leeds = Intervention.objects.get(title="Harehills employment hub")
    assert api(places["anfield_manager"]).get(f"{URL}{leeds.pk}/").status_code == 404
    # An estate manager cannot change what an officer recorded, even in their own place.
    anfield = Intervention.objects.get(title="Anfield hub")
    assert api(places["anfield_manager"]).patch(f"{URL}{anfield.pk}/", {"title": "x"}, format="json").status_code == 403


def test_anonymous_callers_are_refused(places):
    assert APIClient().get(URL).status_code in (401, 403)


def test_the_schema_describes_the_endpoint(places):
    response = api(places["admin"]).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    text = response.content.decode()
    assert "/api/v1/interventions/" in text
    assert "/api/v1/interventions/{id}/" in text
    assert "/api/v1/interventions/{id}/accept/" in text
    assert "/api/v1/interventions/{id}/decline/" in text
    assert "housing_environment" in text


def test_a_proposal_is_accepted_or_declined_through_the_api(places):
    manager = api(places["anfield_manager"])
    first = manager.post(URL, body(places, title="Clean-up", neighbourhood_ids=[places["anfield"].pk]), format="json")
    second = manager.post(URL, body(places, title="Mural", neighbourhood_ids=[places["anfield"].pk]), format="json")
    first_url, second_url = f"{URL}{first.json()['id']}/", f"{URL}{second.json()['id']}/"
    # The proposer cannot decide it; an officer elsewhere does not even find it.
    assert manager.post(first_url + "accept/", {}, format="json").status_code == 403
    assert api(places["leeds_officer"]).post(first_url + "accept/", {}, format="json").status_code == 404
    admin = api(places["admin"])
    accepted = admin.post(first_url + "accept/", {"note": "Agreed at the estate board"}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["decided_by"] == "admin"
    assert accepted.json()["decision_note"] == "Agreed at the estate board"
    declined = admin.post(second_url + "decline/", {"note": "Already recorded"}, format="json")
    assert declined.json()["status"] == "declined"
    # Deciding again is refused with the reason, and changes nothing.
    again = admin.post(first_url + "decline/", {}, format="json")
    assert again.status_code == 400
    assert again.json()["status"] == ["This was already recorded: only a proposal is decided."], again.json()
    assert Intervention.objects.get(title="Clean-up").status == "accepted"
    bad = admin.post(f"{URL}{first.json()['id']}/accept/", {"note": "x" * 1001}, format="json")
    assert bad.status_code == 400
    assert "note" in bad.json()
    assert AuditEntry.objects.filter(summary__startswith="accepted: Clean-up").count() == 1
