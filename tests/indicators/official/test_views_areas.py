"""Importing areas from the imports page: admins only; the command's checks, errors on the form, nothing stored."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.places.models import SmallArea
from tests.factories import LocalAuthorityFactory, UserFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "data" / "areas"
URL = "/places/imports/areas/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role="admin"))
    LocalAuthorityFactory(code="E06000005", name="Darlington")
    LocalAuthorityFactory(code="E06000001", name="Hartlepool")
    return client


def test_only_admins_import_areas(client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(role="officer"))
    assert client.get(URL).status_code == 403


def test_a_ward_csv_and_a_geojson_are_imported_from_the_page(admin_client):
    csv = SimpleUploadedFile("wards.csv", (DATA / "wards_2025_darlington_hartlepool.csv").read_bytes())
    columns = {"code_column": "WD25CD", "name_column": "WD25NM", "authority_column": "LAD25CD"}
    response = admin_client.post(URL, {"file": csv, "kind": "ward", **columns})
    assert response.status_code == 200
    assert "32 electoral ward area(s) read from CSV: 32 new" in response.content.decode()
    geojson = SimpleUploadedFile("wards.geojson", (DATA / "wards_2025_darlington_3.geojson").read_bytes())
    response = admin_client.post(URL, {"file": geojson, "kind": "ward"})
    assert "3 changed" in response.content.decode()
    assert SmallArea.objects.filter(kind="ward", boundary__isnull=False).count() == 3


def test_a_bad_file_is_a_400_naming_line_and_column_and_stores_nothing(admin_client):
    bad = SimpleUploadedFile("wards.csv", b"WD25CD,WD25NM,LAD25CD\nE05010412,A,E06000005\nE01012304,B,E06000005\n")
    columns = {"code_column": "WD25CD", "name_column": "WD25NM", "authority_column": "LAD25CD"}
    response = admin_client.post(URL, {"file": bad, "kind": "ward", **columns})
    assert response.status_code == 400
    assert "line 3, column &#x27;WD25CD&#x27;: &#x27;E01012304&#x27; is not a ward code" in response.content.decode()
    assert not SmallArea.objects.exists()
