"""Every kind of page in a real browser under the Content Security Policy: not one violation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from surveys.models import Wave
from tests.browser.conftest import axe_check
from tests.indicators.monitoring.world import PASSWORD, build_world
from tests.surveys.factories import codes_for, wave_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LISTEN = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


@pytest.fixture
def watched(page):
    """A page that records every CSP violation, from the event and from the console."""
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script(LISTEN)
    page.csp_console = console
    return page


def _visit(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("load")
    found = page.evaluate("window.__csp || []")
    found += [text[:300] for text in page.csp_console]
    page.csp_console.clear()
    return found


def _sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_load_state("load")


def test_no_page_breaks_the_policy(live_server, watched):
    world = build_world()
    wave = wave_factory(name="CSP wave")
    code = codes_for(wave)[0]
    w2 = world["waves"][1]
    pair = world["leeds_pair"]
    problems: dict[str, list[str]] = {}

    def check(path: str) -> None:
        found = _visit(watched, live_server.url + path)
        if found:
            problems[path] = found

    # Residents
    for path in (reverse("home"), reverse("login"), reverse("surveys:privacy"), reverse("surveys:start")):
        check(path)
        axe_check(watched, label=path)
    watched.goto(live_server.url + reverse("surveys:start"))
    watched.fill("input[name=code]", code)
    watched.locator("main button[type=submit]").first.click()
    watched.wait_for_load_state("load")
    check(reverse("surveys:page", args=[1]))
    check(reverse("surveys:check"))
    watched.context.clear_cookies()

    # Staff, as an admin who can see everything
    _sign_in(watched, live_server, "admin.pages")
    assert Wave.objects.filter(pk=w2.pk).exists()
    for path in (
        reverse("indicators:my-neighbourhoods"),
        reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk]),
        reverse("indicators:matched-pair-list"),
        reverse("indicators:matched-pair-detail", args=[pair.pk]),
        reverse("indicators:league"),
        reverse("indicators:import-list"),
        reverse("indicators:import-upload"),
        reverse("surveys:wave-list"),
        reverse("surveys:wave-new"),
        reverse("surveys:wave-detail", args=[w2.pk]),
        reverse("surveys:paper", args=[w2.pk]),
        "/admin/",
        "/admin/audit/auditentry/",
        f"/admin/auth/user/{world['officer'].pk}/change/",
        "/api/v1/neighbourhoods/",
        reverse("api-docs"),
    ):
        check(path)
    # The API docs still work with their script and style moved out.
    watched.wait_for_selector(".swagger-ui .info .title")
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())


def test_the_two_factor_pages_keep_the_policy(live_server, watched, settings):
    settings.REBALANCE_REQUIRE_2FA = True
    build_world()
    _sign_in(watched, live_server, "officer.pages")
    assert "/accounts/two-factor/enrol/" in watched.url
    assert watched.locator("img[alt^='QR code']").evaluate("img => img.naturalWidth") > 0
    found = _visit(watched, watched.url)
    assert not found, found
