"""The e-mail pages in Chromium: the choices page (from the tokens page), the unsubscribe link's question and its
answer, a tampered link, and one HTML digest as a mail program would show it. axe passes at 1280 and 320 px and
nothing spills sideways. SCREENSHOT_DIR=… keeps the screenshots."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.access.models import Role
from indicators.alerts.models import AlertPreference, Delivery, Kind
from indicators.alerts.selectors import Item
from indicators.alerts.services import compose, unsubscribe_token
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import LocalAuthorityFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_choose_emails_and_unsubscribe(live_server, page):
    officer = staff(Role.OFFICER, email="officer@council.test", local_authorities=[LocalAuthorityFactory()])
    width = page.viewport_size["width"]
    log_in(page, live_server, officer.username, "correct-horse-battery")
    page.goto(live_server.url + reverse("api-tokens"))
    page.get_by_role("link", name="Choose your e-mail alerts and weekly digest").click()
    page.wait_for_url("**/alerts/preferences/")
    axe_check(page, label="E-mail alerts")
    no_sideways_scroll(page)
    _shot(page, f"alerts-preferences-{width}.png")

    page.get_by_label("An e-mail at once for urgent items").check()
    page.get_by_label("Factors that changed clearly between survey waves").uncheck()
    page.get_by_role("button", name="Save my choices").click()
    assert page.get_by_text("Your e-mail choices are saved.").is_visible()
    assert page.get_by_label("An e-mail at once for urgent items").is_checked()
    choice = AlertPreference.objects.get(user=officer)
    assert (choice.immediate, choice.factors, choice.waves) == (True, False, True)

    # The link in an e-mail, opened where nobody is signed in.
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("alerts:unsubscribe", args=[unsubscribe_token(officer)]))
    axe_check(page, label="Stop e-mails?")
    no_sideways_scroll(page)
    _shot(page, f"alerts-unsubscribe-{width}.png")
    page.get_by_role("button", name="Stop every e-mail").click()
    assert page.get_by_role("heading", name="E-mails stopped").is_visible()
    axe_check(page, label="E-mails stopped")
    no_sideways_scroll(page)
    _shot(page, f"alerts-unsubscribed-{width}.png")
    choice.refresh_from_db()
    assert (choice.weekly_digest, choice.immediate) == (False, False)

    page.goto(live_server.url + reverse("alerts:unsubscribe", args=["eyJ1IjoxfQ:1xYucg:tampered"]))
    assert page.get_by_role("heading", name="This unsubscribe link does not work").is_visible()
    axe_check(page, label="Bad unsubscribe link")
    no_sideways_scroll(page)
    _shot(page, f"alerts-unsubscribe-bad-{width}.png")


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_the_html_digest_reads_as_a_page(live_server, page):
    """The HTML part of a digest, as a mail program shows it: accessible, and nothing spills sideways."""
    officer = staff(Role.OFFICER, email="officer@council.test", local_authorities=[LocalAuthorityFactory()])
    now = timezone.now()
    items = [
        Item(
            kind=Kind.WAVES,
            urgent=True,
            neighbourhood_ids=frozenset({1}),
            place="Harehills",
            headline="Harehills: survey “Spring 2026” closes in 4 days with a low response",
            detail="10% of invitation codes used (2 of 20); a response under 20% counts as low. It closes on 9 May.",
            path="/survey/manage/waves/1/",
            at=now,
        ),
        Item(
            kind=Kind.VERDICTS,
            urgent=False,
            neighbourhood_ids=frozenset({1}),
            place="Seacroft",
            headline="Seacroft caught up: now improving",
            detail="Worklessness −0.50 points from January 2025 to January 2026 (13.5% → 13.0%); similar areas −0.28.",
            path="/places/neighbourhoods/1/",
            at=now,
        ),
        Item(
            kind=Kind.FACTORS,
            urgent=False,
            neighbourhood_ids=frozenset({1}),
            place="Harehills",
            headline="Harehills: Confidence clearly better than the wave before",
            detail="+12.5 points out of 100 (51.0 → 63.5) from Autumn 2025 to Spring 2026, 48 residents answering.",
            path="/places/neighbourhoods/1/",
            at=now,
        ),
    ]
    message = compose(user=officer, items=items, sort=Delivery.Sort.DIGEST, since=now - dt.timedelta(days=7), until=now)
    ((html, _),) = message.alternatives
    page.set_content(html)
    assert page.get_by_role("heading", name="Your weekly digest").is_visible()
    assert page.get_by_role("link", name="Open the survey wave").get_attribute("href").endswith("/waves/1/")
    assert page.get_by_role("link", name="Open Seacroft").is_visible()
    axe_check(page, label="The HTML digest")
    no_sideways_scroll(page)
    _shot(page, f"alerts-digest-email-{page.viewport_size['width']}.png")
