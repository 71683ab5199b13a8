"""The question bank and XLSForm pages in a real browser, as an admin uses them: axe-core on every page at desktop
and phone widths, nothing spilling sideways, a download that uploads back, and a bad workbook refused in a table.

Set SCREENSHOTS=<folder> to keep a full-page screenshot of each page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.access.models import Role
from surveys.models import BankItem, SurveyVersion
from surveys.services.default_questionnaire import default_questionnaire_load
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import LocalAuthorityFactory, staff
from tests.surveys.test_services_xlsform import GOOD_CHOICES, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOTS")


def _look(page, name: str) -> None:
    axe_check(page, label=name)
    no_sideways_scroll(page)
    if SHOTS:
        width = page.viewport_size["width"]
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_an_admin_downloads_the_default_questionnaire_and_uploads_it_back(live_server, page, tmp_path):
    version = default_questionnaire_load()
    admin = staff(Role.ADMIN)
    log_in(page, live_server, admin.username, "correct-horse-battery")
    page.goto(live_server.url + reverse("surveys:editor-list"))
    page.get_by_role("link", name="XLSForm spreadsheets in and out").click()
    _look(page, "xlsform")
    page.get_by_text("The sheets and columns, and what cannot be imported").click()
    _look(page, "xlsform-columns")

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(survey=[["select_one nope", "q", "Q?", "", "", "", "outlook"]], choices=GOOD_CHOICES))
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Check and import").click()
    summary = page.locator(".error-summary")
    assert "The spreadsheet was not imported" in summary.inner_text()
    assert "survey\t2\ttype" in summary.locator("tbody tr").first.inner_text()
    _look(page, "xlsform-refused")

    with page.expect_download() as caught:
        page.get_by_role("link", name=f"{version.survey.name}, version {version.number}").click()
    saved = tmp_path / caught.value.suggested_filename
    caught.value.save_as(saved)
    page.set_input_files("#id_file", str(saved))
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_url(lambda url: "/versions/" in url)
    again = SurveyVersion.objects.exclude(pk=version.pk).get()
    assert again.questions.count() == version.questions.count()
    assert page.get_by_text(f"made from {saved.name}").is_visible()


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_an_officer_reads_the_bank_and_adds_a_councils_own_question(live_server, page):
    default_questionnaire_load()
    leeds = LocalAuthorityFactory(name="Leeds")
    officer = staff(Role.OFFICER, local_authorities=[leeds])
    officer.staff_profile.may_edit_questionnaires = True
    officer.staff_profile.save()
    log_in(page, live_server, officer.username, "correct-horse-battery")
    page.goto(live_server.url + reverse("surveys:editor-list"))
    page.get_by_role("link", name="The question bank").click()
    _look(page, "bank")
    page.locator("#id_factor").select_option("confidence")
    page.get_by_role("button", name="Show questions").click()
    assert page.get_by_text("10 questions in the bank match your choice").is_visible()
    page.locator("details summary").first.click()
    _look(page, "bank-confidence")

    page.get_by_role("link", name="Add your own question to the bank").click()
    _look(page, "bank-new")
    page.locator("#id_key").fill("park_safe")
    page.locator("#id_text").fill("How safe do you feel in the park by day?")
    page.locator("#id_factor").select_option("housing_environment")
    page.locator("#id_kind").select_option("scale")
    page.locator("#id_source").fill("Leeds City Council")
    page.locator("#id_options").fill("safe | Safe | 100\nunsafe | Unsafe | 40")
    page.get_by_role("button", name="Add to the bank").click()
    assert "from 0 (the lowest answer) to 100" in page.locator(".error-summary").inner_text()
    _look(page, "bank-new-refused")
    page.locator("#id_options").fill("safe | Safe | 100\nunsure | Not sure | 50\nunsafe | Unsafe | 0")
    page.get_by_role("button", name="Add to the bank").click()
    page.wait_for_url(lambda url: "/bank/#item-" in url)
    assert BankItem.objects.get(key="park_safe").owner == leeds
    assert page.get_by_text("Leeds’s own").is_visible()
