"""Which edition decides "deprived": the setting, else the latest complete edition, else the first loaded; a partial
load never moves it. The issue's case on the real files: 380 deprived LSOAs in the seven case-study authorities."""

from __future__ import annotations

import csv
import gzip
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from indicators.demo.places import IMD_2019_FILE
from indicators.engine.selectors.improvement import improvement_report
from indicators.places.deprivation import (
    BY_SETTING,
    FIRST_LOADED,
    LATEST_COMPLETE,
    NATIONAL_LSOA_COUNT,
    NONE_LOADED,
    EditionLoad,
    deprived_edition,
    deprived_set,
)
from indicators.places.models import Deprivation, SmallArea
from tests.factories import DeprivationFactory, LocalAuthorityFactory, SmallAreaFactory
from tests.indicators.engine.builders import figures, month, year

LOOKUP = IMD_2019_FILE.parent / "lookup_lsoa11_lsoa21_case_study_LAs.csv"
CASE_STUDY = {"E06000001", "E06000002", "E06000003", "E06000004", "E06000005", "E08000012", "E08000035"}
IOD2025_HEADER = (
    "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),"
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
)


def test_completeness_is_every_lsoa_of_the_editions_boundaries():
    assert EditionLoad("iod2025", NATIONAL_LSOA_COUNT["iod2025"]).complete
    assert not EditionLoad("iod2025", NATIONAL_LSOA_COUNT["iod2025"] - 1).complete
    assert EditionLoad("iod2019", NATIONAL_LSOA_COUNT["iod2019"]).complete
    assert not EditionLoad("iod2019", NATIONAL_LSOA_COUNT["iod2019"] - 1).complete


@pytest.mark.django_db
def test_nothing_loaded_means_iod2019_and_says_so():
    chosen = deprived_set()
    assert (chosen.edition, chosen.chosen_by, chosen.areas) == ("iod2019", NONE_LOADED, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("first", "second"), [("iod2019", "iod2025"), ("iod2025", "iod2019")])
def test_with_no_complete_edition_the_first_loaded_stays(first, second):
    la = LocalAuthorityFactory()
    for _ in range(3):
        DeprivationFactory(small_area=SmallAreaFactory(local_authority=la), edition=first, decile=1)
    assert (deprived_edition(), deprived_set().areas) == (first, 3)
    for _ in range(5):
        DeprivationFactory(small_area=SmallAreaFactory(local_authority=la), edition=second, decile=1)

    chosen = deprived_set()
    assert (chosen.edition, chosen.chosen_by, chosen.areas) == (first, FIRST_LOADED, 3)


@pytest.mark.django_db
def test_the_setting_decides_when_set():
    DeprivationFactory(edition="iod2019", decile=1)
    DeprivationFactory(edition="iod2025", decile=2)
    with override_settings(REBALANCE_DEPRIVATION_EDITION="iod2025", REBALANCE_DEPRIVED_MAX_DECILE=2):
        chosen = deprived_set()
    assert (chosen.edition, chosen.chosen_by, chosen.areas, chosen.max_decile) == ("iod2025", BY_SETTING, 1, 2)
    assert "most deprived 20%" in chosen.describe()
    assert "REBALANCE_DEPRIVATION_EDITION" in chosen.describe()


def _middlesbrough_iod2025(count: int) -> bytes:
    """A partial IoD2025 file for Middlesbrough built from the project's real files: the 2021 LSOAs and their names
    from the ONS lookup, each ranked as its 2011 parent was in IoD2019 (IoD2025's own figures are not shipped)."""
    with gzip.open(IMD_2019_FILE, "rt", encoding="utf-8") as f:
        ranks = {row[0]: (row[4], row[5]) for row in csv.reader(f)}
    with LOOKUP.open(encoding="utf-8") as f:
        rows = {
            row["lsoa21_code"]: (row["lsoa21_name"], ranks[row["lsoa11_code"]])
            for row in csv.DictReader(f)
            if row["ltla22_code"] == "E06000002"
        }
    out = io.StringIO()
    out.write(IOD2025_HEADER + "\n")
    for code in sorted(rows)[:count]:
        name, (rank, decile) = rows[code]
        out.write(f"{code},{name},E06000002,Middlesbrough,{rank},{decile}\n")
    return out.getvalue().encode()


@pytest.mark.django_db
def test_a_partial_iod2025_load_of_54_middlesbrough_lsoas_leaves_the_380_deprived_lsoas(tmp_path):
    out = io.StringIO()
    call_command("import_imd", str(IMD_2019_FILE), stdout=out)
    assert "changed from 0 LSOAs" in out.getvalue()
    case_study = SmallArea.objects.filter(local_authority__code__in=CASE_STUDY)
    deprived = case_study.filter(deprivation__edition="iod2019", deprivation__decile=1)
    assert deprived.count() == 380
    # Figures for every deprived LSOA of the seven authorities, so the report's benchmark covers all 380.
    figures("working-age-population", year(2019), dict.fromkeys(deprived, 1000))
    figures("claimant-count", month(2019, 1), dict.fromkeys(deprived, 100))
    figures("claimant-count", month(2019, 12), {a: 90 + (i % 3) * 5 for i, a in enumerate(deprived)})
    before = improvement_report(indicator_slug="worklessness", start="2019-01", end="2019-12")
    assert (before.benchmark_areas, before.reference_size) == (380, 3_284)
    assert {r.code: r.areas for r in before.local_authorities}["E08000035"] == 114
    assert deprived_set().chosen_by == LATEST_COMPLETE

    partial = tmp_path / "iod2025_middlesbrough_54.csv"
    partial.write_bytes(_middlesbrough_iod2025(54))
    out = io.StringIO()
    call_command("import_imd", str(partial), "--partial", stdout=out)

    assert Deprivation.objects.filter(edition="iod2025").count() == 54
    said = out.getvalue()
    assert "iod2025 File 1: 54 LSOAs read, 54 added" in said
    assert "The deprived set is unchanged: 3,284 LSOAs" in said
    assert "English Indices of Deprivation 2019" in said
    assert "now holds 54 of England's 33,755 LSOAs; a partial load never changes which edition is in force" in said
    chosen = deprived_set()
    assert (chosen.edition, chosen.chosen_by, chosen.areas) == ("iod2019", LATEST_COMPLETE, 3_284)
    after = improvement_report(indicator_slug="worklessness", start="2019-01", end="2019-12")
    assert after.benchmark_areas == 380
    assert [(r.code, r.areas, r.improving) for r in after.local_authorities] == [
        (r.code, r.areas, r.improving) for r in before.local_authorities
    ]
    assert len(after.local_authorities) == 7
