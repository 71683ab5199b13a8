"""import_nomis, import_tidy and fetch_nomis from the command line, and the import task."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.official.models import Import, Indicator, Observation
from indicators.official.services.import_runs import import_run, import_run_queued
from indicators.official.services.imports import import_queue
from indicators.official.tasks import import_observations_task
from tests.factories import LocalAuthorityFactory, SmallAreaFactory, UserFactory
from tests.indicators.official.helpers import CENSUS_BULK, CLAIMANTS_EXCEL, city_of_london_lsoas, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    """Uploaded files go to a temporary folder (a worker started by the test reads the same one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))


def _call(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_nomis_reports_what_it_did_with_a_progress_bar():
    city_of_london_lsoas()
    out, err = _call("import_nomis", str(CLAIMANTS_EXCEL), "--indicator", "claimant-count")
    assert "6 rows read, 5 added, 0 replaced, 0 unchanged, 1 skipped" in out
    assert "1 area code(s) we do not hold were skipped (e.g. E01025613)" in out
    assert "checking" in err
    assert "writing" in err

    out, _ = _call("import_nomis", str(CLAIMANTS_EXCEL), "--indicator", "claimant-count", "--no-progress")
    assert "the same file as import" in out


def test_command_line_imports_go_in_the_audit_log():
    from indicators.audit.models import AuditEntry

    city_of_london_lsoas()
    _call("import_nomis", str(CLAIMANTS_EXCEL), "--indicator", "claimant-count", "--no-progress")
    entry = AuditEntry.objects.get(action="import")
    imp = Import.objects.get()
    assert entry.object_id == str(imp.pk)
    assert entry.summary.endswith("(command line)")
    assert entry.detail["via"] == "manage.py"
    assert entry.detail["status"] == "succeeded"


def test_import_nomis_names_the_line_and_changes_nothing(tmp_path):
    city_of_london_lsoas()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(CLAIMANTS_EXCEL.read_bytes() + b"\r\nDec-17,Blaby 010A,E01025613,Total,x,y,Value,five,Normal Value")
    before = snapshot()
    with pytest.raises(CommandError, match=r"bad.csv: line 8, column 'OBS_VALUE': 'five' is not a number\. Nothing"):
        _call("import_nomis", str(bad), "--indicator", "claimant-count", "--no-progress")
    assert snapshot() == before


def test_import_nomis_knows_its_indicators():
    with pytest.raises(CommandError, match="no indicator 'claimants' \\(known: aps-employment-rate"):
        _call("import_nomis", str(CLAIMANTS_EXCEL), "--indicator", "claimants")


def test_import_tidy_with_named_columns():
    SmallAreaFactory(code="E01012334", local_authority=LocalAuthorityFactory(code="E06000005"))
    Indicator.objects.create(slug="residents-not-in-employment", name="x", unit="people", kind="count", census=True)
    out, _ = _call(
        "import_tidy",
        str(CENSUS_BULK),
        "--indicator=residents-not-in-employment",
        "--area-column=geography code",
        "--period-column=date",
        "--value-column=Method of Travel to Work: Not in employment; measures: Value",
        "--where",
        "Rural Urban=Total",
        "--no-progress",
    )
    assert "676 rows read, 1 added" in out
    assert Observation.objects.get().value == Decimal(432)


def test_fetch_nomis_without_network_fails_clearly(settings):
    settings.REBALANCE_NOMIS_BASE_URL = "http://127.0.0.1:9/api/v01"
    settings.REBALANCE_NOMIS_TIMEOUT = 2
    with pytest.raises(CommandError, match="cannot reach Nomis"):
        _call("fetch_nomis", "--indicator", "claimant-count", "--dataset", "NM_162_1", "--param", "measure=1")


def test_an_upload_is_queued_after_commit_and_run_by_the_task(django_capture_on_commit_callbacks):
    city_of_london_lsoas()
    admin = UserFactory(role="admin")
    claimants = Indicator.objects.get(slug="claimant-count")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        imp = import_queue(
            content=CLAIMANTS_EXCEL.read_bytes(),
            file_name="claimants.csv",
            indicator=claimants,
            format=Import.Format.NOMIS,
            user=admin,
        )
    assert imp.status == Import.Status.QUEUED
    assert Observation.objects.count() == 0
    for callback in callbacks:
        callback()  # eager Celery in tests: the task runs here

    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED
    assert imp.created_by == admin
    assert imp.source == "upload"
    assert Observation.objects.count() == 5

    # Running the task again is harmless.
    before = snapshot()
    assert import_observations_task(imp.pk) == Import.Status.SUCCEEDED
    assert snapshot() == before


def test_a_queued_import_left_by_a_broker_outage_runs_later():
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = import_queue(
        content=CLAIMANTS_EXCEL.read_bytes(), file_name="c.csv", indicator=claimants, format=Import.Format.NOMIS
    )  # inside the test's transaction: the on-commit task never ran
    assert import_run_queued() == [imp.pk]
    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED


def test_a_queued_tidy_file_that_is_broken_is_recorded_as_failed():
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = import_queue(
        content=b"date,code,n\n2024-01,E01000001,x\n",
        file_name="t.csv",
        indicator=claimants,
        format=Import.Format.TIDY,
        options={"area_column": "code", "period_column": "date", "value_column": "count"},
    )
    result = import_run(import_id=imp.pk)
    assert result.status == Import.Status.FAILED
    assert result.errors == [
        {"line": 1, "column": "count", "message": "no value column named 'count' in the header (it has: date, code, n)"}
    ]


@pytest.mark.postgres
def test_an_import_is_never_run_twice_at_once():
    import psycopg
    from django.db import connection

    from indicators.official.services.import_runs import RUN_LOCK_CLASS, ImportBusyError

    claimants = Indicator.objects.get(slug="claimant-count")
    imp = import_queue(
        content=CLAIMANTS_EXCEL.read_bytes(), file_name="c.csv", indicator=claimants, format=Import.Format.NOMIS
    )
    db = connection.settings_dict
    other_worker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    try:
        other_worker.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK_CLASS, imp.pk])
        with pytest.raises(ImportBusyError):  # the other worker has it: the task will retry
            import_run(import_id=imp.pk)
        assert Import.objects.get(pk=imp.pk).status == Import.Status.QUEUED
        assert Observation.objects.count() == 0
    finally:
        other_worker.close()
    city_of_london_lsoas()
    assert import_run(import_id=imp.pk).status == Import.Status.SUCCEEDED  # its worker is gone: taken over


def test_the_catch_up_task_runs_old_queued_imports_only():
    import datetime as dt

    from django.utils import timezone

    from indicators.official.tasks import run_queued_imports_task

    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    old, fresh = (
        import_queue(content=CLAIMANTS_EXCEL.read_bytes(), file_name=n, indicator=claimants, format="nomis")
        for n in ("old.csv", "fresh.csv")
    )
    Import.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert run_queued_imports_task() == [old.pk]
    fresh.refresh_from_db()
    assert fresh.status == Import.Status.QUEUED


def test_import_tidy_picks_and_adds_up_census_categories_from_the_command_line():
    darlington = LocalAuthorityFactory(code="E06000005", name="Darlington")
    for code in ("E01012304", "E01012305", "E01012306"):
        SmallAreaFactory(code=code, local_authority=darlington)
    category = "Economic activity status (20 categories)"
    out = io.StringIO()

    call_command(
        "import_tidy",
        str(CENSUS_BULK.parent / "census" / "ons_ts066_lsoa_long_synthetic.csv"),
        "--indicator=census-unemployed",
        "--area-column=Lower layer Super Output Areas Code",
        "--period-column=Census date",
        "--value-column=Observation",
        f"--where={category}=Economically active (excluding full-time students): Unemployed",
        f"--where={category}=Economically active and a full-time student: Unemployed",
        f"--sum-over={category}",
        "--no-progress",
        stdout=out,
    )

    assert "3 added" in out.getvalue()
    stored = Observation.objects.filter(indicator__slug="census-unemployed")
    assert sorted(stored.values_list("small_area__code", "value")) == [
        ("E01012304", Decimal(70)),
        ("E01012305", Decimal(98)),
        ("E01012306", Decimal(43)),
    ]
