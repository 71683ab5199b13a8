"""The maps in a real browser, under the strict CSP: drawn, linked, accessible, readable at 320 px."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.browser.test_pages_monitoring import log_in
from tests.indicators.monitoring.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _square(i: int, size: float = 0.01) -> dict:
    lon, lat = -1.55 + (i % 4) * size, 53.80 + (i // 4) * size
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    # Outlines for every small area: each authority's areas side by side in a grid.
    for la in (world["harehills"].local_authority, world["anfield"].local_authority):
        for i, area in enumerate(la.small_areas.order_by("code")):
            area.boundary = _square(i)
            area.save(update_fields=["boundary"])
    return world


def _csp_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_my_neighbourhoods_map_links_each_neighbourhood(live_server, page, world):
    errors = _csp_errors(page)
    log_in(page, live_server, "officer.pages")
    page.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    figure = page.locator("figure.chart-area-map")
    assert figure.count() == 1
    links = figure.locator("svg a")
    assert links.count() == 2  # Harehills and Seacroft, the officer's
    names = sorted(links.nth(i).get_attribute("aria-label") for i in range(2))
    assert names[0].startswith("Harehills")
    assert names[1].startswith("Seacroft")
    assert figure.locator("desc").text_content().startswith("2 neighbourhoods:")
    links.first.click()
    assert "/places/neighbourhoods/" in page.url
    assert not [e for e in errors if "Content Security Policy" in e]
    page.goto(live_server.url + reverse("indicators:my-neighbourhoods"))
    axe_check(page, label="my neighbourhoods with its map")


def test_a_neighbourhood_map_at_320_pixels(live_server, phone, world):
    errors = _csp_errors(phone)
    log_in(phone, live_server, "officer.pages")
    phone.goto(live_server.url + reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]))
    figure = phone.locator("figure.chart-area-map")
    assert figure.locator("svg[role=img]").is_visible()
    assert figure.locator("svg text").count() == 2  # each small area's decile, written on it
    figure.locator("summary").click()
    assert figure.locator("table tbody tr").count() == 2
    no_sideways_scroll(phone)
    axe_check(phone, label="neighbourhood map at 320 px")
    assert not [e for e in errors if "Content Security Policy" in e]
