import datetime as dt

import pytest

from indicators.official.importing.periods import parse_period
from indicators.official.models import Period


@pytest.mark.parametrize(
    ("label", "kind", "start"),
    [
        ("2021-12", Period.Kind.MONTH, dt.date(2021, 12, 1)),
        ("December 2021", Period.Kind.MONTH, dt.date(2021, 12, 1)),
        ("Dec 2021", Period.Kind.MONTH, dt.date(2021, 12, 1)),
        ("Dec-17", Period.Kind.MONTH, dt.date(2017, 12, 1)),
        ("Sep-99", Period.Kind.MONTH, dt.date(1999, 9, 1)),
        ("2021-12-31", Period.Kind.MONTH, dt.date(2021, 12, 1)),
        ("2011", Period.Kind.YEAR, dt.date(2011, 1, 1)),
        ("Oct 2016-Sep 2017", Period.Kind.ROLLING_YEAR, dt.date(2016, 10, 1)),
        ("Jul 2016-Jun 2017", Period.Kind.ROLLING_YEAR, dt.date(2016, 7, 1)),
        ("Jan 2017 - Mar 2017", Period.Kind.QUARTER, dt.date(2017, 1, 1)),
    ],
)
def test_reads_the_ways_files_write_periods(label, kind, start):
    assert parse_period(label) == (kind, start)


def test_a_bare_year_is_a_census_year_for_census_data():
    assert parse_period("2011", census=True) == (Period.Kind.CENSUS, dt.date(2011, 1, 1))


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("2021-13", "not a valid date"),
        ("Decembre 2021", "not a month"),
        ("Oct 2016-Mar 2017", "spans 6 months"),
        ("last month", "not a period we can read"),
        ("", "not a period we can read"),
    ],
)
def test_says_why_a_period_cannot_be_read(label, reason):
    with pytest.raises(ValueError, match=reason):
        parse_period(label)


@pytest.mark.parametrize(
    ("kind", "start", "end", "label"),
    [
        (Period.Kind.MONTH, dt.date(2017, 12, 1), dt.date(2017, 12, 31), "December 2017"),
        (Period.Kind.ROLLING_YEAR, dt.date(2016, 10, 1), dt.date(2017, 9, 30), "Oct 2016-Sep 2017"),
        (Period.Kind.QUARTER, dt.date(2017, 11, 1), dt.date(2018, 1, 31), "Nov-Jan 2018"),
        (Period.Kind.CENSUS, dt.date(2011, 1, 1), dt.date(2011, 12, 31), "Census 2011"),
        (Period.Kind.YEAR, dt.date(2020, 1, 1), dt.date(2020, 12, 31), "2020"),
    ],
)
def test_periods_have_an_end_and_a_readable_label(kind, start, end, label):
    assert Period.describe(kind, start) == (end, label)
