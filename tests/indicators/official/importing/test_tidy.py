"""Councils' tidy extracts and Nomis bulk tables, with the columns named by the user."""

import datetime as dt
from decimal import Decimal

import pytest

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.tidy import tidy_import
from indicators.official.models import Import, Indicator, ObservationStatus, Period
from tests.factories import IndicatorFactory, LocalAuthorityFactory, SmallAreaFactory
from tests.indicators.official.helpers import CENSUS_BULK, snapshot, values_by_area

pytestmark = pytest.mark.django_db

NOT_IN_EMPLOYMENT = "Method of Travel to Work: Not in employment; measures: Value"


def test_a_nomis_bulk_census_table_imports_one_chosen_column():
    darlington = LocalAuthorityFactory(code="E06000005", name="Darlington")
    for code in ("E01012334", "E01012335"):
        SmallAreaFactory(code=code, local_authority=darlington)
    census = IndicatorFactory(slug="not-in-employment-2011", census=True)

    imp = tidy_import(
        source=CENSUS_BULK,
        indicator=census,
        area_column="geography code",
        period_column="date",
        value_column=NOT_IN_EMPLOYMENT,
    )

    assert values_by_area(census) == {
        ("E01012334", "Census 2011"): (Decimal(432), ObservationStatus.NORMAL, ""),
        ("E01012335", "Census 2011"): (Decimal(376), ObservationStatus.NORMAL, ""),
    }
    assert Period.objects.get().kind == Period.Kind.CENSUS
    assert imp.rows_read == 676
    assert imp.rows_skipped == 674
    assert imp.unknown_area_count == 674
    assert imp.options["value_column"] == NOT_IN_EMPLOYMENT


COUNCIL = (
    "date,area_code,area_name,count,rate\n"
    "2024-01-31,E01000001,Estate A,35,4.1\n"
    "2024-02-29,E01000001,Estate A,40,4.6\n"
    "2024-02-29,E01000002,Estate B,,\n"
)


def test_a_council_extract_with_iso_dates_and_an_empty_value():
    city = LocalAuthorityFactory(code="E09000001")
    SmallAreaFactory(code="E01000001", local_authority=city)
    SmallAreaFactory(code="E01000002", local_authority=city)
    claimants = Indicator.objects.get(slug="claimant-count")

    tidy_import(
        source=COUNCIL.encode(),
        indicator=claimants,
        area_column="AREA_CODE",
        period_column="date",
        value_column="count",
        file_name="council.csv",
    )

    assert values_by_area(claimants) == {
        ("E01000001", "January 2024"): (Decimal(35), ObservationStatus.NORMAL, ""),
        ("E01000001", "February 2024"): (Decimal(40), ObservationStatus.NORMAL, ""),
        ("E01000002", "February 2024"): (None, ObservationStatus.MISSING, ""),
    }
    assert set(Period.objects.values_list("start", flat=True)) == {dt.date(2024, 1, 1), dt.date(2024, 2, 1)}


@pytest.mark.parametrize(
    ("columns", "content", "line", "column", "reason"),
    [
        ({"value_column": "claimants"}, COUNCIL, 1, "claimants", "no value column named 'claimants'"),
        ({}, COUNCIL + "2024-02-30,E01000001,Estate A,5,1\n", 5, "date", "not a valid date"),
        ({}, COUNCIL + "2024-03-31,E01000001,Estate A,five,1\n", 5, "count", "'five' is not a number"),
        ({}, COUNCIL + "2024-02-01,E01000002,Estate B,5,1\n", 5, None, "first on line 4"),
    ],
)
def test_a_broken_council_extract_changes_nothing(columns, content, line, column, reason):
    city = LocalAuthorityFactory(code="E09000001")
    SmallAreaFactory(code="E01000001", local_authority=city)
    SmallAreaFactory(code="E01000002", local_authority=city)
    claimants = Indicator.objects.get(slug="claimant-count")
    before = snapshot()
    names = {"area_column": "area_code", "period_column": "date", "value_column": "count", **columns}

    with pytest.raises(ImportFileError) as caught:
        tidy_import(source=content.encode(), indicator=claimants, file_name="bad.csv", **names)

    assert (caught.value.line, caught.value.column) == (line, column)
    assert reason in caught.value.message
    assert snapshot() == before
    assert Import.objects.get(file_name="bad.csv").status == Import.Status.FAILED
