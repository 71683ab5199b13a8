"""Playwright on the machine's Chromium, against pytest-django's live_server.

Reusable by every browser test:
- ``browser``: one Chromium for the whole session (skips, or fails under
  REQUIRE_SERVICES=1, when Chromium or Playwright is missing);
- ``page``: a fresh page; ask for a phone with ``@pytest.mark.parametrize("page", ["phone"], indirect=True)``
  or use the ``phone`` fixture (320×640);
- ``axe_check(page)``: runs axe-core with the WCAG 2.0/2.1/2.2 A and AA rules and fails with its report.

Tests using them are marked ``browser`` and ``django_db(transaction=True)`` and use ``live_server``.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import CHROMIUM, REQUIRE_SERVICES, _browser_missing

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


@pytest.fixture(scope="session")
def browser():
    reason = _browser_missing()
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but the browser tests {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(request, browser):
    size = PHONE if getattr(request, "param", "desktop") == "phone" else DESKTOP
    context = browser.new_context(viewport=size)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def axe_check(page, *, label: str = "") -> None:
    """Fail with axe-core's report when the page has any WCAG 2.x A or AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, f"{label or page.url}\n{results.generate_report()}"


def no_sideways_scroll(page) -> None:
    """At the page's width nothing overflows sideways (WCAG 1.4.10 reflow)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def log_in(page, live_server, username: str, password: str) -> None:
    """Sign in through the real form and wait until the site has moved on from it."""
    from django.urls import reverse

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit], main input[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
