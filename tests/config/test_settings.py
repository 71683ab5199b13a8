"""Both ways of running: the embedded default and production-like, from the environment alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG, "
    "'deprived': s.REBALANCE_DEPRIVED_MAX_DECILE, 'disclosure': s.REBALANCE_DISCLOSURE_MIN_RESPONSES}))"
)
# What the surrounding test run may have set; the probes start from a clean slate.
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "SURVEY_PUBLIC_URL",
)


def _run(settings: str, code: str = PROBE, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS and not k.startswith("REBALANCE_")}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, check=False
    )


def _probe(settings: str, **env: str) -> dict:
    result = _run(settings, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_needs_nothing_set():
    found = _probe("config.settings.local")
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["cache"].endswith("LocMemCache")
    assert found["eager"] is True
    assert found["broker"] == "memory://"
    assert (found["deprived"], found["disclosure"]) == (1, 10)


def test_services_come_from_the_environment():
    found = _probe(
        "config.settings.local",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/rebalance",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert found["engine"] == "config.db.postgresql"  # Django's, with a cheaper health check
    assert found["cache"] == "django_redis.cache.RedisCache"
    assert found["eager"] is False
    assert found["broker"] == "redis://127.0.0.1:6379/0"


PRODUCTION_NEEDS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/rebalance",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DJANGO_SECRET_KEY": "x" * 60,
    "DJANGO_ALLOWED_HOSTS": "rebalance.example.org",
    "SURVEY_PUBLIC_URL": "https://rebalance.example.org",
}


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "SURVEY_PUBLIC_URL"])
def test_production_refuses_to_start_without_what_it_needs(missing):
    result = _run("config.settings.production", **{k: v for k, v in PRODUCTION_NEEDS.items() if k != missing})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize("url", ["http://rebalance.example.org", "https://", "rebalance.example.org"])
def test_production_refuses_to_start_without_an_https_survey_address(url):
    result = _run("config.settings.production", **{**PRODUCTION_NEEDS, "SURVEY_PUBLIC_URL": url})
    assert result.returncode != 0
    assert "SURVEY_PUBLIC_URL must be set in production to the site's public address, starting with https://" in (
        result.stderr
    )


LETTER_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SURVEY_PUBLIC_URL, s.REBALANCE_LETTER_CONTACT, s.REBALANCE_LETTER_HELPLINE]))"
)


def test_letters_print_examples_only_outside_production():
    local = json.loads(_run("config.settings.local", LETTER_PROBE).stdout)
    assert local[1].startswith("Example only:")
    assert local[2].startswith("Example only:")
    production = _run(
        "config.settings.production", LETTER_PROBE, **PRODUCTION_NEEDS, REBALANCE_LETTER_HELPLINE="0113 222 4400"
    )
    assert production.returncode == 0, production.stderr
    assert json.loads(production.stdout) == ["https://rebalance.example.org", "", "0113 222 4400"]


POSTGRES = PRODUCTION_NEEDS["DATABASE_URL"]
PREPARE_PROBE = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold'))"
)


@pytest.mark.parametrize(
    ("env", "threshold"),
    [
        ({"DATABASE_URL": POSTGRES}, "2"),
        ({"DATABASE_URL": POSTGRES, "DJANGO_DB_PREPARED_STATEMENTS": "false"}, "None"),
        ({}, "None"),  # SQLite has no prepared statements to ask for
    ],
)
def test_prepared_statements_are_on_for_postgresql_unless_turned_off(env, threshold):
    result = _run("config.settings.local", code=PREPARE_PROBE, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == threshold


def test_production_passes_the_deploy_checks():
    result = _run(
        "config.settings.production",
        code="import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/rebalance",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_SECRET_KEY="a-production-secret-that-is-long-and-random-enough-9f8e7d6c5b4a",
        DJANGO_ALLOWED_HOSTS="rebalance.example.org",
        SURVEY_PUBLIC_URL="https://rebalance.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("REBALANCE_DEPRIVED_MAX_DECILE", "3", "must be 1 or 2"),
        ("REBALANCE_DISCLOSURE_MIN_RESPONSES", "4", "may not be below 5"),
    ],
)
def test_rebalance_settings_are_checked(name, value, message):
    result = _run("config.settings.local", **{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_deprived_threshold_can_be_the_most_deprived_fifth():
    assert _probe("config.settings.local", REBALANCE_DEPRIVED_MAX_DECILE="2")["deprived"] == 2
