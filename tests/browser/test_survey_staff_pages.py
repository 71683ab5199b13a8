"""The staff side of surveys in a real browser: wave list, wave page and paper entry pass axe-core."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.access.models import Role
from surveys.models import Response
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.factories import staff
from tests.surveys.factories import wave_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def test_officer_pages_pass_axe_and_paper_entry_works(live_server, phone):
    wave = wave_factory(open_link=True)
    officer = staff(Role.OFFICER, neighbourhoods=list(wave.neighbourhoods.all()))
    _sign_in(phone, live_server, officer.username)
    phone.goto(live_server.url + reverse("surveys:wave-list"))
    axe_check(phone, label="wave list")
    phone.get_by_role("link", name=wave.name).click()
    axe_check(phone, label="wave detail")
    phone.get_by_role("link", name="Type in a paper questionnaire").click()
    axe_check(phone, label="paper entry")
    phone.get_by_role("button", name="Save this questionnaire").click()
    assert phone.locator(".error-summary").is_visible()
    axe_check(phone, label="paper entry with errors")
    phone.locator("#q-neighbourhood").select_option(str(wave.neighbourhoods.get().pk))
    for fieldset in phone.locator("fieldset").all():
        fieldset.locator("input").first.check()
    phone.get_by_role("button", name="Save this questionnaire").click()
    assert Response.objects.get().channel == "paper"
    phone.goto(live_server.url + reverse("surveys:wave-new"))
    axe_check(phone, label="new wave")
    no_sideways_scroll(phone)
