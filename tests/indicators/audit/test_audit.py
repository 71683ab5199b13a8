"""The audit log: who viewed, exported, imported or changed what; kept apart from the data; append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from indicators.audit.models import Action, AuditEntry
from indicators.audit.services import audit_prune, audit_record, audit_retention_apply
from indicators.audit.tasks import apply_retention
from indicators.official.models import Indicator
from indicators.places.models import MatchedPair
from tests.indicators.monitoring.world import build_world
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas
from tests.surveys.factories import codes_for, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def test_the_log_has_no_foreign_keys_into_the_data():
    relations = [
        f.name for f in AuditEntry._meta.get_fields() if isinstance(f, models.ForeignObjectRel | models.ForeignKey)
    ]
    assert relations == []
    assert [f for f in AuditEntry._meta.get_fields() if f.is_relation] == []


def test_an_entry_outlives_what_it_names(world):
    pair = world["leeds_pair"]
    audit_record(actor=world["admin"], action=Action.VIEW, object_type="indicators.matchedpair", object_id=pair.pk)
    MatchedPair.objects.filter(pk=pair.pk).delete()
    world["admin"].delete()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.object_id) == ("admin.pages", str(pair.pk))


def test_views_and_exports_by_staff_are_recorded(client, world):
    client.force_login(world["officer"])
    harehills = world["harehills"]
    assert client.get(reverse("indicators:neighbourhood-detail", args=[harehills.pk])).status_code == 200
    assert client.get(reverse("indicators:neighbourhood-export", args=[harehills.pk, "csv"])).status_code == 200
    assert client.get(reverse("indicators:my-neighbourhoods-export", args=["xlsx"])).status_code == 200
    wave = world["waves"][1]
    assert client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"]) + "?sort=1").status_code == 200
    got = list(AuditEntry.objects.order_by("id").values_list("actor", "action", "object_type", "object_id"))
    assert got == [
        ("officer.pages", "view", "indicators:neighbourhood-detail", str(harehills.pk)),
        ("officer.pages", "export", "indicators:neighbourhood-export", str(harehills.pk)),
        ("officer.pages", "export", "indicators:my-neighbourhoods-export", ""),
        ("officer.pages", "export", "surveys:wave-export", str(wave.pk)),
    ]
    assert AuditEntry.objects.order_by("id").last().detail["query"] == "sort=1"


def test_refused_requests_are_recorded_as_refused_not_as_views_and_residents_never(client, world):
    client.force_login(world["officer"])
    assert client.get(reverse("indicators:neighbourhood-detail", args=[world["anfield"].pk])).status_code == 404
    client.logout()
    code = codes_for(wave_factory(neighbourhoods=[world["harehills"]]))[0]
    client.post(reverse("surveys:start"), {"code": code})
    client.get(reverse("surveys:page", args=[1]))
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [Action.DENIED]


def test_staff_changes_and_api_object_reads_are_recorded(client, world):
    client.force_login(world["officer"])
    wave = wave_factory(neighbourhoods=[world["harehills"]])
    client.post(reverse("surveys:wave-codes", args=[wave.pk]), {"count": 2, "neighbourhood": world["harehills"].pk})
    client.get(f"/api/v1/neighbourhoods/{world['harehills'].pk}/")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "object_type"))
    assert actions == [("change", "surveys:wave-codes"), ("view", "v1:neighbourhood-detail")]


def test_an_import_is_recorded_with_its_file(client, world, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    city_of_london_lsoas()
    client.force_login(world["admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/places/imports/upload/",
            {
                "file": SimpleUploadedFile("claimants.csv", CLAIMANTS_EXCEL.read_bytes()),
                "indicator": Indicator.objects.get(slug="claimant-count").pk,
                "format": "nomis",
            },
        )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=Action.IMPORT)
    assert (entry.actor, entry.object_type, entry.summary) == ("admin.pages", "indicators.import", "claimants.csv")
    assert not AuditEntry.objects.filter(object_type="indicators:import-upload").exists()


def test_admin_changes_and_deletions_are_recorded_and_the_log_is_read_only_there(client, world):
    client.force_login(world["admin"])
    seacroft = world["seacroft"]
    page = client.get(f"/admin/indicators/neighbourhood/{seacroft.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update({"name": "Seacroft North", "local_authority": seacroft.local_authority_id})
    for name, value in form.initial.items():
        if isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
    response = client.post(f"/admin/indicators/neighbourhood/{seacroft.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    change = AuditEntry.objects.get(action=Action.CHANGE)
    assert (change.actor, change.object_type, change.object_id) == (
        "admin.pages",
        "indicators.neighbourhood",
        str(seacroft.pk),
    )

    listing = client.get("/admin/audit/auditentry/")
    assert listing.status_code == 200
    assert "Seacroft North" in listing.content.decode()
    entry = AuditEntry.objects.first()
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    client.force_login(world["officer"])
    assert client.get("/admin/audit/auditentry/").status_code == 302


@pytest.mark.postgres
def test_postgres_refuses_to_change_or_delete_entries_except_the_prune():
    old = audit_record(action=Action.VIEW, object_type="x", object_id=1)
    new = audit_record(action=Action.VIEW, object_type="x", object_id=2)
    for statement in ("UPDATE audit_auditentry SET actor = 'someone'", "DELETE FROM audit_auditentry"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=old.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(
            "UPDATE audit_auditentry SET at = %s WHERE id = %s", [timezone.now() - dt.timedelta(days=800), old.pk]
        )
        cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")
    assert audit_prune(older_than=dt.timedelta(days=730)) == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [new.pk]


def test_residents_requests_never_load_a_user(rf):
    from django.http import HttpResponse
    from django.urls import resolve
    from django.utils.functional import SimpleLazyObject

    from indicators.audit.middleware import AuditMiddleware

    url = reverse("v1:response-submit")
    request = rf.post(url)
    request.resolver_match = resolve(url)
    request.user = SimpleLazyObject(lambda: pytest.fail("the user was loaded"))
    assert AuditMiddleware(lambda _request: HttpResponse(status=201))(request).status_code == 201
    assert not AuditEntry.objects.exists()


def test_old_audit_entries_are_pruned_by_the_logs_own_nightly_job(settings):
    settings.AUDIT_RETAIN_DAYS = 0
    AuditEntry.objects.create(action=Action.VIEW, object_type="x")
    assert audit_retention_apply()["audit_entries_pruned"] == 1
    run = AuditEntry.objects.get(action=Action.RETENTION)
    assert run.detail["periods_days"] == {"audit": 0}
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audit.apply_retention" in tasks
    # The run's own entry is younger than a day; with the usual period nothing more goes.
    settings.AUDIT_RETAIN_DAYS = 730
    assert apply_retention.delay().get() == {"audit_entries_pruned": 0}
