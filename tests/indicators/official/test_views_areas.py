"""Importing areas from the imports page: admins only; the upload is stored and run by the task (eager here), and
its page shows the result, or the error with its line or feature and column, nothing changed; the same rules of
size, file mode, runs and retention as a file of figures."""

import stat
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.audit.models import AuditEntry
from indicators.official.importing.observations import progress_key
from indicators.official.models import Import
from indicators.official.services.area_imports import area_import_progress
from indicators.official.services.import_runs import import_run
from indicators.places.models import SmallArea
from tests.factories import ImportFactory, LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "data" / "areas"
URL = "/places/imports/areas/"
WARD_COLUMNS = {"code_column": "WD25CD", "name_column": "WD25NM", "authority_column": "LAD25CD"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def authorities():
    LocalAuthorityFactory(code="E06000005", name="Darlington")
    LocalAuthorityFactory(code="E06000001", name="Hartlepool")


@pytest.fixture
def admin_client(client, authorities):
    client.force_login(UserFactory(role="admin"))
    return client


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def post(client, name: str, content: bytes, **fields):
        # The task is queued once the upload's transaction commits, and runs eagerly (the test settings).
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, {"file": SimpleUploadedFile(name, content), "kind": "ward", **fields})

    return post


def test_only_admins_upload_areas_or_see_their_imports(client, authorities, upload):
    imp = ImportFactory(indicator=None, format=Import.Format.AREAS, options={"kind": "ward"})
    pages = [URL, f"/places/imports/{imp.pk}/", f"/places/imports/{imp.pk}/progress.json"]
    for url in pages:
        assert client.get(url).status_code == 302  # to sign in
    for role in ("officer", "estate_manager"):
        client.force_login(UserFactory(role=role))
        for url in pages:
            assert client.get(url).status_code == 403
        csv = (DATA / "wards_2025_darlington_hartlepool.csv").read_bytes()
        assert upload(client, "wards.csv", csv, **WARD_COLUMNS).status_code == 403
    assert not SmallArea.objects.exists()
    assert Import.objects.count() == 1


def test_a_ward_csv_is_stored_queued_run_and_its_page_shows_what_it_did(admin_client, upload):
    csv = (DATA / "wards_2025_darlington_hartlepool.csv").read_bytes()
    response = upload(admin_client, "wards.csv", csv, **WARD_COLUMNS)
    imp = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/places/imports/{imp.pk}/"
    assert (imp.status, imp.format, imp.indicator_id) == (Import.Status.SUCCEEDED, "areas", None)
    assert (imp.rows_read, imp.rows_inserted, imp.rows_updated, imp.attempts) == (32, 32, 0, 1)
    assert SmallArea.objects.filter(kind="ward").count() == 32
    assert stat.S_IMODE(Path(imp.file.path).stat().st_mode) == 0o600  # readable by the site's user only
    assert AuditEntry.objects.filter(object_type="indicators.import", object_id=str(imp.pk)).exists()

    page = admin_client.get(response["Location"]).content.decode()
    assert "32 areas read: <strong>32 new</strong>, <strong>0 changed</strong>" in page
    assert "Electoral wards" in page
    assert "kept until" in page
    listing = admin_client.get("/places/imports/").content.decode()
    assert "Areas: Electoral ward" in listing

    # The same file again changes no area; a GeoJSON of three of them adds their outlines.
    upload(admin_client, "wards.csv", csv, **WARD_COLUMNS)
    again = Import.objects.order_by("-pk").first()
    assert (again.rows_inserted, again.rows_updated, again.rows_unchanged) == (0, 0, 32)
    geojson = (DATA / "wards_2025_darlington_3.geojson").read_bytes()
    upload(admin_client, "wards.geojson", geojson)
    outlines = Import.objects.order_by("-pk").first()
    assert (outlines.rows_updated, outlines.options["read_as"], outlines.options["outlines"]) == (3, "GeoJSON", 3)
    assert SmallArea.objects.filter(kind="ward", boundary__isnull=False).count() == 3


def test_a_bad_file_fails_naming_its_line_and_column_and_changes_nothing(admin_client, upload):
    LocalAuthorityFactory(code="E06000002", name="Middlesbrough")
    good = b"WD25CD,WD25NM,LAD25CD\nE05010412,Bank Top,E06000005\n"
    upload(admin_client, "first.csv", good, **WARD_COLUMNS)
    before = list(SmallArea.objects.values_list("code", "name", "local_authority__code"))

    bad = b"WD25CD,WD25NM,LAD25CD\nE05010412,Renamed,E06000002\nE01012304,B,E06000005\n"
    response = upload(admin_client, "wards.csv", bad, **WARD_COLUMNS)
    imp = Import.objects.order_by("-pk").first()
    assert imp.status == Import.Status.FAILED
    assert imp.errors[0]["line"] == 3
    assert imp.errors[0]["column"] == "WD25CD"
    assert list(SmallArea.objects.values_list("code", "name", "local_authority__code")) == before

    page = admin_client.get(response["Location"]).content.decode()
    assert "The file was not imported; nothing was changed" in page
    assert "Line 3, column “WD25CD”: &#x27;E01012304&#x27; is not a ward code" in page


def test_a_bad_geojson_feature_is_named(admin_client, upload):
    bad = (
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"WD25CD":"E05010412",'
        b'"WD25NM":"Bank Top","LAD25CD":"E06000005"},"geometry":{"type":"Polygon","coordinates":[]}}]}'
    )
    response = upload(admin_client, "wards.geojson", bad)
    imp = Import.objects.get()
    assert imp.status == Import.Status.FAILED
    assert "feature 0 (E05010412)" in imp.errors[0]["message"]
    assert "feature 0 (E05010412)" in admin_client.get(response["Location"]).content.decode()
    assert not SmallArea.objects.exists()


def test_an_upload_over_the_cap_is_refused_on_the_form(settings, admin_client, upload):
    settings.REBALANCE_IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    response = upload(admin_client, "big.csv", b"x" * (3 * 1024 * 1024 // 2), **WARD_COLUMNS)
    assert response.status_code == 400
    assert "The file is 1.5 MB, larger than the 1 MB an upload may be" in response.content.decode()
    assert not Import.objects.exists()
    assert "up to 1 MB" in admin_client.get(URL).content.decode()


def test_the_file_goes_when_its_retention_is_over_and_the_attempts_cap_holds(settings, admin_client, upload):
    settings.REBALANCE_IMPORT_FILE_RETENTION_DAYS = 0
    csv = (DATA / "wards_2025_darlington_hartlepool.csv").read_bytes()
    upload(admin_client, "wards.csv", csv, **WARD_COLUMNS)
    imp = Import.objects.get()
    assert not imp.file
    assert imp.file_deleted_at is not None
    assert imp.sha256

    settings.REBALANCE_IMPORT_MAX_ATTEMPTS = 2
    stuck = ImportFactory(
        indicator=None, format=Import.Format.AREAS, status=Import.Status.RUNNING, attempts=2, options={"kind": "ward"}
    )
    assert import_run(import_id=stuck.pk).status == Import.Status.FAILED
    assert "the worker stopped 2 times" in Import.objects.get(pk=stuck.pk).errors[0]["message"]


def test_progress_counts_rows_checked_then_stored(admin_client):
    imp = ImportFactory(indicator=None, format=Import.Format.AREAS, status=Import.Status.QUEUED, options={})
    assert area_import_progress(imp)["text"] == "Waiting for a worker."
    cache.set(progress_key(imp.pk), {"phase": "checking", "done": 1200, "total": 3000, "percent": 28}, 60)
    page = admin_client.get(f"/places/imports/{imp.pk}/").content.decode()
    assert "Checking every row: 1,200 of 3,000 checked." in page
    assert 'value="28"' in page
    cache.set(progress_key(imp.pk), {"phase": "checking", "done": 500, "total": 0, "percent": None}, 60)
    assert admin_client.get(f"/places/imports/{imp.pk}/progress.json").json()["text"] == (
        "Checking: 500 checked so far."
    )
    cache.set(progress_key(imp.pk), {"phase": "writing", "done": 900, "total": 3000, "percent": 79}, 60)
    assert "Storing the areas: 900 of 3,000 stored" in admin_client.get(f"/places/imports/{imp.pk}/").content.decode()
