"""Demo official figures for the demo neighbourhoods' LSOAs.

The real sample files cover only a handful of LSOAs, so the demo series is SYNTHETIC, and labelled so on its
imports ("synthetic demo data"). It is made to look like the real thing: working-age populations of about 900 to
1,200 per LSOA (one figure a year), claimant counts rounded to 5 as Nomis publishes them, monthly from January 2013
to two months before the day of seeding (Nomis's usual lag, so the figures reach the demo's survey waves),
falling to 2019, rising in 2020 and easing after, some neighbourhoods improving faster than others. It goes through
the same importer as real files, so it is idempotent: the same generated file twice is recognised by its hash.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from django.utils import timezone

from indicators.demo.places import DATA_DIR
from indicators.official.catalogue import ensure_indicators
from indicators.official.importing.lookup import lookup_import
from indicators.official.importing.tidy import tidy_import
from indicators.official.models import Import, Indicator, LsoaLookup
from indicators.places.models import Neighbourhood

SOURCE = "synthetic demo data (not official figures)"
FIRST_YEAR = 2013

# The claimant rate (% of 16-64s) of a typical deprived LSOA, by year: falling to 2019, the 2020 jump, then easing.
NATIONAL_PATH = {
    2013: 9.0, 2014: 7.4, 2015: 6.3, 2016: 6.0, 2017: 6.1, 2018: 6.5, 2019: 6.9,
    2020: 11.8, 2021: 10.6, 2022: 8.4, 2023: 8.6, 2024: 9.1, 2025: 9.3,
}  # fmt: skip
PUBLICATION_LAG_MONTHS = 2


def _national(year: int) -> float:
    """The typical rate in a year, drifting gently up after the last year written down."""
    last = max(NATIONAL_PATH)
    return NATIONAL_PATH.get(year, NATIONAL_PATH[last] + 0.2 * (year - last))


def last_month(today: dt.date) -> dt.date:
    """The latest month published on ``today``."""
    months = today.year * 12 + today.month - 1 - PUBLICATION_LAG_MONTHS
    return dt.date(months // 12, months % 12 + 1, 1)


def _unit(code: str, salt: str) -> float:
    """A stable number in [0, 1) for an area: the same demo every time, on every machine."""
    digest = hashlib.sha256(f"{salt}:{code}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _months(last: dt.date):
    month = dt.date(FIRST_YEAR, 1, 1)
    while month <= last:
        yield month
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def demo_series(codes: list[str], today: dt.date | None = None) -> tuple[bytes, bytes]:
    """(populations CSV, claimant counts CSV) in the tidy layout ``date,area_code,value``, up to the latest month
    published on ``today``."""
    last = last_month(today or timezone.localdate())
    people, claimants = io.StringIO(), io.StringIO()
    people.write("date,area_code,value\n")
    claimants.write("date,area_code,value\n")
    population: dict[tuple[str, int], int] = {}
    for code in codes:
        base = 900 + int(_unit(code, "people") * 300)
        for year in range(FIRST_YEAR, last.year + 1):
            size = base + int((year - FIRST_YEAR) * (_unit(code, "growth") * 8 - 3))
            population[(code, year)] = size
            people.write(f"{year},{code},{size}\n")
    for code in codes:
        level = 0.8 + _unit(code, "level") * 0.7  # how deprived this LSOA is against the typical one
        drift = (_unit(code, "drift") - 0.5) * 0.05  # improving (negative) or lagging (positive), per year
        for month in _months(last):
            years_in = month.year - FIRST_YEAR + (month.month - 1) / 12
            seasonal = 1 + 0.03 * (1 if month.month in (1, 2, 12) else -1 if month.month in (6, 7, 8) else 0)
            rate = _national(month.year) * level * (1 + drift * years_in) * seasonal
            count = population[(code, month.year)] * max(rate, 0.5) / 100
            claimants.write(f"{month:%Y-%m},{code},{int(round(count / 5) * 5)}\n")
    return people.getvalue().encode(), claimants.getvalue().encode()


def seed_official(*, neighbourhoods=None) -> list[Import]:
    """Make sure the standard indicators exist, load the case-study LSOA 2011→2021 lookup (real), and load the
    synthetic series for the neighbourhoods' LSOAs."""
    ensure_indicators(Indicator)
    if not LsoaLookup.objects.exists():
        lookup_import(source=DATA_DIR / "lookup_lsoa11_lsoa21_case_study_LAs.csv")
    neighbourhoods = Neighbourhood.objects.all() if neighbourhoods is None else neighbourhoods
    codes = sorted(set(neighbourhoods.values_list("small_areas__code", flat=True)) - {None})
    if not codes:
        return []
    people, claimants = demo_series(codes)
    columns = {"area_column": "area_code", "period_column": "date", "value_column": "value"}
    return [
        tidy_import(
            source=people,
            indicator=Indicator.objects.get(slug="working-age-population"),
            file_name="demo-working-age-population.csv",
            source_label=SOURCE,
            **columns,
        ),
        tidy_import(
            source=claimants,
            indicator=Indicator.objects.get(slug="claimant-count"),
            file_name="demo-claimant-count.csv",
            source_label=SOURCE,
            **columns,
        ),
    ]
