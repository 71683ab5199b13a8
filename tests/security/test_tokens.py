"""API tokens under attack: guessing from one address is cut off with 429s (on the real Redis cache) while other
addresses carry on; and the "API tokens" page, in a real browser, creates and revokes with axe passing."""

from __future__ import annotations

import os
import secrets
import uuid

import pytest
from django.core.cache import caches
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.models import Role
from indicators.accounts.models import ApiToken
from indicators.audit.models import Action, AuditEntry

# The browser fixtures live in tests/browser/conftest.py; this module uses them here, beside the other token tests.
from tests.browser.conftest import axe_check, browser, log_in, no_sideways_scroll, page  # noqa: F401
from tests.factories import staff
from tests.indicators.accounts.factories import api_token

URL = "/api/v1/neighbourhoods/"
GUESSER, NEIGHBOUR = "203.0.113.7", "203.0.113.8"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
            "KEY_PREFIX": f"test-tokens-{uuid.uuid4().hex[:8]}",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    cache = caches["default"]
    yield cache
    cache.delete_pattern("*")


def _get(client, secret, address):
    return client.get(URL, HTTP_AUTHORIZATION=f"Token {secret}", REMOTE_ADDR=address)


@pytest.mark.redis
@pytest.mark.django_db
def test_a_burst_of_random_tokens_gets_429_and_other_addresses_still_work(client, settings, redis_cache):
    settings.ACCOUNTS_API_TOKEN_FAILURES = "10/900"
    good = api_token(staff(Role.OFFICER)).secret
    # Successful uses count nothing: many of them, then the guesser's full allowance of failures.
    for _ in range(15):
        assert _get(client, good, GUESSER).status_code == 200
    answers = [_get(client, f"rb_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}", GUESSER) for _ in range(40)]
    assert [r.status_code for r in answers[:10]] == [403] * 10
    assert {r.status_code for r in answers[10:]} == {429}
    assert int(answers[-1]["Retry-After"]) == 900
    assert "Too many failed token attempts" in answers[-1].json()["detail"]
    # While it is held back even a right token from that address is refused, or guessing could go on.
    assert _get(client, good, GUESSER).status_code == 429
    # Another address is untouched: its right token works and its wrong one is a plain 403.
    assert _get(client, good, NEIGHBOUR).status_code == 200
    assert _get(client, "rb_00000000_wrong", NEIGHBOUR).status_code == 403
    # The count lives in Redis under a hash, never the address.
    assert all(GUESSER not in key for key in redis_cache.keys("*"))


@pytest.mark.redis
@pytest.mark.django_db
def test_the_limit_holds_across_web_processes_sharing_redis(client, settings, redis_cache):
    """The count is in Redis, not in the process: a second client (another worker) sees it."""
    from django.test import Client

    settings.ACCOUNTS_API_TOKEN_FAILURES = "3/900"
    for _ in range(3):
        assert _get(client, "rb_00000000_wrong", GUESSER).status_code == 403
    assert _get(Client(), "rb_00000000_wrong", GUESSER).status_code == 429


# --- The page in a real browser ----------------------------------------------------------------------------------


def _shot(tab, name):
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        tab.screenshot(path=os.path.join(folder, name), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_create_and_revoke_a_token_in_the_browser(live_server, page):  # noqa: F811
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
