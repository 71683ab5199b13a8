"""Importing areas from the imports page in a real browser: the upload goes to the task and its page shows what was
stored; a bad file's page names the line and says nothing changed; while a file is worked on, its page counts the
rows checked and stored in place and loads the result when it is done. axe-core and no sideways scroll at 1280
and 320 px; screenshots go to $IMPORT_SHOTS when it is set, to look at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from indicators.access.models import Role
from indicators.official.models import Import
from indicators.official.services.area_imports import _reporter
from indicators.official.services.import_runs import import_run
from indicators.places.models import SmallArea
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import LocalAuthorityFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("IMPORT_SHOTS", "")
WARDS = Path(__file__).resolve().parents[1] / "data" / "areas" / "wards_2025_darlington_hartlepool.csv"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _check(page, name: str) -> None:
    axe_check(page, label=name)
    no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def _fill(page, path: Path) -> None:
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_kind", "ward")
    page.fill("#id_code_column", "WD25CD")
    page.fill("#id_name_column", "WD25NM")
    page.fill("#id_authority_column", "LAD25CD")
    page.get_by_role("button", name="Check and import").click()


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_upload_progress_and_result_of_a_file_of_areas(live_server, page, tmp_path):
    LocalAuthorityFactory(code="E06000005", name="Darlington")
    LocalAuthorityFactory(code="E06000001", name="Hartlepool")
    staff(Role.ADMIN, username="admin-areas", password="correct-horse-battery")
    log_in(page, live_server, "admin-areas", "correct-horse-battery")

    page.goto(live_server.url + reverse("indicators:import-list"))
    page.get_by_role("link", name="Import areas (wards, LSOAs, estates)").click()
    _check(page, "areas-upload")
    _fill(page, WARDS)  # eager here: the task has run when the next page loads
    page.get_by_role("heading", name="Stored").wait_for()
    assert page.get_by_text("32 areas read: 32 new, 0 changed").is_visible()
    assert SmallArea.objects.filter(kind="ward").count() == 32
    _check(page, "areas-stored")

    bad = tmp_path / "wards-bad.csv"
    bad.write_text("WD25CD,WD25NM,LAD25CD\nE05010412,Bank Top,E06000005\nE05010413,Cockerton,E09999999\n")
    page.goto(live_server.url + reverse("indicators:areas-upload"))
    _fill(page, bad)
    alert = page.get_by_role("alert")
    assert alert.get_by_text("The file was not imported; nothing was changed").is_visible()
    assert alert.get_by_text("Line 3, column “LAD25CD”: 'E09999999' is not a local authority we hold").is_visible()
    _check(page, "areas-failed")

    # A file a worker is part-way through: the page counts its rows and loads the result when it is done.
    waiting = Import(
        format=Import.Format.AREAS,
        source="upload",
        file_name="wards-2025.csv",
        options={"kind": "ward", "code_column": "WD25CD", "name_column": "WD25NM", "authority_column": "LAD25CD"},
    )
    waiting.file.save("wards-2025.csv", ContentFile(WARDS.read_bytes()), save=True)
    page.goto(live_server.url + reverse("indicators:import-detail", args=[waiting.pk]))
    assert page.get_by_text("Waiting for a worker.").is_visible()
    report = _reporter(waiting, None)
    report("checking", 1200, 3000)
    page.get_by_text("Checking every row: 1,200 of 3,000 checked.").wait_for()  # in place, not reloaded
    assert page.locator("progress").get_attribute("value") == "28"
    _check(page, "areas-checking")
    report("writing", 2000, 3000)
    page.get_by_text("Storing the areas: 2,000 of 3,000 stored (or found unchanged).").wait_for()
    import_run(import_id=waiting.pk)
    page.get_by_role("heading", name="Stored").wait_for()  # finished: the finished page is loaded
    assert page.get_by_text("32 areas read: 0 new, 0 changed").is_visible()

    page.goto(live_server.url + reverse("indicators:import-list"))
    assert page.get_by_role("cell", name="Areas: Electoral ward").first.is_visible()
    _check(page, "areas-in-imports-list")
