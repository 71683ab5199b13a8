"""Reading the ways official files write a period, into one normalised (kind, start)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

from indicators.official.models import Period

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

EXAMPLES = "e.g. 2021-12, December 2021, Dec-21, 2011 or Oct 2016-Sep 2017"

_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.? (\d{4})$")
_EXCEL_MONTH = re.compile(r"^([A-Za-z]{3,9})[- ](\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^([A-Za-z]{3,9}) (\d{4}) ?[-\u2013] ?([A-Za-z]{3,9}) (\d{4})$")


class PeriodKey(NamedTuple):
    kind: str
    start: dt.date


def _month(name: str) -> int:
    number = MONTHS.get(name.casefold())
    if number is None:
        raise ValueError(f"'{name}' is not a month")
    return number


@lru_cache(maxsize=4096)
def parse_period(text: str, *, census: bool = False) -> PeriodKey:
    """The period a label names. A bare year is a calendar year, or a census year for census data (as is a
    census day, 2021-03-21).

    Raises ValueError saying what was expected.
    """
    raw = " ".join(text.split())
    try:
        if match := _YEAR_MONTH.match(raw):
            return PeriodKey(Period.Kind.MONTH, dt.date(int(match[1]), int(match[2]), 1))
        if match := _ISO_DATE.match(raw):
            # A day stands for its month: councils date monthly extracts on the 1st or the last day. For census
            # data it is census day (2021-03-21), which stands for the census year.
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            if census:
                return PeriodKey(Period.Kind.CENSUS, dt.date(day.year, 1, 1))
            return PeriodKey(Period.Kind.MONTH, day.replace(day=1))
        if match := _MONTH_YEAR.match(raw):
            return PeriodKey(Period.Kind.MONTH, dt.date(int(match[2]), _month(match[1]), 1))
        if match := _EXCEL_MONTH.match(raw):
            # Excel's "Dec-17": two-digit years are this century (Nomis series start in the 1970s at the earliest).
            year = int(match[2])
            year += 1900 if year >= 70 else 2000
            return PeriodKey(Period.Kind.MONTH, dt.date(year, _month(match[1]), 1))
        if match := _YEAR.match(raw):
            return PeriodKey(Period.Kind.CENSUS if census else Period.Kind.YEAR, dt.date(int(match[1]), 1, 1))
        if match := _SPAN.match(raw):
            start = dt.date(int(match[2]), _month(match[1]), 1)
            end_month = _month(match[3])
            months = (int(match[4]) - start.year) * 12 + end_month - start.month + 1
            if months == 12:
                return PeriodKey(Period.Kind.ROLLING_YEAR, start)
            if months == 3:
                return PeriodKey(Period.Kind.QUARTER, start)
            raise ValueError(f"'{text}' spans {months} months; only 3-month and 12-month periods are read")
    except ValueError as exc:
        if "spans" in str(exc) or "is not a month" in str(exc):
            raise
        raise ValueError(f"'{text}' is not a valid date ({exc})") from None
    raise ValueError(f"'{text}' is not a period we can read ({EXAMPLES})")
