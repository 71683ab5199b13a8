"""The imports pages in a real browser while an import runs and after one failed: how far it has got, why it
failed, and how long its file is kept, with axe-core at 1280 and 320 px and no sideways scroll. Screenshots go to
$IMPORT_SHOTS when it is set, to look at."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.urls import reverse

from indicators.access.models import Role
from indicators.official.importing.observations import progress_key
from indicators.official.models import Import
from indicators.official.services.import_runs import import_run
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import ImportFactory, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("IMPORT_SHOTS", "")


def _check(page, name: str) -> None:
    axe_check(page, label=name)
    no_sideways_scroll(page)
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{page.viewport_size['width']}.png"), full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_a_running_and_a_given_up_import_on_the_imports_pages(live_server, page, settings):
    settings.REBALANCE_IMPORT_MAX_ATTEMPTS = 3
    staff(Role.ADMIN, username="admin-imports", password="correct-horse-battery")
    running = ImportFactory(
        file_name="claimant-count-lsoa-2024.csv.gz", status=Import.Status.RUNNING, attempts=2, sha256=""
    )
    cache.set(progress_key(running.pk), {"phase": "reading", "percent": 12}, 60)
    given_up = ImportFactory(file_name="nomis-bulk-export.csv.gz", status=Import.Status.RUNNING, attempts=3)
    import_run(import_id=given_up.pk)

    log_in(page, live_server, "admin-imports", "correct-horse-battery")
    page.goto(live_server.url + reverse("indicators:import-list"))
    assert page.get_by_text("12% done (reading; run 2, after a worker stopped)").is_visible()
    _check(page, "imports-list")

    page.goto(live_server.url + reverse("indicators:import-detail", args=[running.pk]))
    assert page.get_by_text("Reading the file (its size, lines and columns): 12% done.").is_visible()
    _check(page, "import-running")
    cache.set(progress_key(running.pk), {"phase": "checking", "percent": 55}, 60)
    page.get_by_text("Checking every row: 55% done.").wait_for()  # updated in place, the page not reloaded
    assert page.locator("progress").get_attribute("value") == "55"
    Import.objects.filter(pk=running.pk).update(status=Import.Status.SUCCEEDED)
    page.get_by_text("Stored", exact=True).wait_for()  # finished: the finished page is loaded

    page.goto(live_server.url + reverse("indicators:import-detail", args=[given_up.pk]))
    assert page.get_by_role("alert").get_by_text("the worker stopped 3 times while reading this file").is_visible()
    _check(page, "import-given-up")
