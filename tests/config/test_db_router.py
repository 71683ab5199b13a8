"""The read replica's router, against two real PostgreSQL databases: the test database and a second one standing
in for the replica. Nothing replicates between them, so a row that differs says which one a read went to."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import JsonResponse
from django.test import RequestFactory, override_settings

from config.db.router import PIN_COOKIE, ReplicaMiddleware
from indicators.access.models import Role, StaffProfile
from indicators.audit.models import AuditEntry
from indicators.audit.services import audit_record
from indicators.places.models import LocalAuthority, Neighbourhood, Region
from tests.factories import MatchedPairFactory, NeighbourhoodFactory, staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(databases=["default", "replica"], transaction=True)]

ROUTED = override_settings(
    DATABASE_ROUTERS=["config.db.router.ReplicaRouter"],
    MIDDLEWARE=["config.db.router.ReplicaMiddleware", *settings.MIDDLEWARE],
)


@pytest.fixture
def place():
    """One neighbourhood, named differently on the primary and on the 'replica'."""
    neighbourhood = NeighbourhoodFactory(name="On the primary")
    copy_to_replica(Region, LocalAuthority, Neighbourhood)
    Neighbourhood.objects.using("replica").filter(pk=neighbourhood.pk).update(name="On the replica")
    with ROUTED:
        yield neighbourhood


def copy_to_replica(*models) -> None:
    for model in models:
        model.objects.using("replica").bulk_create(list(model.objects.using("default").all()))


def read_name(pk: int) -> str:
    return Neighbourhood.objects.get(pk=pk).name


def serve(path: str, view, *, method: str = "get", cookies: dict | None = None):
    """``view`` behind the middleware, as a request for ``path`` would reach it."""
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies or {})
    response = ReplicaMiddleware(view)(request)
    response.json = lambda: json.loads(response.content)
    return response


def test_a_monitoring_page_or_api_read_goes_to_the_replica(place):
    for path in ("/places/", "/places/neighbourhoods/1/", "/api/v1/neighbourhoods/"):
        response = serve(path, lambda request: JsonResponse({"name": read_name(place.pk)}))
        assert response.json() == {"name": "On the replica"}, path
        assert PIN_COOKIE not in response.cookies


def test_every_other_read_goes_to_the_primary(place):
    seen = lambda request: JsonResponse({"name": read_name(place.pk)})  # noqa: E731
    assert serve("/survey/", seen).json() == {"name": "On the primary"}  # a resident's own answers
    assert serve("/survey/manage/", seen).json() == {"name": "On the primary"}  # staff set-up
    assert serve("/api/v1/responses/", seen, method="post").json() == {"name": "On the primary"}
    assert read_name(place.pk) == "On the primary"  # no request at all: a task or a command


def test_after_a_write_the_rest_of_the_request_and_the_browser_for_a_while_read_the_primary(place):
    def rename_then_read(request):
        before = read_name(place.pk)
        Region.objects.create(name="A staff change", slug="a-staff-change")
        return JsonResponse({"before": before, "after": read_name(place.pk)})

    response = serve("/places/", rename_then_read)
    assert response.json() == {"before": "On the replica", "after": "On the primary"}
    pinned = response.cookies[PIN_COOKIE]
    assert pinned["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
    until = int(pinned.value)

    seen = lambda request: JsonResponse({"name": read_name(place.pk)})  # noqa: E731
    # The page that follows the change, from the same browser, sees it.
    assert serve("/places/", seen, cookies={PIN_COOKIE: str(until)}).json() == {"name": "On the primary"}
    # Once the pin has run out, the replica again.
    assert serve("/places/", seen, cookies={PIN_COOKIE: str(int(time.time()) - 1)}).json() == {"name": "On the replica"}


def test_reads_inside_a_transaction_go_with_its_writes(place):
    def in_transaction(request):
        with transaction.atomic():
            return JsonResponse({"name": read_name(place.pk)})

    assert serve("/places/", in_transaction).json() == {"name": "On the primary"}


def test_an_audit_entry_pins_nothing_and_who_is_signed_in_is_read_from_the_primary(place):
    user = staff(Role.ADMIN, username="primary.admin")
    copy_to_replica(get_user_model(), StaffProfile)
    get_user_model().objects.using("replica").filter(pk=user.pk).update(username="replica.admin")

    def audited(request):
        audit_record(actor=user, action="view", object_type="neighbourhood", object_id=place.pk)
        username = get_user_model().objects.get(pk=user.pk).username
        return JsonResponse({"name": read_name(place.pk), "user": username})

    response = serve("/places/", audited)
    assert response.json() == {"name": "On the replica", "user": "primary.admin"}
    assert PIN_COOKIE not in response.cookies
    assert AuditEntry.objects.using("default").count() == 1
    assert AuditEntry.objects.using("replica").count() == 0


def test_the_api_through_the_whole_stack_reads_the_replica(place, client):
    admin = staff(Role.ADMIN, username="api.admin")
    copy_to_replica(get_user_model(), StaffProfile)
    client.force_login(admin)
    names = [row["name"] for row in client.get("/api/v1/neighbourhoods/").json()["results"]]
    assert names == ["On the replica"]
    # The resident-facing and staff pages are not routed: the neighbourhood's own page in the admin reads the primary.
    page = client.get(f"/admin/indicators/neighbourhood/{place.pk}/change/")
    assert page.status_code == 200
    assert "On the primary" in page.text


@override_settings(REBALANCE_PAGE_STATE_SECONDS=0)
def test_the_pages_cache_keys_come_from_the_replica_so_they_never_run_ahead_of_its_figures(place):
    from indicators.monitoring.state import setup_state

    before = setup_state()
    MatchedPairFactory(first=place, second=NeighbourhoodFactory(local_authority=place.local_authority))  # primary only
    assert setup_state() == before  # the replica has not got the pair yet: pages keep their keys
    with override_settings(DATABASE_ROUTERS=[]):
        assert setup_state() != before  # without a replica, the key moves with the primary
