"""The imports page: admins only, upload → task → progress page that refreshes itself until done."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.official.importing.observations import progress_key
from indicators.official.models import Import, Indicator, Observation
from indicators.official.services.import_files import import_files_expire
from tests.factories import ImportFactory, UserFactory
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    """Uploaded files go to a temporary folder (a worker started by the test reads the same one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role="admin"))
    return client


def test_only_admins_see_imports(client):
    assert client.get("/places/imports/").status_code == 302  # to sign in
    client.force_login(UserFactory(role="officer"))
    assert client.get("/places/imports/").status_code == 403
    assert client.get("/places/imports/upload/").status_code == 403
    assert "Imports</a>" not in client.get("/places/").content.decode()


def test_an_upload_runs_and_shows_what_it_stored(admin_client, django_capture_on_commit_callbacks):
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    assert "Imports</a>" in admin_client.get("/places/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/places/imports/upload/",
            {
                "file": SimpleUploadedFile("claimants.csv", CLAIMANTS_EXCEL.read_bytes()),
                "indicator": claimants.pk,
                "format": "nomis",
            },
        )
    imp = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/places/imports/{imp.pk}/"
    assert Observation.objects.count() == 5

    page = admin_client.get(response["Location"]).content.decode()
    assert "Stored" in page
    assert 'http-equiv="refresh"' not in page
    assert "5 new, 0 replaced" in page
    assert "E01025613" in page  # the area we do not hold
    listing = admin_client.get("/places/imports/").content.decode()
    assert "claimants.csv" in listing


def test_a_running_import_shows_its_progress_and_where_to_ask_for_more(admin_client):
    imp = ImportFactory(status=Import.Status.RUNNING, progress=0)
    cache.set(progress_key(imp.pk), {"phase": "checking", "percent": 42})

    page = admin_client.get(f"/places/imports/{imp.pk}/").content.decode()

    assert 'http-equiv="refresh"' not in page  # never reloaded under the reader (WCAG 2.2.1): a script asks instead
    assert f'data-progress-url="/places/imports/{imp.pk}/progress.json"' in page
    assert "js/import-progress.js" in page
    assert "Checking every row: 42% done" in page
    assert '<progress max="100" value="42">' in page
    assert f'href="/places/imports/{imp.pk}/">Reload now' in page
    assert admin_client.get(f"/places/imports/{imp.pk}/progress.json").json() == {
        "status": "running",
        "finished": False,
        "phase": "checking",
        "words": "checking every row",
        "percent": 42,
    }


def test_a_broken_upload_is_listed_with_its_error(admin_client, django_capture_on_commit_callbacks):
    claimants = Indicator.objects.get(slug="claimant-count")
    bad = b"DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE\nDecember 2017,E01000001,lots\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/places/imports/upload/",
            {"file": SimpleUploadedFile("bad.csv", bad), "indicator": claimants.pk, "format": "nomis"},
        )
    page = admin_client.get(response["Location"]).content.decode()
    assert "nothing was changed" in page
    assert "Line 2, column “OBS_VALUE”: &#x27;lots&#x27; is not a number" in page
    assert Observation.objects.count() == 0


def test_a_tidy_upload_needs_its_columns_named(admin_client):
    claimants = Indicator.objects.get(slug="claimant-count")
    response = admin_client.post(
        "/places/imports/upload/",
        {"file": SimpleUploadedFile("t.csv", b"a,b\n"), "indicator": claimants.pk, "format": "tidy"},
    )
    assert response.status_code == 400
    assert "A tidy file needs this column named." in response.content.decode()
    assert Import.objects.count() == 0


def test_the_django_admin_has_the_upload_too(admin_client):
    ImportFactory(file_name="x.csv")
    assert admin_client.get("/admin/indicators/import/").status_code == 200
    assert "Upload a file" in admin_client.get("/admin/indicators/import/").content.decode()
    assert admin_client.get("/admin/indicators/import/upload/").status_code == 200
    assert admin_client.get("/admin/indicators/observation/").status_code == 200


def test_the_imports_pages_show_how_far_a_run_has_got_from_the_reading_stage_on(admin_client):
    imp = ImportFactory(status=Import.Status.RUNNING, progress=0, attempts=2)
    cache.set(progress_key(imp.pk), {"phase": "reading", "percent": 7})

    page = admin_client.get(f"/places/imports/{imp.pk}/").content.decode()
    assert "Reading the file (its size, lines and columns): 7% done." in page
    assert "This is run 2 of this import: the worker stopped during the first." in page
    listing = admin_client.get("/places/imports/").content.decode()
    assert "7% done (reading; run 2, after a worker stopped)" in listing

    queued = ImportFactory(status=Import.Status.QUEUED)
    assert "0% done (queued)" in admin_client.get("/places/imports/").content.decode()
    assert "Waiting for a worker: 0% done." in admin_client.get(f"/places/imports/{queued.pk}/").content.decode()


def test_an_import_given_up_after_its_worker_stopped_shows_why(admin_client, settings):
    from indicators.official.services.import_runs import import_run

    settings.REBALANCE_IMPORT_MAX_ATTEMPTS = 3
    imp = ImportFactory(status=Import.Status.RUNNING, attempts=3)
    import_run(import_id=imp.pk)
    page = admin_client.get(f"/places/imports/{imp.pk}/").content.decode()
    assert "The file was not imported; nothing was changed" in page
    assert "the worker stopped 3 times while reading this file" in page
    assert "<dt>Runs</dt><dd>4 started" in page
    assert (
        "<td>the worker stopped 3 times while reading this file"
        in admin_client.get("/places/imports/").content.decode()
    )


def test_the_import_page_says_how_long_the_stored_file_is_kept(
    admin_client, settings, django_capture_on_commit_callbacks
):
    settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS = 30
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/places/imports/upload/",
            {
                "file": SimpleUploadedFile("c.csv", CLAIMANTS_EXCEL.read_bytes()),
                "indicator": claimants.pk,
                "format": "nomis",
            },
        )
    imp = Import.objects.get()
    kept_until = imp.finished_at + dt.timedelta(days=30)
    assert f"kept until {kept_until:%-d %b %Y}, then deleted" in admin_client.get(response["Location"]).content.decode()
    import_files_expire(now=kept_until + dt.timedelta(seconds=1))
    assert "deleted on " in admin_client.get(response["Location"]).content.decode()
