"""Councils' tidy extracts and Nomis bulk tables, with the columns named by the user."""

import datetime as dt
from decimal import Decimal

import pytest

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.tidy import tidy_import
from indicators.official.models import Import, Indicator, ObservationStatus, Period
from tests.factories import IndicatorFactory, LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory
from tests.indicators.official.helpers import CENSUS_BULK, DATA, snapshot, values_by_area

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


# Census 2021 TS066 (economic activity) by LSOA in long format: one row per category. Synthetic counts for three
# real Darlington 2021 LSOAs (tests/data/SOURCES.md).
ONS_TS066 = DATA / "census" / "ons_ts066_lsoa_long_synthetic.csv"
TS066_CATEGORY = "Economic activity status (20 categories)"
TS066_TOTAL = "Total: All usual residents aged 16 years and over"
TS066_UNEMPLOYED = (
    "Economically active (excluding full-time students): Unemployed",
    "Economically active and a full-time student: Unemployed",
)
TS066_COLUMNS = {
    "area_column": "Lower layer Super Output Areas Code",
    "period_column": "Census date",
    "value_column": "Observation",
}


def _ts066_in_plain_python() -> dict[str, tuple[int, int]]:
    """Area → (unemployed, residents 16+), read straight from the file."""
    import csv

    out: dict[str, list[int]] = {}
    with ONS_TS066.open(newline="") as handle:
        for row in csv.DictReader(handle):
            totals = out.setdefault(row[TS066_COLUMNS["area_column"]], [0, 0])
            if row[TS066_CATEGORY] in TS066_UNEMPLOYED:
                totals[0] += int(row["Observation"])
            if row[TS066_CATEGORY] == TS066_TOTAL:
                totals[1] += int(row["Observation"])
    return {code: (a, b) for code, (a, b) in out.items()}


@pytest.fixture
def darlington_2021():
    darlington = LocalAuthorityFactory(code="E06000005", name="Darlington")
    return [SmallAreaFactory(code=c, local_authority=darlington) for c in ("E01012304", "E01012305", "E01012306")]


def test_a_long_census_table_becomes_a_numerator_and_a_denominator_and_a_rate(darlington_2021):
    from indicators.official.selectors import neighbourhood_ratio_series

    unemployed = Indicator.objects.get(slug="census-unemployed")
    residents = Indicator.objects.get(slug="census-residents-16-plus")
    rate = Indicator.objects.get(slug="census-unemployment-rate")

    numerator = tidy_import(
        source=ONS_TS066,
        indicator=unemployed,
        **TS066_COLUMNS,
        where={TS066_CATEGORY: list(TS066_UNEMPLOYED)},
        sum_over=TS066_CATEGORY,
    )
    tidy_import(source=ONS_TS066, indicator=residents, **TS066_COLUMNS, where={TS066_CATEGORY: TS066_TOTAL})

    expected = _ts066_in_plain_python()
    assert values_by_area(unemployed) == {
        (code, "Census 2021"): (Decimal(n), ObservationStatus.NORMAL, "") for code, (n, _) in expected.items()
    }
    assert values_by_area(residents) == {
        (code, "Census 2021"): (Decimal(d), ObservationStatus.NORMAL, "") for code, (_, d) in expected.items()
    }
    # Census day (2021-03-21) is the census year, not March 2021.
    assert list(Period.objects.values_list("kind", "start")) == [(Period.Kind.CENSUS, dt.date(2021, 1, 1))]
    assert numerator.rows_inserted == 3
    assert numerator.rows_skipped == 12  # the other four categories of each area
    assert numerator.options["sum_over"] == TS066_CATEGORY

    neighbourhood = NeighbourhoodFactory(local_authority=darlington_2021[0].local_authority)
    neighbourhood.small_areas.set(darlington_2021)
    [point] = neighbourhood_ratio_series(indicator=rate, neighbourhood_ids=[neighbourhood.pk])
    unemployed_total = sum(n for n, _ in expected.values())
    residents_total = sum(d for _, d in expected.values())
    assert point.value == pytest.approx(Decimal(unemployed_total) / Decimal(residents_total) * 100)
    assert (point.numerator, point.denominator) == (unemployed_total, residents_total)


@pytest.mark.parametrize(
    ("options", "message", "column"),
    [
        (
            {
                "where": {
                    TS066_CATEGORY: ["Economically active (excluding full-time students): Unemployed", "Unemployd"]
                }
            },
            f"--where {TS066_CATEGORY}=Unemployd matches no row",
            TS066_CATEGORY,
        ),
        ({"where": {"Economic activity": "Unemployed"}}, "there is no column 'Economic activity'", "Economic activity"),
        ({"sum_over": "Category"}, "there is no column 'Category' to sum over", "Category"),
        # Without --sum-over, two categories of one area are two figures for one period.
        ({"where": {TS066_CATEGORY: list(TS066_UNEMPLOYED)}}, "a second figure for the same period", None),
    ],
)
def test_long_table_mistakes_are_refused_and_change_nothing(darlington_2021, options, message, column):
    unemployed = Indicator.objects.get(slug="census-unemployed")
    before = snapshot()

    with pytest.raises(ImportFileError) as caught:
        tidy_import(source=ONS_TS066, indicator=unemployed, **TS066_COLUMNS, **options)

    assert message in str(caught.value)
    assert caught.value.column == column
    assert caught.value.line is not None
    assert snapshot() == before


def test_summing_a_published_rate_is_refused(darlington_2021):
    rate = IndicatorFactory(slug="some-published-rate", kind=Indicator.Kind.RATE)
    with pytest.raises(ImportFileError, match="--sum-over adds up counts"):
        tidy_import(source=ONS_TS066, indicator=rate, **TS066_COLUMNS, sum_over=TS066_CATEGORY)
    assert not rate.observations.exists()
