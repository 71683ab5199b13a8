"""Uploads on the imports page: stored from Django's temporary file in chunks, never whole in memory, and refused
with a clear form error above REBALANCE_IMPORT_MAX_UPLOAD_BYTES."""

import hashlib
import os
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from indicators.official.models import Import, Indicator
from indicators.official.services.imports import import_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role="admin"))
    return client


@pytest.fixture
def claimants():
    return Indicator.objects.get(slug="claimant-count")


def test_an_upload_over_the_limit_is_refused_with_a_clear_form_error(settings, admin_client, claimants):
    settings.REBALANCE_IMPORT_MAX_UPLOAD_BYTES = MB
    big = SimpleUploadedFile("big.csv", b"x" * (3 * MB // 2), content_type="text/csv")
    response = admin_client.post("/places/imports/upload/", {"file": big, "indicator": claimants.pk, "format": "nomis"})
    assert response.status_code == 400
    assert "The file is 1.5 MB, larger than the 1 MB an upload may be" in response.content.decode()
    assert not Import.objects.exists()


def test_a_large_upload_is_stored_whole_from_its_temporary_file(admin_client, claimants):
    content = os.urandom(6 * MB)  # above FILE_UPLOAD_MAX_MEMORY_SIZE: Django writes it to a temporary file
    upload = SimpleUploadedFile("claimants.csv.gz", content, content_type="application/gzip")
    response = admin_client.post(
        "/places/imports/upload/", {"file": upload, "indicator": claimants.pk, "format": "nomis"}
    )
    assert response.status_code == 302
    imp = Import.objects.get()
    with imp.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).digest() == hashlib.sha256(content).digest()


def test_storing_an_upload_copies_it_in_chunks_not_whole(claimants, tmp_path):
    upload = TemporaryUploadedFile("claimants.csv", "text/csv", 0, "utf-8")
    chunk = os.urandom(MB)
    for _ in range(32):
        upload.write(chunk)
    upload.size = 32 * MB
    upload.seek(0)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    imp = import_queue(content=upload, file_name="claimants.csv", indicator=claimants, format="nomis")
    peak = tracemalloc.get_traced_memory()[1] - before
    tracemalloc.stop()
    upload.close()
    assert imp.file.size == 32 * MB
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"
