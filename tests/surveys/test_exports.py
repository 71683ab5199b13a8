import csv
import io
from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from indicators.access.models import Role
from indicators.audit.models import Action, AuditEntry
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, SMALL_QUESTIONNAIRE, version_factory, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave_with_answers():
    wave = wave_factory()
    mine = wave.neighbourhoods.get()
    theirs = NeighbourhoodFactory()
    wave.neighbourhoods.add(theirs)
    response_submit(
        raw={**GOOD_ANSWERS, "hopes": '=HYPERLINK("x")'}, channel="paper", wave=wave, neighbourhood=mine, synthetic=True
    )
    response_submit(
        raw={**GOOD_ANSWERS, "satisfied": "not"}, channel="paper", wave=wave, neighbourhood=theirs, synthetic=True
    )
    return wave, mine, theirs


def _csv(content: bytes):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_officers_export_one_row_per_response_of_their_neighbourhoods_without_free_text(client, wave_with_answers):
    wave, mine, _theirs = wave_with_answers
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    rows = _csv(client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).content)
    assert len(rows) == 1
    assert rows[0]["neighbourhood"] == mine.name
    assert rows[0]["satisfied"] == "Very satisfied"
    assert rows[0]["synthetic"] == "yes"
    assert "hopes" not in rows[0]
    # Asking for free text does not work for an officer.
    assert client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"]) + "?free_text=1").status_code == 403


def test_admins_get_free_text_only_when_they_ask_and_it_is_defused(client, wave_with_answers):
    wave, _mine, _theirs = wave_with_answers
    client.force_login(staff(Role.ADMIN))
    url = reverse("surveys:wave-export", args=[wave.pk, "csv"])
    rows = _csv(client.get(url).content)
    assert len(rows) == 2
    assert "hopes" not in rows[0]
    rows = _csv(client.get(url + "?free_text=1").content)
    assert {r["hopes"] for r in rows} == {'\'=HYPERLINK("x")', ""}


def test_xlsx_export_has_the_same_rows(client, wave_with_answers):
    wave, mine, _theirs = wave_with_answers
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    out = client.get(reverse("surveys:wave-export", args=[wave.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(out.content))["Responses"]
    rows = list(sheet.values)
    assert rows[0][:3] == ("response", "wave", "neighbourhood")
    assert len(rows) == 2
    assert rows[1][2] == mine.name


def test_other_places_staff_cannot_export(client, wave_with_answers):
    wave, _mine, _theirs = wave_with_answers
    client.force_login(staff(Role.OFFICER, neighbourhoods=[NeighbourhoodFactory()]))
    assert client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).status_code == 404


# --- Disclosure control: officers' "about you" columns -----------------------------------------------------------

AGE = [("16_24", "16 to 24"), ("25_34", "25 to 34"), ("55_64", "55 to 64"), ("prefer_not", "Prefer not to say")]
SEX = [("female", "Female"), ("male", "Male")]
WORK = [("full_time", "Full time"), ("retired", "Retired"), ("unemployed", "Unemployed")]
TENURE = [("council", "Council"), ("own", "Owns"), ("private_rent", "Private rent")]
QUASI = ["age_band", "sex", "employment", "tenure", "years_at_address"]


def _about_you(key, options, demographic=""):
    return {
        "key": key,
        "page": 2,
        "factor": "about_you",
        "kind": "single",
        "text": key,
        "required": False,
        "scored": False,
        "demographic": demographic,
        "options": [{"code": code, "label": label, "points": None} for code, label in options],
    }


ABOUT_YOU_QUESTIONNAIRE = [
    SMALL_QUESTIONNAIRE[0],
    _about_you("age_band", AGE, "age_band"),
    _about_you("sex", SEX, "sex"),
    _about_you("employment", WORK),
    _about_you("tenure", TENURE),
    {
        "key": "years_at_address",
        "page": 2,
        "factor": "about_you",
        "kind": "number",
        "text": "Years at this address?",
        "min": 0,
        "max": 100,
        "required": False,
    },
]


@pytest.fixture
def about_you_wave():
    version = version_factory(ABOUT_YOU_QUESTIONNAIRE, slug="about-you")
    return wave_factory(version=version, neighbourhoods=[NeighbourhoodFactory(), NeighbourhoodFactory()])


def _answer(wave, neighbourhood, age, sex, work, tenure, years):
    raw = {"satisfied": "very", "age_band": age, "sex": sex, "employment": work, "tenure": tenure}
    raw = {key: value for key, value in raw.items() if value is not None}
    if years is not None:
        raw["years_at_address"] = years
    response_submit(raw=raw, channel="paper", wave=wave, neighbourhood=neighbourhood, synthetic=True, notify=False)


@pytest.fixture
def one_rare_household(about_you_wave, settings):
    """Twelve alike but for age (two bands, six each) and one household that has lived there 30 years."""
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 10
    wave = about_you_wave
    place = wave.neighbourhoods.order_by("pk").first()
    for i in range(12):
        _answer(wave, place, "16_24" if i < 6 else "25_34", "female", "full_time", "council", 30 if i == 11 else 3)
    return wave, place


def test_officers_get_rare_about_you_answers_coarsened_and_the_file_says_so(client, one_rare_household):
    wave, place = one_rare_household
    client.force_login(staff(Role.OFFICER, neighbourhoods=list(wave.neighbourhoods.all())))
    rows = _csv(client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).content)
    assert len(rows) == 12
    # Years went first (one household's 30 is the rarest answer); then age, widened rather than left out.
    assert {tuple(r[k] for k in QUASI) for r in rows} == {("16 to 34", "Female", "Full time", "Council", "")}
    done = "age_band in wider bands (16 to 34, 55 to 64); years_at_address left out"
    assert {r["about_you_shown"] for r in rows} == {done}
    assert {r["satisfied"] for r in rows} == {"Very satisfied"}  # the other answers go out as given

    book = load_workbook(io.BytesIO(client.get(reverse("surveys:wave-export", args=[wave.pk, "xlsx"])).content))
    assert book.sheetnames == ["About", "Responses", "Questions"]
    about = [row[0] for row in book["About"].values]
    assert f"{place.name}: {done}" in about
    assert any("shared by at least 10 respondents" in line for line in about)
    entry = AuditEntry.objects.filter(action=Action.EXPORT).order_by("id").last()
    assert entry.detail["about_you"] == "coarsened"
    assert entry.detail["rows"] == 12
    assert entry.detail["coarsened"] == {
        place.name: {"age_band": done.split("; ")[0][9:], "years_at_address": "left out"}
    }


def test_admins_keep_the_full_export_and_each_one_is_audited(client, one_rare_household):
    wave, _place = one_rare_household
    admin = staff(Role.ADMIN, username="admin.exports")
    client.force_login(admin)
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("surveys:wave-export", args=[wave.pk, fmt])).status_code == 200
    rows = _csv(client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).content)
    assert sorted({r["age_band"] for r in rows}) == ["16 to 24", "25 to 34"]
    assert sorted(r["years_at_address"] for r in rows)[-1] == "30"
    assert {r["about_you_shown"] for r in rows} == {"in full"}
    entries = AuditEntry.objects.filter(action=Action.EXPORT, actor="admin.exports").order_by("id")
    assert [(e.object_type, e.object_id, e.summary) for e in entries] == [
        ("surveys:wave-export", str(wave.pk), "csv"),
        ("surveys:wave-export", str(wave.pk), "xlsx"),
        ("surveys:wave-export", str(wave.pk), "csv"),
    ]
    assert {(e.detail["about_you"], e.detail["rows"]) for e in entries} == {("full", 12)}


def test_a_neighbourhood_below_the_threshold_shows_no_about_you_answers(client, about_you_wave, settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    wave = about_you_wave
    place = wave.neighbourhoods.order_by("pk").first()
    for _ in range(4):
        _answer(wave, place, "25_34", "female", "full_time", "council", 3)
    client.force_login(staff(Role.OFFICER, neighbourhoods=[place]))
    rows = _csv(client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).content)
    assert {tuple(r[k] for k in QUASI) for r in rows} == {("", "", "", "", "")}


PERSON = st.tuples(
    st.sampled_from([None, *(code for code, _ in AGE)]),
    st.sampled_from([None, *(code for code, _ in SEX)]),
    st.sampled_from([None, *(code for code, _ in WORK)]),
    st.sampled_from([None, *(code for code, _ in TENURE)]),
    st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(st.integers(min_value=0, max_value=1), PERSON), max_size=28),
    k=st.integers(min_value=5, max_value=8),
)
def test_no_officers_export_holds_a_combination_shared_by_fewer_than_k_in_a_neighbourhood(
    client, about_you_wave, people, k
):
    """Whatever residents answered: in an officer's export, within each neighbourhood, each combination of the
    "about you" columns is shared by at least k respondents (a blank counts as one value), or the neighbourhood
    has fewer than k respondents and shows none of them."""
    wave = about_you_wave
    places = list(wave.neighbourhoods.order_by("pk"))
    with transaction.atomic(), override_settings(REBALANCE_DISCLOSURE_MIN_RESPONSES=k):
        for where, person in people:
            _answer(wave, places[where], *person)
        client.force_login(staff(Role.OFFICER, neighbourhoods=places))
        rows = _csv(client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"])).content)
        transaction.set_rollback(True)
    assert len(rows) == len(people)
    for place in places:
        combinations = Counter(tuple(r[q] for q in QUASI) for r in rows if r["neighbourhood"] == place.name)
        if sum(combinations.values()) >= k:
            assert min(combinations.values(), default=k) >= k, (place.name, combinations)
        else:
            assert set(combinations) <= {("",) * len(QUASI)}
