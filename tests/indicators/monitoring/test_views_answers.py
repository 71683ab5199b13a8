"""The results-per-question page and downloads: what an officer sees (shares, changes with signs, withheld with the
reason), what they never see (free text, other places), and the neighbourhood's download carrying the results."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.access.models import Role
from indicators.engine.services.answers import answers_refresh
from surveys.models import Channel
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory, staff
from tests.indicators.engine.builders import _clerk, _during, wave
from tests.surveys.factories import version_factory

pytestmark = pytest.mark.django_db
SECRET = "My neighbour at number 12 deals drugs"


@pytest.fixture
def place(settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    version = version_factory()
    mine, other = NeighbourhoodFactory(name="Seacroft"), NeighbourhoodFactory(name="Anfield")
    w1 = wave(version, [mine, other], opens=dt.date(2024, 3, 1))
    w2 = wave(version, [mine], opens=dt.date(2025, 3, 1))
    for w, very, fairly in ((w1, 12, 8), (w2, 6, 14)):
        for i in range(very + fairly):
            raw = {"satisfied": "very" if i < very else "fairly", "move": "no", "life": "7", "plans": "work"}
            raw.update(age="35_plus", hopes=SECRET)
            with _during(w):
                response_submit(raw=raw, channel=Channel.PAPER, wave=w, neighbourhood=mine, entered_by=_clerk())
    for w in (w1, w2):
        answers_refresh(wave_id=w.pk)
    officer = staff(Role.OFFICER, neighbourhoods=[mine])
    return {"mine": mine, "other": other, "w1": w1, "w2": w2, "officer": officer}


def test_the_page_shows_each_answer_share_and_the_signed_change(client, place):
    client.force_login(place["officer"])
    page = client.get(reverse("indicators:neighbourhood-answers", args=[place["mine"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "How satisfied are you with your area?" in html
    assert "30%" in html
    assert "70%" in html
    assert "−30" in html
    assert "+30" in html
    assert "20 residents answered" in html
    assert "fewer than 5 residents are behind it" in html  # what "withheld" means, said where it may appear
    assert SECRET not in html
    assert "In your own words" in html  # the question is named, its answers are not shown
    first = client.get(reverse("indicators:neighbourhood-answers", args=[place["mine"].pk]), {"wave": place["w1"].pk})
    assert "60%" in first.content.decode()
    assert "first wave" in first.content.decode()


def test_an_officer_cannot_see_another_neighbourhood(client, place):
    client.force_login(place["officer"])
    assert client.get(reverse("indicators:neighbourhood-answers", args=[place["other"].pk])).status_code == 404
    url = reverse("indicators:neighbourhood-answers-export", args=[place["other"].pk, "csv"])
    assert client.get(url).status_code == 404


def test_the_downloads_hold_the_distributions_and_never_the_free_text(client, place):
    client.force_login(place["officer"])
    own = client.get(reverse("indicators:neighbourhood-answers-export", args=[place["mine"].pk, "csv"]))
    text = own.content.decode("utf-8-sig")
    assert "Share of those who answered (%)" in text
    assert "How satisfied are you with your area?" in text
    assert SECRET not in text
    assert "hopes" not in text
    book = client.get(reverse("indicators:neighbourhood-export", args=[place["mine"].pk, "xlsx"]))
    workbook = load_workbook(io.BytesIO(book.content))
    sheet = next(s for s in workbook.worksheets if s.title.startswith("How residents"))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_answer = {
        (r[header.index("Wave")], r[header.index("Answer")]): r
        for r in rows[1:]
        if r[header.index("Question key")] == "satisfied"
    }
    very = by_answer[(place["w2"].name, "Very satisfied")]
    assert very[header.index("Share of those who answered (%)")] == 30.0
    assert very[header.index("Change since the previous wave (points)")] == -30.0
    assert all(SECRET not in str(cell) for row in rows for cell in row)
