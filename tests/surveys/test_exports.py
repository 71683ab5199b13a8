import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.access.models import Role
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, wave_factory

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
