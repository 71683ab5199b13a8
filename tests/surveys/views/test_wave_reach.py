"""The wave page's reach: letters and responses by week, reminder letters printed from it, and who answered
against who lives there, with the under-represented groups named."""

import pytest
from django.urls import reverse

from indicators.access.models import Role
from indicators.audit.models import AuditEntry
from indicators.official.importing.population import population_import
from indicators.places.models import SmallArea
from surveys.models import Invitation
from surveys.models.fielding import LetterBatch
from surveys.services.responses import response_submit
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory, staff
from tests.surveys.factories import codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db

QUESTIONS = [
    {
        "key": "satisfied",
        "factor": "housing_environment",
        "kind": "scale",
        "text": "How satisfied are you with your area?",
        "options": [{"code": "very", "label": "Very", "points": 2}, {"code": "not", "label": "Not", "points": 1}],
    },
    {
        "key": "age",
        "factor": "about_you",
        "kind": "single",
        "text": "What is your age?",
        "demographic": "age_band",
        "scored": False,
        "required": False,
        "options": [
            {"code": "16_34", "label": "16 to 34", "points": None},
            {"code": "35_64", "label": "35 to 64", "points": None},
            {"code": "65_plus", "label": "65 or over", "points": None},
            {"code": "prefer_not", "label": "Prefer not to say", "points": None},
        ],
    },
    {
        "key": "sex",
        "factor": "about_you",
        "kind": "single",
        "text": "What is your sex?",
        "demographic": "sex",
        "scored": False,
        "required": False,
        "options": [
            {"code": "female", "label": "Female", "points": None},
            {"code": "male", "label": "Male", "points": None},
        ],
    },
]


def _profile(code: str, ages: dict[str, int]) -> bytes:
    columns = [f"{s}{a}" for s in "FM" for a in range(91)]
    row = ",".join(str(ages.get(c, 0)) for c in columns)
    return f"LSOA 2021 Code,Total,{','.join(columns)}\n{code},{sum(ages.values())},{row}\n".encode()


def build_reach() -> dict:
    """A wave in two neighbourhoods: one with a loaded population profile and 12 responses, one with 1."""
    la = LocalAuthorityFactory(code="E06000005", name="Darlington")
    area = SmallAreaFactory(code="E01012304", kind=SmallArea.Kind.LSOA21, local_authority=la)
    place = NeighbourhoodFactory(name="Darlington 012", known_as="North Road", local_authority=la, areas=[area])
    small = NeighbourhoodFactory(name="Darlington 013", local_authority=la)
    wave = wave_factory(version=version_factory(QUESTIONS, slug="reach"), neighbourhoods=[place, small])
    # 1,000 adults: 300 aged 16-34, 500 aged 35-64, 200 aged 65 or over; half women, half men; 70 children.
    population_import(
        source=_profile(
            "E01012304",
            {"F20": 150, "M20": 150, "F50": 250, "M50": 250, "F70": 100, "M70": 100, "F8": 40, "M8": 30},
        )
    )
    officer = staff(Role.OFFICER, neighbourhoods=[place, small])
    codes = codes_for(wave, 15, neighbourhood=place)
    # Ten answer with their code: nine women, eight of them 65 or over; then two men of 16-34 on paper.
    for i, code in enumerate(codes[:10]):
        age = "65_plus" if i < 8 else "16_34"
        sex = "male" if i == 9 else "female"
        response_submit(raw={"satisfied": "very", "age": age, "sex": sex}, channel="api", code=code)
    for _ in range(2):
        response_submit(
            raw={"satisfied": "not", "age": "16_34", "sex": "male"},
            channel="paper",
            wave=wave,
            neighbourhood=place,
            entered_by=officer,
        )
    codes_for(wave, 4, neighbourhood=small)
    response_submit(raw={"satisfied": "very", "age": "35_64"}, channel="api", code=codes_for(wave, 1, small)[0])
    return {"wave": wave, "place": place, "small": small, "officer": officer, "codes": codes}


@pytest.fixture
def setting():
    return build_reach()


def _page(client, setting) -> str:
    client.force_login(setting["officer"])
    return " ".join(client.get(reverse("surveys:wave-detail", args=[setting["wave"].pk])).content.decode().split())


def test_response_rates_against_letters_and_residents(client, setting):
    html = _page(client, setting)
    # 10 of the 15 codes used; 12 responses (two on paper) from 1,000 residents aged 16 or over.
    assert '<td class="num">67% <span class="cell-note">(10 of 15)</span></td>' in html
    assert '<td class="num">1.2% <span class="cell-note">(12 of 1,000 aged 16+)</span></td>' in html
    assert '<td><span class="tag tag-bad">35 to 64</span></td>' in html


def test_the_groups_that_answered_less_are_named(client, setting):
    html = _page(client, setting)
    # 35-64: none of the 12 against half the residents, and 6 were to be expected from them.
    assert "Under-represented here:</strong> 35 to 64 (0% of those who answered, 50% of residents)." in html
    # Men: 3 of 12 (25%) against 50% is exactly half, not below it; 16-34: 4 of 12 (33%) against 30%.
    assert "Male <span" not in html
    assert "16 to 34 <span" not in html
    row = '<th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
    row += '<td class="num">{}</td><td class="num">{}</td>'
    assert row.format("65 or over", 8, "67%", 200, "20%", "+47 points") in html
    assert row.format("Male", 3, "25%", 500, "50%", "−25 points") in html
    assert '35 to 64 <span class="tag tag-bad">under-represented</span>' in html


def test_the_rule_is_a_setting(client, setting, settings):
    settings.REBALANCE_UNDERREPRESENTED_RATIO = 0.6
    assert "); Male (25% of those who answered, 50% of residents)." in _page(client, setting)
    settings.REBALANCE_UNDERREPRESENTED_MIN_EXPECTED = 7
    assert "Under-represented here" not in _page(client, setting)


def test_a_neighbourhood_with_few_responses_keeps_its_breakdown_back(client, setting):
    html = _page(client, setting)
    assert '<td class="num">20% <span class="cell-note">(1 of 5)</span></td>' in html
    assert '<td class="num">1 <span class="cell-note">(residents not loaded)</span></td>' in html
    assert "<td>not shown: fewer than 10 answered</td>" in html
    assert "Fewer than 10 residents have answered here" in html


def test_letters_and_responses_by_week(client, setting):
    html = _page(client, setting)
    assert '<td class="num">20</td><td class="num">0</td><td class="num">13</td><td class="num">13</td>' in html


def test_printing_reminders_gives_the_unused_codes_and_is_recorded_and_audited(client, setting):
    client.force_login(setting["officer"])
    url = reverse("surveys:wave-reminders", args=[setting["wave"].pk])
    out = client.post(url, {"neighbourhood": setting["place"].pk})
    assert out.status_code == 200
    assert out["Content-Type"] == "application/pdf"
    assert out.content.startswith(b"%PDF")
    batch = LetterBatch.objects.get(kind="reminder")
    assert (batch.letters, batch.printed_by, batch.neighbourhood) == (5, setting["officer"], setting["place"])
    entry = AuditEntry.objects.get(object_type="surveys:wave-reminders")
    assert (entry.action, entry.detail["codes"], entry.detail["batch"]) == ("change", 5, batch.pk)
    html = _page(client, setting)
    assert '<td class="num">20</td><td class="num">5</td><td class="num">13</td>' in html  # same week here
    assert Invitation.objects.filter(used=False, neighbourhood=setting["place"]).count() == 5


def test_reminders_only_for_the_officers_own_places(client, setting):
    elsewhere = staff(Role.OFFICER, neighbourhoods=[NeighbourhoodFactory()])
    client.force_login(elsewhere)
    out = client.post(
        reverse("surveys:wave-reminders", args=[setting["wave"].pk]), {"neighbourhood": setting["place"].pk}
    )
    assert out.status_code == 404
    manager = staff(Role.ESTATE_MANAGER, neighbourhoods=[setting["place"]])
    client.force_login(manager)
    out = client.post(
        reverse("surveys:wave-reminders", args=[setting["wave"].pk]), {"neighbourhood": setting["place"].pk}
    )
    assert out.status_code == 403
    assert "Print reminder letters" not in " ".join(
        client.get(reverse("surveys:wave-detail", args=[setting["wave"].pk])).content.decode().split()
    )
    assert not LetterBatch.objects.filter(kind="reminder").exists()
