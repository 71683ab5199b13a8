"""Schemathesis against /api/schema/: every operation, a few generated examples each, in-process
against the WSGI app, signed in as an admin. No 5xx, and every response matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from tests.indicators.accounts.factories import api_token
from tests.indicators.monitoring.world import build_world
from tests.surveys.factories import codes_for, wave_factory

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


# Served by the app itself (the schema view needs no database), requests then go to the same WSGI app.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def _keep_the_test_connection():
    """Requests go straight to the WSGI app, not through Django's test client, so switch off what the test
    client switches off: closing the database connection (and with it the test's transaction) per request."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(db, _keep_the_test_connection):
    world = build_world()
    codes_for(wave_factory(neighbourhoods=[world["harehills"]]), count=3)
    return api_token(world["admin"]).secret


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_to_its_schema(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Token {admin_token}"}, checks=CHECKS)
