"""The neighbourhood page reads in one screen: the summary within the first 900 px at 1280 px, nothing
sideways, accessible at 1280 and 320 px and in print."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.browser.test_pages_monitoring import log_in
from tests.indicators.monitoring.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_the_summary_fits_the_first_screen_at_1280_pixels(live_server, page, world):
    log_in(page, live_server, "officer.pages")
    page.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    summary = page.locator(".place-summary")
    assert summary.bounding_box()["y"] + summary.bounding_box()["height"] <= 900
    for question in ("Is it improving?", "Why?", "What to do", "Who answered"):
        assert summary.get_by_text(question, exact=True).is_visible()
    answered = page.locator("#summary-answered").inner_text()
    assert "12 on paper" in answered
    assert "paper and open-link answers use no code" in answered
    # One chart of eight small multiples on a shared axis, each panel with its own text alternative.
    assert page.locator("#factor-multiples .multiple").count() == 8
    assert page.locator("#factor-multiples svg[role=img]").count() == 8
    axe_check(page, label="neighbourhood at 1280 px")
    page.emulate_media(media="print")
    axe_check(page, label="neighbourhood in print")


def test_the_page_at_320_pixels(live_server, phone, world):
    log_in(phone, live_server, "officer.pages")
    phone.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["seacroft"].pk]))
    no_sideways_scroll(phone)
    assert phone.locator("#summary-verdict").is_visible()
    axe_check(phone, label="neighbourhood at 320 px")


def test_the_pair_page_leads_with_which_did_better(live_server, page, world):
    log_in(page, live_server, "officer.pages")
    page.goto(live_server.url + reverse("indicators:matched-pair-detail", args=[world["leeds_pair"].pk]))
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    summary = page.locator(".place-summary")
    assert summary.bounding_box()["y"] + summary.bounding_box()["height"] <= 900
    assert "difference in differences" in page.locator("#pair-summary").inner_text()
    # Seacroft's figures are all withheld: the chart says why it draws nothing.
    assert page.get_by_text("No factor can be compared yet").is_visible()
    axe_check(page, label="matched pair at 1280 px")
    page.emulate_media(media="print")
    axe_check(page, label="matched pair in print")


def test_the_deprivation_domains_beside_the_factors_at_1280_and_320_pixels(live_server, page, phone, world, tmp_path):
    from tests.indicators.monitoring.test_neighbourhood_domains import HAREHILLS, load_domains

    load_domains(list(world["harehills"].small_areas.order_by("code")), HAREHILLS)
    url = live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk])
    for browser_page, width in ((page, 1280), (phone, 320)):
        log_in(browser_page, live_server, "officer.pages")
        browser_page.goto(url)
        housing = browser_page.locator("#domains-housing")
        assert housing.is_visible()
        assert "Crime: 1 of its 2 small areas" in housing.inner_text()
        assert browser_page.locator("#domains-work").is_visible()
        assert browser_page.locator("#domains + p + .table-wrap, #domains ~ *").count() > 0
        no_sideways_scroll(browser_page)
        housing.scroll_into_view_if_needed()
        browser_page.screenshot(path=str(tmp_path / f"neighbourhood-domains-{width}.png"), full_page=True)
        axe_check(browser_page, label=f"neighbourhood with domains at {width} px")
