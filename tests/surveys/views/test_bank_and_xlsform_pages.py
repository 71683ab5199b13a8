"""The question bank and XLSForm pages: who may open them, a download that uploads back to the same questions, and
an upload that is refused with every problem's sheet, row and column (never a 500), creating nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.access.models import Role
from surveys.bank_forms import XLSFORM_MAX_BYTES
from surveys.models import BankItem, Question, Survey, SurveyVersion
from surveys.services.bank import bank_load_default
from surveys.services.default_questionnaire import default_questionnaire_specs
from surveys.services.xlsform import xlsform_export
from tests.factories import LocalAuthorityFactory, staff
from tests.surveys.factories import version_factory
from tests.surveys.test_services_xlsform import GOOD_CHOICES, GOOD_SURVEY, workbook

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _officer(*, allowed: bool, local_authorities=()):
    officer = staff(Role.OFFICER, local_authorities=list(local_authorities))
    officer.staff_profile.may_edit_questionnaires = allowed
    officer.staff_profile.save()
    return officer


def test_who_may_open_the_pages(client):
    version = version_factory()
    bank, page = reverse("surveys:bank"), reverse("surveys:xlsform")
    download = reverse("surveys:xlsform-download", args=[version.pk])
    assert client.get(bank).status_code == 302  # to sign in
    client.force_login(staff(Role.ESTATE_MANAGER))
    assert client.get(bank).status_code == 200  # every member of staff may read the bank
    assert client.get(page).status_code == 403
    assert client.get(download).status_code == 403
    assert client.get(reverse("surveys:bank-new")).status_code == 403
    client.force_login(_officer(allowed=True))
    assert client.get(page).status_code == 200
    assert client.get(download).status_code == 200
    upload = {"file": SimpleUploadedFile("f.xlsx", workbook(), content_type=XLSX)}
    assert client.post(page, upload).status_code == 403  # only admins upload
    assert b"Only an admin may upload" in client.get(page).content
    client.force_login(staff(Role.ADMIN))
    assert client.get(reverse("surveys:xlsform-download", args=[version.pk + 1000])).status_code == 404


def test_the_bank_lists_items_with_sources_scores_and_welsh_and_filters_them(client):
    bank_load_default(specs=default_questionnaire_specs())
    client.force_login(staff(Role.OFFICER))
    page = client.get(reverse("surveys:bank")).content.decode()
    assert "Community Life Survey" in page
    assert "General Self-Efficacy Scale" in page
    assert "Shared" in page
    assert "reverse scored" in page
    assert 'lang="cy"' in page
    only = client.get(reverse("surveys:bank"), {"factor": "confidence", "search": "problems"}).content.decode()
    assert "difficult problems" in only
    assert "do you think can be trusted" in page
    assert "do you think can be trusted" not in only


def test_a_council_adds_its_own_item_and_only_its_staff_see_it(client):
    leeds, tees = LocalAuthorityFactory(name="Leeds"), LocalAuthorityFactory(name="Tees")
    officer = _officer(allowed=True, local_authorities=[leeds])
    client.force_login(officer)
    form = {
        "key": "park_safe",
        "text": "How safe do you feel in the park by day?",
        "text_cy": "Pa mor ddiogel ydych chi’n teimlo yn y parc?",
        "factor": "housing_environment",
        "kind": "scale",
        "source": "Leeds City Council",
        "owner": str(leeds.pk),
        "options": "safe | Safe | 100\nunsure | Not sure | 50\nunsafe | Unsafe | 0\ndk | Don't know |",
    }
    bad = client.post(reverse("surveys:bank-new"), {**form, "options": "safe | Safe | 100\nunsafe | Unsafe | 20"})
    assert bad.status_code == 400
    assert "from 0 (the lowest answer) to 100" in bad.content.decode()
    not_mine = client.post(reverse("surveys:bank-new"), {**form, "owner": str(tees.pk)})
    assert not_mine.status_code == 400
    assert not BankItem.objects.exists()
    made = client.post(reverse("surveys:bank-new"), form)
    assert made.status_code == 302
    item = BankItem.objects.get()
    assert item.owner == leeds
    assert [o.score for o in item.options.all()] == [100, 50, 0, None]
    assert item.translations == {"cy": {"text": form["text_cy"]}}
    assert "How safe do you feel" in client.get(reverse("surveys:bank")).content.decode()
    client.force_login(_officer(allowed=True, local_authorities=[tees]))
    assert "How safe do you feel" not in client.get(reverse("surveys:bank")).content.decode()


def _cells(content: bytes) -> dict[str, list[tuple]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def test_an_admin_downloads_a_version_and_uploads_it_back(client):
    version = version_factory()
    client.force_login(staff(Role.ADMIN))
    download = client.get(reverse("surveys:xlsform-download", args=[version.pk]))
    assert download["Content-Type"] == XLSX
    assert "attachment" in download["Content-Disposition"]
    # The same sheets and cells as the export (not the same bytes: the file carries the second it was written).
    assert _cells(download.content) == _cells(xlsform_export(version=version))
    upload = SimpleUploadedFile("again.xlsx", download.content, content_type=XLSX)
    response = client.post(reverse("surveys:xlsform"), {"file": upload})
    again = SurveyVersion.objects.exclude(pk=version.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:editor-version", args=[again.pk])
    assert list(again.questions.values_list("key", "kind", "factor")) == list(
        version.questions.values_list("key", "kind", "factor")
    )


def test_a_bad_upload_lists_sheet_row_and_column_and_creates_nothing(client):
    client.force_login(staff(Role.ADMIN))
    bad = workbook(survey=[GOOD_SURVEY[0], ["text", "why", "Why?", "", "", "", "weather"]], choices=GOOD_CHOICES)
    response = client.post(reverse("surveys:xlsform"), {"file": SimpleUploadedFile("bad.xlsx", bad)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The spreadsheet was not imported" in page
    assert '<td>survey</td><td class="num">3</td><td><code>rebalance_factor</code></td>' in page
    assert not Survey.objects.exists()
    assert not Question.objects.exists()
    not_a_sheet = client.post(reverse("surveys:xlsform"), {"file": SimpleUploadedFile("notes.xlsx", b"hello")})
    assert not_a_sheet.status_code == 400
    assert "not an Excel workbook" in not_a_sheet.content.decode()


def test_an_upload_above_the_cap_is_refused_on_the_field(client):
    client.force_login(staff(Role.ADMIN))
    big = SimpleUploadedFile("big.xlsx", b"0" * (XLSFORM_MAX_BYTES + 1))
    response = client.post(reverse("surveys:xlsform"), {"file": big})
    assert response.status_code == 400
    assert "larger than the 5 MB" in response.content.decode()
    assert not Survey.objects.exists()
