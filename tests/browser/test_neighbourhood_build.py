"""Building a neighbourhood in a real browser, at 1280 and 320 px: list, tick, check, save; axe on each step; and
the imports page's form for areas."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from indicators.access.models import Role
from indicators.places.models import Deprivation, Neighbourhood, SmallArea
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import LocalAuthorityFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("REBALANCE_SCREENSHOTS", "")


def _world():
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    for i in range(6):
        area = SmallArea.objects.create(
            code=f"E0101100{i}",
            name=f"Leeds 11{i}A",
            kind="lsoa11",
            local_authority=leeds,
            latitude=53.8,
            longitude=-1.5,
        )
        Deprivation.objects.create(small_area=area, edition="iod2019", rank=10 + i, decile=1 + i // 2)
    return leeds


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_an_admin_builds_a_neighbourhood_without_javascript_errors_or_axe_violations(live_server, page, request):
    leeds = _world()
    admin = staff(Role.ADMIN)
    log_in(page, live_server, admin.username, "correct-horse-battery")
    size = request.node.callspec.params["page"]
    page.goto(live_server.url + reverse("indicators:neighbourhood-build"))
    axe_check(page, label="build: choose authority")
    page.locator("#id_local_authority").select_option(str(leeds.pk))
    page.locator("#id_max_decile").select_option("2")
    page.get_by_role("button", name="List the areas").click()
    axe_check(page, label="build: areas listed")
    no_sideways_scroll(page)
    page.locator("#id_name").fill("Leeds 110")
    page.locator("#id_known_as").fill("Harehills")
    page.get_by_role("button", name="Check").click()
    assert "Choose at least one area" in page.locator(".error-summary").inner_text()
    axe_check(page, label="build: errors")
    _shot(page, f"build-errors-{request.node.callspec.params['page']}")
    page.get_by_label("Leeds 110A (E01011000), decile 1").check()
    page.locator("#id_codes").fill("E01011003")
    page.get_by_role("button", name="Check").click()
    assert "2 areas in Leeds, all LSOAs (2011 boundaries)" in page.locator(".build-preview").inner_text()
    axe_check(page, label="build: preview")
    no_sideways_scroll(page)
    _shot(page, f"build-preview-{size}")
    page.get_by_role("button", name="Save the neighbourhood").click()
    page.wait_for_url(lambda url: "/build/" not in url)
    assert Neighbourhood.objects.get().small_areas.count() == 2
    # Areas come in from the imports page too.
    page.goto(live_server.url + reverse("indicators:areas-upload"))
    axe_check(page, label="import areas")
    no_sideways_scroll(page)
    _shot(page, f"areas-upload-{size}")
