"""A resident's number question that takes decimals, in a real browser at desktop and phone widths: the decimal
keypad, a comma refused in words, the answer kept as typed, and axe-core on each page. Set
NUMBER_SCREENSHOTS to a folder to keep screenshots."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from surveys.models import Answer
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.surveys.factories import codes_for, version_factory, wave_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("NUMBER_SCREENSHOTS", "")
HOURS = {
    "key": "hours",
    "page": 1,
    "factor": "work_connection",
    "kind": "number",
    "text": "How many hours a week do you work?",
    "hint": "Give your usual hours, with a full stop for part of an hour, like 37.5.",
    "decimal_places": 1,
    "min": 0,
    "max": 80,
}


def _look(page, name: str) -> None:
    axe_check(page, label=name)
    no_sideways_scroll(page)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{page.viewport_size['width']}.png", full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_a_resident_answers_a_number_with_a_decimal_point(live_server, page):
    wave = wave_factory(version=version_factory(questions=[HOURS]))
    page.goto(live_server.url + reverse("surveys:start"))
    page.locator("#id_code").fill(codes_for(wave)[0])
    page.get_by_role("button", name="Start").click()
    box = page.get_by_label("How many hours a week do you work?")
    assert box.get_attribute("inputmode") == "decimal"
    _look(page, "number-decimal")
    for typed, message in (
        ("37,5", "Use a full stop for the decimal point, like 2.5, not a comma"),
        ("37.55", "Enter a number with no more than 1 decimal place, like 2.5"),
        ("90", "Enter a number of 80 or less"),
    ):
        page.get_by_label("How many hours a week do you work?").fill(typed)
        page.get_by_role("button", name="Continue").click()
        assert page.locator(".error-summary").is_visible()
        assert page.locator(".error-message").get_by_text(message).is_visible()
        assert page.get_by_label("How many hours a week do you work?").input_value() == typed
    _look(page, "number-decimal-error")
    page.get_by_label("How many hours a week do you work?").fill("37.5")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("37.5").first.is_visible()  # the check page
    _look(page, "number-decimal-check")
    page.get_by_role("button", name="Send").first.click()
    page.wait_for_url("**/done/")
    assert Answer.objects.get(question__key="hours").number == Decimal("37.5")
