"""One rule decides who sees which place; it holds for QuerySets, pages and the API."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError
from rest_framework.test import APIClient

from indicators.access.models import Assignment
from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood, SmallArea
from tests.indicators.accounts.factories import api_token


def names(queryset):
    return sorted(str(x) for x in queryset)


def test_admin_sees_everything(places):
    admin = places["admin"]
    assert names(Neighbourhood.objects.visible_to(admin)) == ["Anfield", "Everton", "Harehills", "Seacroft"]
    assert MatchedPair.objects.visible_to(admin).count() == 2


def test_officer_sees_their_authority_only(places):
    officer = places["leeds_officer"]
    assert names(Neighbourhood.objects.visible_to(officer)) == ["Harehills", "Seacroft"]
    assert names(LocalAuthority.objects.visible_to(officer)) == ["Leeds"]
    assert list(MatchedPair.objects.visible_to(officer)) == [places["leeds_pair"]]
    assert set(SmallArea.objects.visible_to(officer)) == set(SmallArea.objects.filter(local_authority=places["leeds"]))


def test_estate_manager_sees_their_neighbourhood_and_no_pair_with_a_hidden_side(places):
    manager = places["anfield_manager"]
    assert names(Neighbourhood.objects.visible_to(manager)) == ["Anfield"]
    assert names(LocalAuthority.objects.visible_to(manager)) == ["Liverpool"]
    # Everton, the other side of Anfield's pair, is not theirs: the pair would show it.
    assert not MatchedPair.objects.visible_to(manager).exists()
    assert set(SmallArea.objects.visible_to(manager)) == set(places["anfield"].small_areas.all())


@pytest.mark.parametrize("who", ["anonymous", "no_role", "inactive"])
def test_anyone_else_sees_nothing(places, who):
    user = AnonymousUser() if who == "anonymous" else places["no_role"]
    if who == "inactive":
        user = places["leeds_officer"]
        user.is_active = False
    for model in (Neighbourhood, LocalAuthority, MatchedPair, SmallArea):
        assert not model.objects.visible_to(user).exists()


def test_a_new_assignment_is_seen_from_the_next_request(places):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(pk=places["leeds_officer"].pk)  # as a request would load them
    before = set(Neighbourhood.objects.visible_to(officer))
    liverpool_place = Neighbourhood.objects.exclude(pk__in=[n.pk for n in before]).first()
    Assignment.objects.create(user=officer, neighbourhood=liverpool_place)

    assert set(Neighbourhood.objects.visible_to(officer)) == before  # read once for this request
    next_request = get_user_model().objects.get(pk=officer.pk)
    assert set(Neighbourhood.objects.visible_to(next_request)) == before | {liverpool_place}


def test_an_assignment_is_to_exactly_one_place(places):
    with pytest.raises(IntegrityError):
        Assignment.objects.create(
            user=places["no_role"], local_authority=places["leeds"], neighbourhood=places["anfield"]
        )


def test_a_pair_cannot_be_recorded_twice_either_way_round(places):
    with pytest.raises(IntegrityError):
        MatchedPair.objects.create(first=places["seacroft"], second=places["harehills"], reason="again")


# --- pages -------------------------------------------------------------------


def test_pages_ask_anonymous_visitors_to_sign_in(client, places):
    for url in ["/places/", f"/places/neighbourhoods/{places['harehills'].pk}/", "/places/pairs/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_officer_pages_show_leeds_and_never_liverpool(client, places):
    client.force_login(places["leeds_officer"])
    listing = client.get("/places/").content.decode()
    assert "Harehills" in listing
    assert "Seacroft" in listing
    assert "Anfield" not in listing
    assert "Everton" not in listing

    assert client.get(f"/places/neighbourhoods/{places['harehills'].pk}/").status_code == 200
    assert client.get(f"/places/neighbourhoods/{places['anfield'].pk}/").status_code == 404
    assert client.get(f"/places/pairs/{places['leeds_pair'].pk}/").status_code == 200
    assert client.get(f"/places/pairs/{places['liverpool_pair'].pk}/").status_code == 404
    assert "Anfield" not in client.get("/places/pairs/").content.decode()


def test_neighbourhood_page_lists_its_small_areas_with_deprivation(client, places):
    client.force_login(places["leeds_officer"])
    page = client.get(f"/places/neighbourhoods/{places['harehills'].pk}/").content.decode()
    for area in places["harehills"].small_areas.all():
        assert area.code in page
        assert re.search(rf">\s*{area.deprivation.get().rank:,}\s*<", page)


# --- API ---------------------------------------------------------------------

ENDPOINTS = ["/api/v1/local-authorities/", "/api/v1/neighbourhoods/", "/api/v1/matched-pairs/"]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_api_refuses_anonymous_callers(places, url):
    assert APIClient().get(url).status_code in (401, 403)


def test_api_is_scoped_for_an_officer_with_a_token(places):
    api = APIClient()
    token = api_token(places["leeds_officer"])
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.secret}")

    neighbourhoods = api.get("/api/v1/neighbourhoods/").json()["results"]
    assert sorted(n["name"] for n in neighbourhoods) == ["Harehills", "Seacroft"]
    assert [la["code"] for la in api.get("/api/v1/local-authorities/").json()["results"]] == ["E08000035"]
    assert [p["id"] for p in api.get("/api/v1/matched-pairs/").json()["results"]] == [places["leeds_pair"].pk]
    assert api.get(f"/api/v1/neighbourhoods/{places['anfield'].pk}/").status_code == 404
    assert api.get(f"/api/v1/matched-pairs/{places['liverpool_pair'].pk}/").status_code == 404


def test_api_neighbourhood_carries_small_areas_and_deprivation(places):
    api = APIClient()
    api.force_authenticate(places["anfield_manager"])
    body = api.get(f"/api/v1/neighbourhoods/{places['anfield'].pk}/").json()
    assert body["local_authority"] == "E08000012"
    assert body["small_area_count"] == 2
    assert body["most_deprived_decile"] == 1
    assert {a["imd_decile"] for a in body["small_areas"]} == {1}
    assert all(a["imd_edition"] == "iod2019" for a in body["small_areas"])


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/neighbourhoods/" in schema.content
    assert client.get("/api/docs/").status_code == 200
