"""What the audit middleware records beyond views and exports: refusals, API list reads, and its own failures."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from indicators.access.models import Role
from indicators.audit.models import Action, AuditEntry
from tests.factories import NeighbourhoodFactory, staff
from tests.indicators.accounts.factories import api_token
from tests.surveys.factories import wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    mine, theirs = NeighbourhoodFactory(), NeighbourhoodFactory()
    officer = staff(Role.OFFICER, username="officer.audit", neighbourhoods=[mine])
    return officer, mine, theirs


def entries(action):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_another_authoritys_ids_asked_for_on_the_web_and_the_api_are_recorded_as_refused(client, places):
    officer, _mine, theirs = places
    wave = wave_factory(neighbourhoods=[theirs])
    client.force_login(officer)
    asked = [
        reverse("indicators:neighbourhood-detail", args=[theirs.pk]),
        reverse("surveys:wave-export", args=[wave.pk, "csv"]),
        f"/api/v1/neighbourhoods/{theirs.pk}/",
        reverse("indicators:import-list"),  # a page the officer's role does not open: 403
    ]
    statuses = [client.get(url).status_code for url in asked]
    assert statuses == [404, 404, 404, 403]
    refused = entries(Action.DENIED)
    assert [(e.actor, e.object_type, e.object_id, e.detail["status"]) for e in refused] == [
        ("officer.audit", "indicators:neighbourhood-detail", str(theirs.pk), 404),
        ("officer.audit", "surveys:wave-export", str(wave.pk), 404),
        ("officer.audit", "v1:neighbourhood-detail", str(theirs.pk), 404),
        ("officer.audit", "indicators:import-list", "", 403),
    ]
    assert refused[0].detail["path"] == asked[0]
    assert refused[0].summary == "GET answered 404"
    # Nothing of it was recorded as a view or an export.
    assert not AuditEntry.objects.exclude(action=Action.DENIED).exists()


def test_nobody_signed_in_and_urls_that_match_nothing_are_not_recorded(client, places):
    _officer, _mine, theirs = places
    assert client.get(reverse("indicators:neighbourhood-detail", args=[theirs.pk])).status_code == 302
    assert client.get(f"/api/v1/neighbourhoods/{theirs.pk}/").status_code == 403
    client.force_login(places[0])
    assert client.get("/wp-login.php").status_code == 404
    assert not AuditEntry.objects.exists()


def test_api_list_reads_are_recorded_with_filters_and_rows(client, places):
    officer, mine, _theirs = places
    client.force_login(officer)
    body = client.get("/api/v1/neighbourhoods/", {"search": "x"}).json()
    assert body["count"] == 1
    client.get("/api/v1/observations/", {"indicator": "claimant-count"})
    listed = entries(Action.LIST)
    assert [(e.object_type, e.detail["query"], e.detail["rows"], e.detail["matched"]) for e in listed] == [
        ("v1:neighbourhood-list", "search=x", 1, 1),
        ("v1:observation-list", "indicator=claimant-count", 0, 0),
    ]
    assert listed[0].actor == "officer.audit"
    assert listed[0].summary == "1 rows of 1"
    # Reading one object is still a view, not a listing.
    client.get(f"/api/v1/neighbourhoods/{mine.pk}/")
    assert entries(Action.VIEW)[0].object_type == "v1:neighbourhood-detail"


def test_reads_and_refusals_with_an_api_token_are_recorded_under_its_owner(client, places):
    officer, _mine, theirs = places
    header = {"HTTP_AUTHORIZATION": f"Token {api_token(officer).secret}"}
    assert client.get("/api/v1/neighbourhoods/", {"page": 1}, **header).status_code == 200
    assert client.get(f"/api/v1/neighbourhoods/{theirs.pk}/", **header).status_code == 404
    got = [
        (e.actor, e.action, e.object_type, e.detail["query"])
        for e in AuditEntry.objects.filter(action__in=[Action.LIST, Action.DENIED]).order_by("id")
    ]
    assert got == [
        ("officer.audit", Action.LIST, "v1:neighbourhood-list", "page=1"),
        ("officer.audit", Action.DENIED, "v1:neighbourhood-detail", ""),
    ]


def test_a_wrong_one_time_code_is_recorded(client, settings):
    settings.REBALANCE_REQUIRE_2FA = True
    user = staff(Role.OFFICER, username="officer.otp", password="correct-horse-battery")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("login"), {"username": user.username, "password": "correct-horse-battery"})
    response = client.post(reverse("two-factor"), {"token": "000000"})
    assert response.status_code == 200  # the form again, with its error
    failed = entries(Action.TWO_FACTOR_FAILED)
    assert [(e.actor, e.object_type) for e in failed] == [("officer.otp", "otp_totp.totpdevice")]


def _pages_with_a_broken_audit_table(client, places, caplog):
    officer, mine, _theirs = places
    client.force_login(officer)
    with caplog.at_level(logging.ERROR, logger="indicators.audit.middleware"):
        response = client.get(reverse("indicators:neighbourhood-detail", args=[mine.pk]))
        listing = client.get("/api/v1/neighbourhoods/")
    assert (response.status_code, listing.status_code) == (200, 200)
    assert [r.getMessage() for r in caplog.records] == [
        f"Audit entry not written for GET {reverse('indicators:neighbourhood-detail', args=[mine.pk])}",
        "Audit entry not written for GET /api/v1/neighbourhoods/",
    ]


BREAK = "ALTER TABLE audit_auditentry ADD CONSTRAINT audit_broken CHECK (false) NOT VALID"


@pytest.mark.postgres
def test_when_the_entry_cannot_be_written_the_page_still_goes_out_and_the_failure_is_logged(client, places, caplog):
    with connection.cursor() as cursor:  # every insert is refused (undone with the test's transaction)
        cursor.execute(BREAK)
    _pages_with_a_broken_audit_table(client, places, caplog)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_in_autocommit_as_in_production(client, places, caplog):
    with connection.cursor() as cursor:
        cursor.execute(BREAK)
    try:
        _pages_with_a_broken_audit_table(client, places, caplog)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry DROP CONSTRAINT audit_broken")
