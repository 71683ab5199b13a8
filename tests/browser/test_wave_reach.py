"""The wave page's letters, reminders and who answered in a real browser: axe at 1280 and 320 px, nothing
sideways on a phone, and a reminder batch printed from the page. SCREENSHOT_DIR=… keeps the screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from surveys.models.fielding import LetterBatch
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.surveys.views.test_wave_reach import build_reach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_the_wave_page_shows_who_answered_and_prints_reminders(live_server, page, phone, settings, tmp_path):
    settings.SURVEY_PUBLIC_URL = "https://rebalance.example.org"
    setting = build_reach()
    url = live_server.url + reverse("surveys:wave-detail", args=[setting["wave"].pk])
    log_in(page, live_server, setting["officer"].username, "correct-horse-battery")
    page.goto(url)
    assert page.get_by_role("heading", name="Who answered", exact=True).is_visible()
    assert page.locator(".panel-warning").inner_text().startswith("Under-represented here: 35 to 64")
    axe_check(page, label="wave page, 1280 px")
    _shot(page, "wave_reach_1280.png")

    page.locator("#reminders + p + form select").select_option(str(setting["place"].pk))
    with page.expect_download() as download:
        page.get_by_role("button", name="Print reminder letters (PDF)").click()
    saved = Path(tmp_path) / "reminders.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert LetterBatch.objects.get(kind="reminder").letters == 5

    log_in(phone, live_server, setting["officer"].username, "correct-horse-battery")
    phone.goto(url)
    axe_check(phone, label="wave page, 320 px")
    no_sideways_scroll(phone)
    _shot(phone, "wave_reach_320.png")
