"""Results per question and the survey in Welsh, in a real browser at 1280 and 320 px, with axe-core on each."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse

from indicators.access.models import Role
from indicators.engine.services.answers import answers_refresh
from surveys.models import Channel
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.responses import response_submit
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.browser.test_pages_monitoring import log_in
from tests.factories import NeighbourhoodFactory, staff
from tests.indicators.engine.builders import _clerk, _during, wave
from tests.indicators.engine.test_services_answers import QUESTIONNAIRE
from tests.surveys.factories import codes_for, version_factory, wave_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOTS_DIR", "")  # where to keep screenshots to look at, if set


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def results(transactional_db, settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    version = version_factory(QUESTIONNAIRE)  # "satisfied" is not its factor's only scored question here
    place = NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe")
    waves = [wave(version, [place], opens=dt.date(2024, 3, 1)), wave(version, [place], opens=dt.date(2025, 3, 1))]
    mixes = [
        [("very", "no")] * 9 + [("fairly", "yes")] * 8 + [("not", "no")] * 3,
        [("very", "no")] * 12 + [("fairly", "yes")] * 9,
    ]
    for w, mix in zip(waves, mixes, strict=True):
        for satisfied, move in mix:
            raw = {"satisfied": satisfied, "move": move, "life": "7", "plans": "work", "age": "35_plus"}
            # "clean" withholds its 3 noes too in the first wave: were it shown in full, the factor's score would
            # give back "satisfied"'s withheld counts, and the engine would withhold that question whole.
            raw.update(clean="no" if satisfied == "not" else "yes", stay="no")
            if move == "yes":
                raw["why_move"] = ["work"]
            with _during(w):
                response_submit(raw=raw, channel=Channel.PAPER, wave=w, neighbourhood=place, entered_by=_clerk())
        answers_refresh(wave_id=w.pk)
    staff(Role.OFFICER, username="officer.answers", neighbourhoods=[place])
    return place


def test_results_per_question_at_1280_and_320_pixels(live_server, page, phone, results):
    url = live_server.url + reverse("indicators:neighbourhood-answers", args=[results.pk])
    log_in(page, live_server, "officer.answers")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    assert page.get_by_role("heading", name="How satisfied are you with your area?").is_visible()
    table = page.get_by_role("table", name="Answers to: How satisfied are you with your area?")
    very = table.get_by_role("row").filter(has_text="Very satisfied").inner_text()
    assert "57%" in very
    assert "+12" in very
    not_satisfied = table.get_by_role("row").filter(has_text="Not satisfied").inner_text()
    assert "not shown then (withheld, or not asked)" in not_satisfied  # was 3, withheld
    axe_check(page, label="results per question at 1280 px, latest wave")
    page.get_by_role("navigation", name="Survey waves").get_by_role("link").first.click()  # the first wave
    first = page.get_by_role("table", name="Answers to: How satisfied are you with your area?")
    assert "Withheld" in first.get_by_role("row").filter(has_text="Not satisfied").inner_text()
    axe_check(page, label="results per question at 1280 px")
    no_sideways_scroll(page)
    _shot(page, "answers-1280")
    log_in(phone, live_server, "officer.answers")
    phone.goto(url)
    no_sideways_scroll(phone)
    axe_check(phone, label="results per question at 320 px")
    _shot(phone, "answers-320")


def test_a_question_page_in_welsh_at_1280_and_320_pixels(live_server, page, phone):
    survey = wave_factory(version=default_questionnaire_load())
    for browser_page, width, name in ((page, 1280, "welsh-1280"), (phone, 320, "welsh-320")):
        if width == 1280:
            browser_page.set_viewport_size({"width": 1280, "height": 900})
        browser_page.goto(live_server.url + reverse("surveys:start"))
        browser_page.get_by_role("button", name="Cymraeg").click()
        browser_page.fill("#id_code", codes_for(survey)[0])
        browser_page.get_by_role("button", name="Dechrau").click()
        assert browser_page.get_by_text("Ar y cyfan, pa mor fodlon neu anfodlon").is_visible()
        assert browser_page.get_by_text("Ein cyfieithiad ni yw’r Gymraeg yma.").is_visible()
        assert browser_page.locator(".welsh-note [lang=en]").inner_text().startswith("This Welsh is our own")
        no_sideways_scroll(browser_page)
        axe_check(browser_page, label=f"question page in Welsh at {width} px")
        _shot(browser_page, name)
