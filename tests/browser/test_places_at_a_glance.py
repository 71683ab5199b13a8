"""My neighbourhoods as a new officer or estate manager uses it: from /places/ alone, by what is visible on screen,
which neighbourhoods are falling behind and the weakest factor of each; every factor in view at 1280 px; cards at
320 px; axe-core at both widths and in print."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.browser.conftest import log_in as sign_in
from tests.indicators.monitoring.glance_world import PASSWORD, WEAKEST, build_glance_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHORT_LABELS = ["Housing", "Retention", "Work link", "Outlook", "Confidence", "Aspiration", "Leadership", "Travel"]


@pytest.fixture
def world(transactional_db):
    return build_glance_world()


def log_in(page, live_server, username: str) -> None:
    sign_in(page, live_server, username, PASSWORD)


def visible_text(locator) -> str:
    assert locator.is_visible(), locator
    return locator.inner_text().strip()


def falling_behind_as_read(page) -> dict[str, str]:
    """Follow the summary's 'Falling behind' link, then read each row's name and its first main concern, using
    only what is visible on the screen."""
    page.locator(".verdict-counts a", has_text="Falling behind").click()
    page.wait_for_url("**status=falling_behind**")
    found = {}
    for row in page.locator("#table-neighbourhoods tbody tr").all():
        assert visible_text(row.locator(".glance-verdict .tag")) == "Falling behind"
        concerns = row.locator(".concern")
        found[visible_text(row.locator("th a"))] = visible_text(concerns.first)
    return found


def test_an_officer_finds_who_is_falling_behind_and_why_at_1280(live_server, page, world):
    log_in(page, live_server, "officer.leeds")
    page.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    # The first row is the one furthest behind, and says so in words with a signed change and the period.
    first = page.locator("#table-neighbourhoods tbody tr").first
    assert visible_text(first.locator("th a")) == "Swarcliffe (Leeds 041)"
    assert "worklessness +3.00 points since January 2020 (similar areas +" in visible_text(
        first.locator(".glance-verdict")
    )

    # Everything in view: no sideways scroll, and each of the eight factors' names inside the window.
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    headings = page.locator("#table-neighbourhoods thead th.glance-factor")
    assert headings.all_inner_texts() == SHORT_LABELS
    width = page.evaluate("innerWidth")
    for heading in headings.all():
        box = heading.bounding_box()
        assert heading.is_visible()
        assert box["x"] >= 0, heading.inner_text()
        assert box["x"] + box["width"] <= width, heading.inner_text()
    # The key says what the short names stand for, and what each family of symbols means.
    key = visible_text(page.locator(".glance-key"))
    assert "Housing, crime and grime" in key
    assert "Since the last wave" in key
    assert "Against everyone surveyed in the wave" in key
    axe_check(page, label="my neighbourhoods at 1280 px")
    page.emulate_media(media="print")
    axe_check(page, label="my neighbourhoods in print")
    assert page.locator("#table-neighbourhoods thead th.glance-factor").evaluate_all(
        "cells => cells.every(c => c.getBoundingClientRect().width > 0)"
    )
    page.emulate_media(media="screen")

    leeds = {name: concern for name, concern in WEAKEST.items() if "Leeds" in name}
    assert falling_behind_as_read(page) == leeds


def test_an_estate_manager_finds_theirs_and_the_page_is_cards_at_320(live_server, phone, world):
    log_in(phone, live_server, "manager.liverpool")
    phone.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    no_sideways_scroll(phone)
    names = phone.locator("#table-neighbourhoods tbody th a").all_inner_texts()
    assert sorted(names) == ["Anfield (Liverpool 010)", "Everton (Liverpool 022)"]
    # A card: the factors' short names sit beside their scores, one card a neighbourhood.
    card = phone.locator("#table-neighbourhoods tbody tr").first
    assert card.evaluate("row => getComputedStyle(row).display") == "grid"
    assert visible_text(card.locator(".glance-factor .glance-label").first) == "Housing"
    axe_check(phone, label="my neighbourhoods at 320 px")
    liverpool = {name: concern for name, concern in WEAKEST.items() if "Liverpool" in name}
    assert falling_behind_as_read(phone) == liverpool
    axe_check(phone, label="my neighbourhoods, falling behind only, at 320 px")


def test_the_league_and_pairs_pass_axe_at_both_widths(live_server, page, phone, world):
    for tab in (page, phone):
        log_in(tab, live_server, "officer.leeds")
        tab.goto(live_server.url + reverse("indicators:league") + "?area=la:E08000035")
        no_sideways_scroll(tab)
        sentence = visible_text(tab.locator("#league-sentence"))
        assert "deprived LSOAs in Leeds" in sentence
        assert "January" in sentence  # the period is part of the sentence
        names = tab.locator("#table-league-neighbourhoods tbody th a").all_inner_texts()
        assert names[0] == "Swarcliffe (Leeds 041)"  # furthest behind first, by the name people use
        axe_check(tab, label=f"league at {tab.viewport_size['width']} px")
        tab.goto(live_server.url + reverse("indicators:matched-pair-list"))
        axe_check(tab, label=f"matched pairs at {tab.viewport_size['width']} px")
