"""The help and error pages in a real browser: axe-core at 1280 and 320 px, no sideways scroll, and the ways back
lead somewhere. Screenshots go to $HELP_SHOTS when it is set, to look at."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from indicators.access.models import Role
from tests.browser.conftest import axe_check, no_sideways_scroll
from tests.factories import staff
from tests.surveys.factories import wave_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("HELP_SHOTS", "")


def _sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _check(page, name: str) -> None:
    axe_check(page, label=name)
    no_sideways_scroll(page)
    page.emulate_media(media="print")
    axe_check(page, label=f"{name} (print)")
    page.emulate_media(media="screen")
    if SHOTS:
        width = page.viewport_size["width"]
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_public_help_and_error_pages(live_server, page):
    page.goto(live_server.url + reverse("glossary"))
    _check(page, "glossary")
    page.goto(live_server.url + reverse("glossary") + "#imd-decile")
    assert page.locator("#imd-decile h2").is_visible()
    page.goto(live_server.url + reverse("accessibility"))
    _check(page, "accessibility")
    response = page.goto(live_server.url + "/places/no-such-page/")
    assert response.status == 404
    _check(page, "404")
    page.get_by_role("link", name="Sign in").first.click()
    assert "/accounts/login/" in page.url


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_staff_dead_ends_are_explained(live_server, page):
    wave = wave_factory(open_link=True)
    staff(Role.ESTATE_MANAGER, username="manager", neighbourhoods=list(wave.neighbourhoods.all()))
    _sign_in(page, live_server, "manager")
    response = page.goto(live_server.url + reverse("indicators:import-list"))
    assert response.status == 403
    assert page.get_by_text("Only admins may see and run imports.").is_visible()
    _check(page, "403")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    response = page.goto(live_server.url + "/admin/")
    assert response.status == 403
    _check(page, "admin-not-allowed")
    page.get_by_role("link", name="My neighbourhoods").last.click()
    assert page.url.endswith(reverse("indicators:my-neighbourhoods"))
    page.goto(live_server.url + reverse("surveys:wave-detail", args=[wave.pk]))
    _check(page, "wave-detail")
    page.locator("details.term-help summary").click()
    assert page.locator("details.term-help dd", has_text="The code printed on a resident's letter").is_visible()
    page.locator("a.term").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/help/glossary/#invitation-code")
    assert page.locator("#invitation-code h2").is_visible()
    page.go_back()
    start = page.locator("a.url").first
    assert start.inner_text().startswith("http://")
    start.click()
    assert f"/survey/w/{wave.slug}/" in page.url
