"""Security settings: headers on every response, production's cookies and HSTS, and where 2FA is on."""

from __future__ import annotations

import json

import pytest

from tests.config.test_settings import _run

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "test-only-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
    "DJANGO_ALLOWED_HOSTS": "rebalance.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "SURVEY_PUBLIC_URL": "https://rebalance.example.org",
}
SECURITY_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'2fa': s.REBALANCE_REQUIRE_2FA, 'session_secure': s.SESSION_COOKIE_SECURE, "
    "'csrf_secure': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS, 'ssl': s.SECURE_SSL_REDIRECT, "
    "'age': s.SESSION_COOKIE_AGE, 'validators': [v['NAME'].rsplit('.', 1)[1] for v in s.AUTH_PASSWORD_VALIDATORS]}))"
)


def _security(settings: str, **env) -> dict:
    result = _run(settings, SECURITY_PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_has_secure_cookies_hsts_and_two_factor():
    found = _security("config.settings.production", **PRODUCTION_ENV)
    assert found["2fa"] is True
    assert found["session_secure"]
    assert found["csrf_secure"]
    assert found["ssl"]
    assert found["hsts"] >= 60 * 60 * 24 * 365
    assert found["age"] <= 8 * 60 * 60
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "NumericPasswordValidator"} <= set(found["validators"])


def test_two_factor_is_off_for_the_demo_and_can_be_switched():
    assert _security("config.settings.local")["2fa"] is False
    assert _security("config.settings.local", REBALANCE_REQUIRE_2FA="1")["2fa"] is True
    assert _security("config.settings.production", REBALANCE_REQUIRE_2FA="0", **PRODUCTION_ENV)["2fa"] is False


def test_deploy_check_passes_on_production_settings():
    result = _run(
        "config.settings.production",
        "import django, sys; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')",
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/survey/", "/accounts/login/", "/api/schema/"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
