"""The resident's survey in a real browser: from the letter's QR code to the confirmation, on a phone,
with axe-core checking every page on the way."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from surveys.models import Response, ResponseStatus
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.responses import response_submit
from surveys.services.waves import survey_url_for_code
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _path(page) -> str:
    return urlparse(page.url).path


def _check(page, label):
    axe_check(page, label=label)
    no_sideways_scroll(page)


def _answer_shown_questions(page):
    """Pick an answer for every question on the page: the first option, a number, or text."""
    for fieldset in page.locator("fieldset").all():
        first = fieldset.locator("input").first
        first.check()
    for field in page.locator("input[inputmode=numeric]").all():
        field.fill("3")


def test_from_the_qr_code_to_the_confirmation_on_a_phone(live_server, phone, settings):
    settings.SURVEY_PUBLIC_URL = live_server.url
    version = default_questionnaire_load()
    wave = wave_factory(version=version)
    code = codes_for(wave)[0]
    qr_url = survey_url_for_code(code=code)  # what the letter's QR code holds
    phone.goto(qr_url)
    assert phone.locator("#id_code").input_value() == code
    _check(phone, "start")
    phone.get_by_role("button", name="Start").click()

    pages_seen = 0
    errors_checked = False
    while "/page/" in _path(phone):
        pages_seen += 1
        _check(phone, f"question page {pages_seen}")
        if not errors_checked:
            phone.get_by_role("button", name="Continue").click()
            assert phone.locator(".error-summary").is_visible()
            assert phone.title().startswith("Error:")
            _check(phone, "question page with errors")
            phone.locator(".error-summary a").first.click()
            errors_checked = True
        _answer_shown_questions(phone)
        phone.get_by_role("button", name="Continue").click()
        assert pages_seen < 30
    assert _path(phone) == reverse("surveys:check")
    assert pages_seen >= 10
    _check(phone, "check your answers")
    phone.get_by_role("button", name="Send my answers").click()
    assert _path(phone) == reverse("surveys:done")
    assert phone.get_by_role("heading", level=1).inner_text().startswith("Thank you")
    _check(phone, "confirmation")
    response = Response.objects.get()
    assert response.status == ResponseStatus.COMPLETED
    assert response.answers.filter(score__isnull=False).count() > 20

    phone.get_by_role("link", name="See your answers").click()
    _check(phone, "your answers")
    phone.get_by_role("link", name="Withdraw my answers").click()
    _check(phone, "withdraw")
    phone.get_by_role("button", name="Continue").click()
    _check(phone, "withdraw with an error")
    phone.get_by_label("Yes, withdraw and delete my answers").check()
    phone.get_by_role("button", name="Continue").click()
    assert "withdrawn" in phone.get_by_role("heading", level=1).inner_text()
    _check(phone, "withdrawn")
    assert Response.objects.get().status == ResponseStatus.WITHDRAWN


def test_bad_code_pages_welsh_and_open_link_pass_axe(live_server, phone, settings):
    settings.SURVEY_OPEN_LINK_MIN_SECONDS = 0
    wave = wave_factory(open_link=True)
    used, fresh = codes_for(wave, 2)
    response_submit(raw=GOOD_ANSWERS, channel="api", code=used)
    closed = wave_factory(version=wave.survey_version, name="Closed wave", opens_in_days=-9)
    closed_code = codes_for(closed)[0]
    closed.closes_on = datetime.date.today() - datetime.timedelta(days=2)
    closed.save()
    start = live_server.url + reverse("surveys:start")

    def enter(code, url=start):
        phone.goto(url)
        phone.locator("#id_code").fill(code)
        phone.get_by_role("button", name=re.compile("Start|Dechrau")).click()

    enter("ABCD-EFGH-JKMN")
    assert phone.locator(".error-summary").is_visible()
    _check(phone, "wrong code")
    enter(used)
    assert "already been used" in phone.content()
    _check(phone, "used code")
    enter(closed_code)
    assert "has closed" in phone.content()
    _check(phone, "closed wave")
    enter(fresh, url=live_server.url + reverse("surveys:wave-start", args=[closed.slug]))
    assert "different survey" in phone.content()
    _check(phone, "other wave")

    # Welsh, chosen by the resident.
    enter(fresh)
    phone.get_by_role("button", name="Cymraeg").click()
    assert phone.locator("html").get_attribute("lang") == "cy"
    _check(phone, "question page in Welsh")
    phone.get_by_role("button", name=re.compile("Cadw a dod")).click()
    _check(phone, "saved")

    phone.context.clear_cookies()  # back to English, no session
    later = wave_factory(version=wave.survey_version, name="Later wave", opens_in_days=5, closes_in_days=20)
    enter(codes_for(later)[0])
    assert "has not opened yet" in phone.content()
    _check(phone, "not open yet")

    phone.context.clear_cookies()
    phone.goto(live_server.url + reverse("surveys:page", args=[1]))
    _check(phone, "session ended")

    settings.SURVEY_CODE_RATE = "1/900"
    enter("ABCD-EFGH-JKMN")
    enter("ABCD-EFGH-JKMN")
    assert "Please wait" in phone.content()
    _check(phone, "too many attempts")
    settings.SURVEY_CODE_RATE = "10/900"

    phone.goto(live_server.url + reverse("surveys:open", args=[wave.slug]))
    _check(phone, "open link")
    phone.get_by_role("button").last.click()
    _check(phone, "open link with an error")
    assert Response.objects.filter(wave=closed).count() == 0
    assert closed.closes_on < datetime.date.today()
