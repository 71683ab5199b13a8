"""The "API tokens" page in Chromium: the way to the second factor, create (shown once), revoke; axe passes at
1280 and 320 px and nothing spills sideways. SCREENSHOT_DIR=… keeps the screenshots."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.models import Role
from indicators.accounts.models import ApiToken
from indicators.audit.models import Action, AuditEntry
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_create_and_revoke_a_token_in_the_browser(live_server, page):
    officer = staff(Role.OFFICER)
    width = page.viewport_size["width"]
    log_in(page, live_server, officer.username, "correct-horse-battery")
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/accounts/api-tokens/")
    # No second factor yet in this session: the page says so and offers the way there.
    assert page.get_by_text("Set up two-factor authentication before you create an API token.").is_visible()
    axe_check(page, label="API tokens, second factor needed")
    page.get_by_role("link", name="Continue to two-factor authentication").click()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    page.fill("#id_token", f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_url("**/accounts/api-tokens/")

    page.get_by_role("button", name="Create the token").click()
    assert page.locator(".error-summary").is_visible()
    axe_check(page, label="API tokens, error")
    page.get_by_label("Name").fill("Nightly figures script")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create the token").click()
    secret = page.locator("#new-token").input_value()
    assert secret.startswith("rb_")
    assert ApiToken.objects.get().digest != secret
    axe_check(page, label="API tokens, new token shown")
    no_sideways_scroll(page)
    _shot(page, f"api-tokens-created-{width}.png")

    page.goto(live_server.url + reverse("api-tokens"))
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke the token Nightly figures script").click()
    assert page.get_by_text("Token revoked").is_visible()
    assert page.locator(".token-list .tag-bad").inner_text() == "revoked"
    axe_check(page, label="API tokens, revoked")
    no_sideways_scroll(page)
    _shot(page, f"api-tokens-revoked-{width}.png")
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEntry.objects.filter(object_type="accounts.apitoken", action=Action.ADD).count() == 1
    assert AuditEntry.objects.filter(object_type="accounts.apitoken", action=Action.CHANGE).count() == 1
