"""The neighbourhood's downloads carry its recorded interventions, with formula-like text defused."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.access.models import Role
from indicators.interventions.services import intervention_create
from tests.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(places):
    officer = places["leeds_officer"]
    intervention_create(
        user=officer,
        title='=HYPERLINK("http://example.invalid","Click")',
        lead_organisation="@SUM(1+1)",
        start_date=dt.date(2021, 9, 1),
        neighbourhoods=[places["harehills"]],
        factors=["housing_environment"],
        recommendations=["early_action_housing"],
    )
    intervention_create(
        user=officer,
        title="Employment hub",
        lead_organisation="Leeds City Council",
        start_date=dt.date(2022, 4, 1),
        end_date=dt.date(2023, 3, 31),
        neighbourhoods=[places["harehills"], places["seacroft"]],
        factors=["work_connection"],
    )
    intervention_create(  # a proposal counts nowhere until accepted
        user=staff(Role.ESTATE_MANAGER, username="harehills.manager", neighbourhoods=[places["harehills"]]),
        title="Proposed clean-up",
        lead_organisation="Leeds City Council",
        start_date=dt.date(2022, 4, 1),
        neighbourhoods=[places["harehills"]],
        factors=["work_connection"],
    )
    return places


def test_the_csv_lists_them_defused(client, recorded):
    client.force_login(recorded["leeds_officer"])
    url = reverse("indicators:neighbourhood-export", args=[recorded["harehills"].pk, "csv"]) + "?table=interventions"
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Intervention", "Start date", "End date", "Lead organisation"]
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://example.invalid","Click")', "Employment hub"]
    first, second = rows[1], rows[2]
    assert first[3] == "'@SUM(1+1)"
    assert (first[1], first[2]) == ("2021-09-01", "still running")
    assert first[5] == "Housing, crime and grime"
    assert second[4] == "Harehills; Seacroft"
    assert "Proposed clean-up" not in response.content.decode()


def test_the_workbook_has_a_sheet_of_them(client, recorded):
    client.force_login(recorded["leeds_officer"])
    response = client.get(reverse("indicators:neighbourhood-export", args=[recorded["harehills"].pk, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    [name] = [n for n in book.sheetnames if n.startswith("Interventions")]
    sheet = book[name]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0].startswith("'=HYPERLINK")
    assert values[1][3] == "'@SUM(1+1)"
    assert values[2][0] == "Employment hub"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
