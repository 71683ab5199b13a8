"""The official-data API: indicators for all staff, imports for admins, observations scoped by role."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from indicators.official.models import Indicator, Period
from tests.factories import ImportFactory, LocalAuthorityFactory, ObservationFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def _client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def figures(places):
    """Claimants and working-age people for every small area of the four neighbourhoods, two months and a year."""
    claimants = Indicator.objects.get(slug="claimant-count")
    people = Indicator.objects.get(slug="working-age-population")
    months = [PeriodFactory(start=dt.date(2024, m, 1)) for m in (1, 2)]
    year = Period.objects.create(kind="year", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), label="2024")
    for name in ("harehills", "seacroft", "anfield", "everton"):
        for i, area in enumerate(places[name].small_areas.order_by("code")):
            for m, month in enumerate(months):
                ObservationFactory(indicator=claimants, period=month, small_area=area, value=50 + 10 * i + 5 * m)
            ObservationFactory(indicator=people, period=year, small_area=area, value=1000 + 100 * i)
    ObservationFactory(
        indicator=Indicator.objects.get(slug="jsa-count"),
        period=months[0],
        small_area=None,
        local_authority=places["liverpool"],
        value=2355,
    )
    return {"claimants": claimants, "months": months}


@pytest.mark.parametrize(
    "url", ["/api/v1/indicators/", "/api/v1/imports/", "/api/v1/observations/", "/api/v1/neighbourhood-figures/"]
)
def test_anonymous_callers_are_refused(url):
    assert APIClient().get(url).status_code in (401, 403)


def test_indicators_list_the_standard_set_with_the_ratio_parts(places):
    rows = _client(places["leeds_officer"]).get("/api/v1/indicators/").json()["results"]
    by_slug = {row["slug"]: row for row in rows}
    assert {
        "claimant-count",
        "working-age-population",
        "worklessness",
        "jsa-count",
        "esa-count",
        "aps-employment-rate",
    } <= set(by_slug)
    assert by_slug["worklessness"]["numerator"] == "claimant-count"
    assert by_slug["worklessness"]["denominator"] == "working-age-population"
    assert by_slug["claimant-count"]["dataset_id"] == "NM_162_1"
    assert by_slug["aps-employment-rate"]["level"] == "local_authority"


def test_imports_are_for_admins_only(places):
    ImportFactory(file_name="claimants.csv", errors=[{"line": 5, "column": "OBS_VALUE", "message": "bad"}])
    assert _client(places["leeds_officer"]).get("/api/v1/imports/").status_code == 403
    rows = _client(places["admin"]).get("/api/v1/imports/").json()["results"]
    assert [(r["file_name"], r["errors"][0]["line"]) for r in rows] == [("claimants.csv", 5)]


def test_observations_are_scoped_to_the_places_the_caller_looks_after(places, figures):
    def codes(user, query=""):
        rows = _client(places[user]).get(f"/api/v1/observations/?indicator=claimant-count{query}").json()["results"]
        return sorted({r["area_code"] for r in rows})

    leeds_areas = sorted(a.code for n in ("harehills", "seacroft") for a in places[n].small_areas.all())
    anfield_areas = sorted(a.code for a in places["anfield"].small_areas.all())
    assert codes("leeds_officer") == leeds_areas
    assert codes("anfield_manager") == anfield_areas
    assert codes("no_role") == []
    assert len(codes("admin")) == 6
    # The manager cannot reach another neighbourhood's figures by filtering for them.
    assert codes("anfield_manager", f"&neighbourhood={places['everton'].pk}") == []
    # Local-authority figures: Liverpool's officer would see them; Leeds's does not.
    la_rows = _client(places["leeds_officer"]).get("/api/v1/observations/?indicator=jsa-count").json()
    assert la_rows["count"] == 0
    la_rows = _client(places["admin"]).get("/api/v1/observations/?area=E08000012").json()["results"]
    assert [(r["area_type"], r["value"]) for r in la_rows] == [("local_authority", "2355.0000")]


def test_observations_filter_by_neighbourhood_and_period(places, figures):
    api = _client(places["admin"])
    harehills = places["harehills"].pk
    rows = api.get(f"/api/v1/observations/?neighbourhood={harehills}&period=February 2024").json()["results"]
    assert [(r["period"], r["value"]) for r in rows] == [("February 2024", "55.0000"), ("February 2024", "65.0000")]
    rows = api.get("/api/v1/observations/?indicator=claimant-count&period_from=2024-02-01&period_kind=month").json()
    assert rows["count"] == 6
    assert "next" in rows  # paginated


def test_neighbourhood_worklessness_is_summed_numerators_over_summed_denominators(places, figures):
    api = _client(places["leeds_officer"])
    harehills = places["harehills"].pk
    rows = api.get(f"/api/v1/neighbourhood-figures/?indicator=worklessness&neighbourhood={harehills}").json()["results"]
    # January: (50 + 60) / (1000 + 1100) × 100 = 5.24; February: (55 + 65) / 2100 × 100 = 5.71.
    assert [(r["period"], r["numerator"], r["denominator"], r["value"], r["complete"]) for r in rows] == [
        ("January 2024", "110.0000", "2100.0000", "5.24", True),
        ("February 2024", "120.0000", "2100.0000", "5.71", True),
    ]

    counts = api.get(f"/api/v1/neighbourhood-figures/?indicator=claimant-count&neighbourhood={harehills}").json()
    assert next((r["period"], r["value"], r["areas"]) for r in counts["results"]) == ("January 2024", "110.0000", 2)

    anfield = places["anfield"].pk
    assert api.get(f"/api/v1/neighbourhood-figures/?indicator=worklessness&neighbourhood={anfield}").status_code == 404


def test_an_la_level_figure_is_not_seen_by_another_authority(places):
    other = LocalAuthorityFactory(code="E06000002")
    ObservationFactory(small_area=None, local_authority=other, value=1)
    assert _client(places["leeds_officer"]).get("/api/v1/observations/").json()["count"] == 0
