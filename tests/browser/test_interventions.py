"""An officer records an intervention in a real browser, without JavaScript, and sees it listed and shaded on the
neighbourhood's chart; bad input comes back as a clear error; every page passes axe at 1280 and 320 px.

Set REBALANCE_SHOTS to a directory to keep screenshots of each page at both widths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.interventions.models import Intervention, Status
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.browser.test_pages_monitoring import log_in
from tests.indicators.monitoring.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db, settings):
    # The pages follow what staff set up within REBALANCE_PAGE_STATE_SECONDS (5 by default); these tests look
    # again at a page they saw a moment before, so they read the state afresh every time.
    settings.REBALANCE_PAGE_STATE_SECONDS = 0
    return build_world()


def shot(page, name: str) -> None:
    folder = os.environ.get("REBALANCE_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest.fixture
def no_script_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def test_an_officer_records_an_intervention_and_sees_it_on_the_chart(live_server, page, world):
    log_in(page, live_server, "officer.pages")
    page.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    assert page.get_by_text("None recorded yet.").is_visible()
    page.get_by_role("link", name="Record an intervention").click()
    assert page.get_by_label("Harehills, Leeds").is_checked()  # the neighbourhood it came from
    shot(page, "form-1280")
    axe_check(page, label="intervention form")

    # A slip first: the end before the start, and no factor.
    page.get_by_label("What was done").fill("Harehills employment hub")
    page.get_by_label("Lead organisation").fill("Leeds City Council employment team")
    page.get_by_label("Start date").fill("2020-06-01")
    page.get_by_label("End date (optional)").fill("2020-05-01")
    page.get_by_role("button", name="Record it").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "is before the start" in summary.inner_text()
    assert "Choose at least one of the report's factors" in summary.inner_text()
    assert page.get_by_label("What was done").input_value() == "Harehills employment hub"  # nothing typed is lost
    shot(page, "form-errors-1280")
    axe_check(page, label="intervention form with errors")
    assert not Intervention.objects.exists()

    page.get_by_label("End date (optional)").fill("")
    page.get_by_label("Connection to work", exact=True).check()
    page.get_by_label("Confidence", exact=True).check()
    page.get_by_label("Local say in welfare-to-work", exact=False).check()
    page.get_by_role("button", name="Record it").click()
    assert page.get_by_text("Recorded: Harehills employment hub.").is_visible()
    assert page.get_by_text("From 1 June 2020, still running").is_visible()
    made = Intervention.objects.get()
    assert made.status == Status.ACCEPTED
    axe_check(page, label="intervention detail")

    page.goto(live_server.url + reverse("indicators:intervention-list"))
    assert page.get_by_role("link", name="Harehills employment hub").is_visible()
    shot(page, "list-1280")
    axe_check(page, label="intervention list")

    page.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    chart = page.locator("#worklessness-chart")
    assert chart.locator("svg.chart-svg rect").count() == 1  # the shaded period
    assert chart.locator("svg.chart-svg text", has_text="A").count() >= 1
    assert "Shaded A: Harehills employment hub, from 1 June 2020, still running" in chart.inner_text()
    section = page.locator("#interventions")
    assert "Harehills employment hub" in section.inner_text()
    chart.scroll_into_view_if_needed()
    shot(page, "neighbourhood-1280")
    axe_check(page, label="neighbourhood page with an intervention")


def test_recording_needs_no_javascript(live_server, no_script_page, world):
    page = no_script_page  # axe needs script, so the pages' accessibility is checked in the other tests
    log_in(page, live_server, "officer.pages")
    page.goto(live_server.url + reverse("indicators:intervention-new") + f"?neighbourhood={world['seacroft'].pk}")
    page.get_by_label("What was done").fill("Seacroft job club")
    page.get_by_label("Lead organisation").fill("Leeds City Council")
    page.get_by_label("Start date").fill("2020-03-01")
    page.get_by_label("Aspiration", exact=True).check()
    page.get_by_role("button", name="Record it").click()
    assert page.get_by_text("Recorded: Seacroft job club.").is_visible()
    assert list(Intervention.objects.values_list("title", flat=True)) == ["Seacroft job club"]


def test_the_pages_at_320_pixels(live_server, phone, world):
    log_in(phone, live_server, "officer.pages")
    phone.goto(live_server.url + reverse("indicators:intervention-new") + f"?neighbourhood={world['harehills'].pk}")
    no_sideways_scroll(phone)
    axe_check(phone, label="intervention form at 320 px")
    shot(phone, "form-320")
    phone.get_by_label("What was done").fill("Harehills crime and grime clean-up")
    phone.get_by_label("Lead organisation").fill("Leeds City Council Housing")
    phone.get_by_label("Start date").fill("2020-09-01")
    phone.get_by_label("End date (optional)").fill("2020-12-31")
    phone.get_by_label("Housing, crime and grime", exact=True).check()
    phone.get_by_role("button", name="Record it").click()
    assert phone.get_by_text("Recorded: Harehills crime and grime clean-up.").is_visible()
    no_sideways_scroll(phone)
    axe_check(phone, label="intervention detail at 320 px")
    phone.goto(live_server.url + reverse("indicators:intervention-list"))
    no_sideways_scroll(phone)
    axe_check(phone, label="intervention list at 320 px")
    shot(phone, "list-320")
    phone.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    no_sideways_scroll(phone)
    assert phone.locator("#worklessness-chart svg.chart-svg rect").count() == 1
    axe_check(phone, label="neighbourhood page at 320 px")
    shot(phone, "neighbourhood-320")
