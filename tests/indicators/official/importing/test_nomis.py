"""The Nomis importer on the real sample files, every format variant, and every kind of broken file."""

import datetime as dt
import logging
from decimal import Decimal

import pytest

from indicators.official import signals as hooks
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.nomis import nomis_import
from indicators.official.models import Import, Indicator, Observation, ObservationRevision, ObservationStatus, Period
from tests.factories import LocalAuthorityFactory, SmallAreaFactory, UserFactory
from tests.indicators.official.helpers import (
    APS_EXCEL,
    CENSUS_BULK,
    CLAIMANTS_EXCEL,
    ESA_API,
    JSA_API,
    JSA_PROPORTION_API,
    city_of_london_lsoas,
    snapshot,
    values_by_area,
)

pytestmark = pytest.mark.django_db

NORMAL = ObservationStatus.NORMAL


@pytest.fixture
def claimants():
    return Indicator.objects.get(slug="claimant-count")


@pytest.fixture
def london():
    return [
        LocalAuthorityFactory(code="E09000001", name="City of London"),
        LocalAuthorityFactory(code="E09000002", name="Barking and Dagenham"),
    ]


def test_claimant_count_excel_file_imports_with_its_values_periods_and_statuses(claimants):
    city_of_london_lsoas()
    user = UserFactory()

    imp = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants, user=user)

    assert values_by_area(claimants) == {
        ("E01000001", "December 2017"): (Decimal(5), NORMAL, "A"),
        ("E01000002", "December 2017"): (Decimal(0), NORMAL, "A"),
        ("E01000003", "December 2017"): (Decimal(15), NORMAL, "A"),
        ("E01000005", "December 2017"): (Decimal(35), NORMAL, "A"),
        ("E01025542", "December 2017"): (Decimal(10), NORMAL, "A"),
    }
    period = Period.objects.get()
    assert (period.kind, period.start, period.end) == (Period.Kind.MONTH, dt.date(2017, 12, 1), dt.date(2017, 12, 31))
    imp.refresh_from_db()
    assert imp.status == Import.Status.SUCCEEDED
    assert (imp.rows_read, imp.rows_inserted, imp.rows_updated, imp.rows_skipped) == (6, 5, 0, 1)
    assert (imp.unknown_area_count, imp.unknown_area_sample) == (1, ["E01025613"])  # Blaby: not ours, not fatal
    assert imp.file_name == CLAIMANTS_EXCEL.name
    assert imp.dataset_id == "NM_162_1"
    assert imp.created_by == user
    assert len(imp.sha256) == 64
    assert set(Observation.objects.values_list("source_import", flat=True)) == {imp.pk}


def test_aps_rolling_years_land_on_local_authorities(london):
    aps = Indicator.objects.get(slug="aps-employment-rate")

    nomis_import(source=APS_EXCEL, indicator=aps)

    assert values_by_area(aps) == {
        ("E09000002", "Jul 2016-Jun 2017"): (Decimal("67.3"), NORMAL, "A"),
        ("E09000002", "Oct 2016-Sep 2017"): (Decimal("67"), NORMAL, "A"),
    }
    assert set(Period.objects.values_list("kind", "start", "end")) == {
        (Period.Kind.ROLLING_YEAR, dt.date(2016, 7, 1), dt.date(2017, 6, 30)),
        (Period.Kind.ROLLING_YEAR, dt.date(2016, 10, 1), dt.date(2017, 9, 30)),
    }


@pytest.mark.parametrize(
    ("path", "slug", "expected"),
    [
        (JSA_API, "jsa-count", {"E09000001": Decimal(25), "E09000002": Decimal(2355)}),
        (ESA_API, "esa-count", {"E09000001": Decimal(140), "E09000002": Decimal(7550)}),
    ],
)
def test_api_files_with_select_columns_import(london, path, slug, expected):
    indicator = Indicator.objects.get(slug=slug)

    nomis_import(source=path, indicator=indicator)

    found = values_by_area(indicator)
    assert {code: value for (code, _), (value, _, _) in found.items()} == expected
    assert {label for (_, label) in found} == {"January 2018" if slug == "jsa-count" else "August 2017"}


def test_a_proportion_file_imports_as_a_rate(london):
    rate = Indicator.objects.create(slug="jsa-proportion", name="JSA proportion", unit="%", kind="rate")
    nomis_import(source=JSA_PROPORTION_API, indicator=rate)
    assert values_by_area(rate)[("E09000002", "January 2018")] == (Decimal("1.8"), NORMAL, "A")


FULL_HEADER = (
    "DATE,DATE_NAME,DATE_CODE,DATE_TYPE,DATE_TYPECODE,DATE_SORTORDER,"
    "GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GEOGRAPHY_TYPE,GEOGRAPHY_TYPECODE,GEOGRAPHY_SORTORDER,"
    "MEASURE,MEASURE_NAME,MEASURE_CODE,MEASURE_TYPE,MEASURE_TYPECODE,MEASURE_SORTORDER,"
    "OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT\n"
)


def _full_row(date, name, code, value, status, status_name, offset):
    return (
        f'{date},"{name}",{date},"date",0,{offset},1249902000,"Area","{code}","lsoa2011",298,{offset},'
        f'1,"Claimant count",1,"measure",0,0,{value},{status},"{status_name}",false,"Free (free for publication)",'
        f"Nm-162d1,{offset},3\n"
    )


def test_full_columns_with_a_missing_value(claimants):
    city_of_london_lsoas()
    text = (
        FULL_HEADER
        + _full_row("2021-12", "December 2021", "E01000001", 10, "A", "Normal Value", 0)
        + _full_row("2021-12", "December 2021", "E01000002", "", "Q", "Missing value; data cannot exist", 1)
        + _full_row("2022-01", "January 2022", "E01000001", 15, "A", "Normal Value", 2)
    )

    nomis_import(source=text.encode(), indicator=claimants, file_name="full.csv")

    assert values_by_area(claimants) == {
        ("E01000001", "December 2021"): (Decimal(10), NORMAL, "A"),
        ("E01000002", "December 2021"): (None, ObservationStatus.MISSING, "Q"),
        ("E01000001", "January 2022"): (Decimal(15), NORMAL, "A"),
    }


def test_aps_markers_are_kept(london):
    aps = Indicator.objects.get(slug="aps-employment-rate")
    rows = [("E09000001", "!"), ("E09000002", "*")]
    text = "DATE_NAME,GEOGRAPHY_NAME,GEOGRAPHY_CODE,OBS_VALUE\n" + "".join(
        f"Oct 2016-Sep 2017,x,{code},{marker}\n" for code, marker in rows
    )
    text += "Jan 2016-Dec 2016,x,E09000001,~\r\nJan 2016-Dec 2016,x,E09000002,-\r\n"

    nomis_import(source=text.encode(), indicator=aps, file_name="aps.csv")

    assert values_by_area(aps) == {
        ("E09000001", "Oct 2016-Sep 2017"): (None, ObservationStatus.NO_ESTIMATE, "!"),
        ("E09000002", "Oct 2016-Sep 2017"): (None, ObservationStatus.UNRELIABLE, "*"),
        ("E09000001", "Jan 2016-Dec 2016"): (None, ObservationStatus.BELOW_500, "~"),
        ("E09000002", "Jan 2016-Dec 2016"): (None, ObservationStatus.MISSING, "-"),
    }


def test_the_same_file_twice_changes_nothing(claimants):
    city_of_london_lsoas()
    first = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)
    before = snapshot()

    second = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)

    assert second.status == Import.Status.UNCHANGED
    assert second.same_as == first
    assert (second.rows_inserted, second.rows_updated) == (0, 0)
    after = snapshot()
    assert after["observations"] == before["observations"]
    assert after["revisions"] == before["revisions"] == []


def test_a_corrected_file_replaces_values_and_keeps_what_it_replaced(claimants):
    city_of_london_lsoas()
    first = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)
    corrected = CLAIMANTS_EXCEL.read_bytes().replace(
        b"001C,E01000003,Total,All categories: Age 16+,Claimant count,Value,15",
        b"001C,E01000003,Total,All categories: Age 16+,Claimant count,Value,20",
    )
    assert corrected != CLAIMANTS_EXCEL.read_bytes()

    second = nomis_import(source=corrected, indicator=claimants, file_name="corrected.csv")

    assert (second.rows_inserted, second.rows_updated, second.rows_unchanged) == (0, 1, 4)
    assert values_by_area(claimants)[("E01000003", "December 2017")] == (Decimal(20), NORMAL, "A")
    revision = ObservationRevision.objects.get()
    assert revision.observation.small_area.code == "E01000003"
    assert (revision.old_value, revision.new_value) == (Decimal(15), Decimal(20))
    assert (revision.previous_import, revision.replaced_by) == (first, second)
    assert Observation.objects.get(small_area__code="E01000003").source_import == second
    assert Observation.objects.get(small_area__code="E01000001").source_import == first

    # The original again is not "the same file as before": the figures changed since, so it restores them.
    third = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)
    assert (third.status, third.rows_updated) == (Import.Status.SUCCEEDED, 1)
    assert values_by_area(claimants)[("E01000003", "December 2017")][0] == Decimal(15)


def test_several_measures_in_one_file_must_be_chosen_between(london):
    jsa = Indicator.objects.get(slug="jsa-count")
    both = JSA_API.read_text() + JSA_PROPORTION_API.read_text().split("\n", 1)[1]

    with pytest.raises(ImportFileError, match="MEASURES_NAME") as caught:
        nomis_import(source=both.encode(), indicator=jsa, file_name="both.csv")
    assert caught.value.line == 4
    assert "first on line 2" in caught.value.message

    imp = nomis_import(
        source=both.encode(), indicator=jsa, file_name="both.csv", where={"MEASURES_NAME": "Persons claiming JSA"}
    )
    assert (imp.rows_inserted, imp.rows_skipped) == (2, 2)
    assert values_by_area(jsa)[("E09000002", "January 2018")][0] == Decimal(2355)


GOOD = "DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE,OBS_STATUS_NAME\n" + "".join(
    f"December 2017,{code},{n * 5},Normal Value\n" for n, code in enumerate(["E01000001", "E01000002", "E01000003"])
)

BROKEN = {
    "wrong header": (
        b"DATE_NAME,GEOGRAPHY_CODE,VALUE\nDecember 2017,E01000001,5\n",
        1,
        "OBS_VALUE",
        "no OBS_VALUE",
    ),
    "bad number": (GOOD + "December 2017,E01000005,1O,Normal Value\n", 5, "OBS_VALUE", "'1O' is not a number"),
    "unknown period": (GOOD + "Decembre 2017,E01000005,5,Normal Value\n", 5, "DATE_NAME", "not a month"),
    "duplicate rows": (GOOD + "Dec-17,E01000002,5,Normal Value\n", 5, None, "first on line 3"),
    "empty file": ("", None, None, "empty"),
    "only a header": (GOOD.split("\n")[0] + "\n", 2, None, "no rows"),
    "wrong encoding": (GOOD + "December 2017,E01000005,5,Normal Value\n", 5, None, "not UTF-8"),
    "cut short": (GOOD + "December 2017,E01000005\n", 5, None, "has 2 fields"),
    "not an area code": (GOOD + "December 2017,Blaby,5,Normal Value\n", 5, "GEOGRAPHY_CODE", "not an area code"),
    "unknown status": (GOOD + "December 2017,E01000005,5,Very Normal\n", 5, "OBS_STATUS_NAME", "not a status"),
    "normal but empty": (GOOD + "December 2017,E01000005,,Normal Value\n", 5, "OBS_VALUE", "value is empty"),
    "bulk census layout": (CENSUS_BULK.read_bytes(), 1, "OBS_VALUE", "import_tidy"),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_a_broken_file_leaves_the_database_exactly_as_it_was(claimants, case):
    content, line, column, reason = BROKEN[case]
    city_of_london_lsoas()
    nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)  # figures that must survive
    if case == "wrong encoding":
        content = content.encode().replace(b"December 2017,E01000005", b"D\xe9cembre 2017,E01000005")
    elif isinstance(content, str):
        content = content.encode()
    before = snapshot()

    with pytest.raises(ImportFileError) as caught:
        nomis_import(source=content, indicator=claimants, file_name=f"{case}.csv")

    assert reason in caught.value.message
    assert caught.value.line == line
    assert caught.value.column == column
    assert snapshot() == before
    failed = Import.objects.get(file_name=f"{case}.csv")
    assert failed.status == Import.Status.FAILED
    assert failed.errors == [{"line": line, "column": column, "message": caught.value.message}]


def test_a_gzipped_file_imports_like_the_plain_one(claimants):
    import gzip

    city_of_london_lsoas()
    imp = nomis_import(source=gzip.compress(CLAIMANTS_EXCEL.read_bytes()), indicator=claimants, file_name="c.csv.gz")
    assert imp.rows_inserted == 5


def test_stored_figures_are_announced_after_commit(claimants, caplog, django_capture_on_commit_callbacks):
    city_of_london_lsoas()
    with caplog.at_level(logging.INFO, logger="indicators.official.signals"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            imp = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)
        assert not any("changed by import" in m for m in caplog.messages)
        for callback in callbacks:
            callback()
    assert len(callbacks) == 1
    assert f"official observations changed by import {imp.pk}" in caplog.messages


def test_a_failing_hook_does_not_fail_the_import(claimants, monkeypatch, django_capture_on_commit_callbacks):
    city_of_london_lsoas()

    def broker_down(import_id):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(hooks, "announce_observations_changed", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        imp = nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)
    assert imp.status == Import.Status.SUCCEEDED
    assert Observation.objects.count() == 5


# Census 2021 TS066 from the Nomis API (NM_2083_1), one row per category and measure (Value and Percent). Synthetic
# counts for three real Darlington 2021 LSOAs (tests/data/SOURCES.md).
NOMIS_TS066 = CENSUS_BULK.parent / "census" / "nomis_NM_2083_1_ts066_lsoa_long_synthetic.csv"
UNEMPLOYED = [
    "Economically active (excluding full-time students): Unemployed",
    "Economically active and a full-time student: Unemployed",
]


@pytest.fixture
def darlington_2021():
    darlington = LocalAuthorityFactory(code="E06000005", name="Darlington")
    return [SmallAreaFactory(code=c, local_authority=darlington) for c in ("E01012304", "E01012305", "E01012306")]


def test_categories_of_a_nomis_census_table_are_added_up(darlington_2021):
    unemployed = Indicator.objects.get(slug="census-unemployed")

    imp = nomis_import(
        source=NOMIS_TS066,
        indicator=unemployed,
        where={"C2021_EASTAT_20_NAME": UNEMPLOYED, "MEASURES_NAME": "Value"},
        sum_over="C2021_EASTAT_20_NAME",
    )

    # 61 + 9, 84 + 14, 37 + 6: the file's two unemployed categories of each area.
    assert values_by_area(unemployed) == {
        ("E01012304", "Census 2021"): (Decimal(70), NORMAL, "A"),
        ("E01012305", "Census 2021"): (Decimal(98), NORMAL, "A"),
        ("E01012306", "Census 2021"): (Decimal(43), NORMAL, "A"),
    }
    assert (imp.rows_read, imp.rows_inserted) == (36, 3)


def test_adding_up_figures_in_different_units_is_refused_with_its_line(darlington_2021):
    unemployed = Indicator.objects.get(slug="census-unemployed")
    before = snapshot()

    with pytest.raises(ImportFileError) as caught:
        nomis_import(
            source=NOMIS_TS066,
            indicator=unemployed,
            where={"C2021_EASTAT_20_NAME": UNEMPLOYED},
            sum_over="C2021_EASTAT_20_NAME",
        )

    # Line 7 is the Percent row of the first unemployed category, after its Value row on line 6.
    assert (caught.value.line, caught.value.column) == (7, "MEASURES_NAME")
    assert "'Percent' cannot be added to 'Value' (line 6)" in str(caught.value)
    assert 'choose one with --where "MEASURES_NAME=Value"' in str(caught.value)
    assert snapshot() == before


def test_summing_over_the_unit_column_itself_is_refused(darlington_2021):
    with pytest.raises(ImportFileError, match="would mix units") as caught:
        nomis_import(
            source=NOMIS_TS066, indicator=Indicator.objects.get(slug="census-unemployed"), sum_over="MEASURES_NAME"
        )
    assert (caught.value.line, caught.value.column) == (1, "MEASURES_NAME")
