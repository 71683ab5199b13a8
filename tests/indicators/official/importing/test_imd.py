"""import_imd on the real IoD2019 file and on every kind of broken file."""

from __future__ import annotations

import gzip
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.demo.places import IMD_2019_FILE
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.imd import imd_import
from indicators.official.models import DeprivationDomain
from indicators.places.models import Deprivation, LocalAuthority, SmallArea

FILE1_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile"
)
# IoD2019 File 7 layout, first columns; long names cut short as in some circulated copies.
FILE7_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
    "Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most depr,"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs),Income Score (rate)"
)
IOD2025_HEADER = (
    "LSOA code (2021),LSOA name (2021),Local Authority District code (2024),Local Authority District name (2024),"
    "Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived),"
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
)


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def _snapshot():
    return (
        sorted(LocalAuthority.objects.values_list("code", "name")),
        sorted(SmallArea.objects.values_list("code", "name", "kind")),
        sorted(Deprivation.objects.values_list("small_area__code", "edition", "rank", "decile", "score")),
    )


@pytest.mark.django_db
def test_real_iod2019_file_loads_every_lsoa_and_reimport_changes_nothing():
    result = imd_import(source=IMD_2019_FILE)

    assert (result.edition, result.file_kind, result.rows, result.created) == ("iod2019", "File 1", 32_844, 32_844)
    assert Deprivation.objects.filter(edition="iod2019").count() == 32_844
    assert Deprivation.objects.filter(decile=1).count() == 3_284  # the 10% most deprived, as published
    city = Deprivation.objects.get(small_area__code="E01000001")
    assert (city.rank, city.decile, city.small_area.local_authority.code) == (29_199, 9, "E09000001")
    # Names with commas come quoted ("Bournemouth, Christchurch and Poole") and must not shift columns.
    assert LocalAuthority.objects.get(code="E06000058").name == "Bournemouth, Christchurch and Poole"
    assert Deprivation.objects.get(small_area__code="E01013651").rank == 2852
    before = _snapshot()

    again = imd_import(source=IMD_2019_FILE)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 32_844)
    assert _snapshot() == before


@pytest.mark.django_db
def test_file7_with_cut_short_names_and_scores():
    result = imd_import(
        source=_csv(FILE7_HEADER, "E01000001,City of London 001A,E09000001,City of London,6.208,29199,9,0.007"),
        partial=True,
    )
    assert result.file_kind == "File 7"
    row = Deprivation.objects.get()
    assert (str(row.score), row.rank, row.decile) == ("6.208", 29199, 9)


@pytest.mark.django_db
def test_iod2025_file_is_recognised_as_2021_boundaries():
    result = imd_import(
        source=_csv(IOD2025_HEADER, "E01035000,Leeds 120A,E08000035,Leeds,70.1,12,1"),
        partial=True,
    )
    assert result.edition == "iod2025"
    assert SmallArea.objects.get(code="E01035000").kind == "lsoa21"


@pytest.mark.django_db
def test_gzip_is_accepted():
    data = gzip.compress(_csv(FILE1_HEADER, "E01000001,City of London 001A,E09000001,City of London,29199,9"))
    assert imd_import(source=io.BytesIO(data), partial=True).rows == 1


@pytest.mark.django_db
def test_corrected_rank_updates_only_that_row():
    imd_import(
        source=_csv(FILE1_HEADER, "E01000001,A 001A,E09000001,City,5,1", "E01000002,A 001B,E09000001,City,6,1"),
        partial=True,
    )
    result = imd_import(
        source=_csv(FILE1_HEADER, "E01000001,A 001A,E09000001,City,5,1", "E01000002,A 001B,E09000001,City,7,1"),
        partial=True,
    )
    assert (result.updated, result.unchanged) == (1, 1)
    assert Deprivation.objects.get(small_area__code="E01000002").rank == 7


BROKEN = {
    "missing decile column": (
        _csv(FILE1_HEADER.rsplit(",", 1)[0], "E01000001,A,E09000001,City,5"),
        "no column starting 'Index of Multiple Deprivation (IMD) Decile'",
    ),
    "not an IMD file": (
        _csv("date,area_code,count", "2020-01,E01000001,5"),
        "not an English Indices of Deprivation file",
    ),
    "bad decile": (
        _csv(FILE1_HEADER, "E01000001,A,E09000001,City,5,11"),
        "line 2, column 'Index of Multiple Deprivation (IMD) Decile': 11 is outside 1 to 10",
    ),
    "not a number": (
        _csv(FILE1_HEADER, "E01000001,A,E09000001,City,five,1"),
        "line 2, column 'Index of Multiple Deprivation (IMD) Rank': 'five' is not a whole number",
    ),
    "bad LSOA code": (_csv(FILE1_HEADER, "E02000001,A,E09000001,City,5,1"), "'E02000001' is not an LSOA code"),
    "duplicate LSOA": (
        _csv(FILE1_HEADER, "E01000001,A,E09000001,City,5,1", "E01000001,A,E09000001,City,6,1"),
        "line 3: LSOA E01000001 appears twice (first on line 2)",
    ),
    "row cut short": (
        _csv(FILE1_HEADER, "E01000001,A,E09000001,City,5,1", "E01000002,A,E09000001"),
        "line 3: has 3 fields",
    ),
    "header only": (_csv(FILE1_HEADER), "no rows"),
    "empty file": (b"", "the file is empty"),
    "not UTF-8": (
        _csv(FILE1_HEADER, "E01000001,Ysgol Gymraeg,E09000001,City,5,1").replace(b"Gym", b"\xff"),
        "not UTF-8",
    ),
    "damaged gzip": (
        gzip.compress(_csv(FILE1_HEADER, "E01000001,A,E09000001,City,5,1"))[:-12],
        "gzip file is damaged or cut short",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BROKEN.keys())
def test_broken_files_say_where_and_change_nothing(case):
    imd_import(source=_csv(FILE1_HEADER, "E01000009,Kept 001A,E09000001,City,9,1"), partial=True)
    before = _snapshot()
    data, message = BROKEN[case]

    with pytest.raises(ImportFileError) as error:
        imd_import(source=data, partial=True)

    assert message in str(error.value)
    assert _snapshot() == before


@pytest.mark.django_db
def test_a_national_file_cut_short_at_a_row_boundary_is_refused(tmp_path: Path):
    lines = gzip.decompress(IMD_2019_FILE.read_bytes()).decode().splitlines()[:1001]
    path = tmp_path / "cut.csv"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(CommandError, match=r"has 32,844 LSOAs but this one has 1,000 .*cut short.*Nothing was changed"):
        call_command("import_imd", str(path))
    assert not Deprivation.objects.exists()


@pytest.mark.django_db
def test_command_reports_counts(tmp_path: Path):
    path = tmp_path / "subset.csv"
    path.write_bytes(_csv(FILE1_HEADER, "E01000001,A 001A,E09000001,City,5,1"))
    out = io.StringIO()
    call_command("import_imd", str(path), "--partial", stdout=out)
    assert "iod2019 File 1: 1 LSOAs read, 1 added, 0 updated, 0 unchanged." in out.getvalue()


@pytest.mark.django_db
def test_iod2019_then_iod2025_leave_each_on_its_own_vintage_of_a_shared_code():
    imd_import(source=_csv(FILE1_HEADER, "E01000001,City 001A,E09000001,City of London,29199,9"), partial=True)
    imd_import(source=_csv(IOD2025_HEADER, "E01000001,City 001A,E09000001,City of London,70.1,31000,10"), partial=True)
    imd_import(source=_csv(FILE1_HEADER, "E01000001,City 001A,E09000001,City of London,29199,9"), partial=True)

    by_kind = dict(SmallArea.objects.filter(code="E01000001").values_list("kind", "deprivation__edition"))
    assert by_kind == {"lsoa11": "iod2019", "lsoa21": "iod2025"}
    assert Deprivation.objects.get(edition="iod2025").rank == 31000


# IoD2019 File 7's columns up to the domains and the first supplementary index, as published; the rows are the
# real IMD figures of two City of London LSOAs with synthetic domain figures.
_DOMAIN_NAMES = (
    ("Income", " (rate)"),
    ("Employment", " (rate)"),
    ("Education, Skills and Training", ""),
    ("Health Deprivation and Disability", ""),
    ("Crime", ""),
    ("Barriers to Housing and Services", ""),
    ("Living Environment", ""),
)
FILE7_DOMAINS_HEADER = ",".join(
    [
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019)",
        "Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    ]
    + [
        f'"{name} Score{rate}","{name} Rank (where 1 is most deprived)",'
        f'"{name} Decile (where 1 is most deprived 10% of LSOAs)"'
        for name, rate in _DOMAIN_NAMES
    ]
    + ["Income Deprivation Affecting Children Index (IDACI) Score (rate)"]
)
FILE7_DOMAIN_ROWS = (
    "E01000001,City of London 001A,E09000001,City of London,6.208,29199,9,"
    "0.007,32831,10,0.010,32742,10,0.024,32842,10,-1.654,32612,10,-2.012,32662,10,29.227,7319,3,31.870,4380,2,0.006",
    "E01000002,City of London 001B,E09000001,City of London,5.143,30379,10,"
    "0.034,29901,10,0.027,31190,10,0.063,32832,10,-1.115,31391,10,-2.343,32765,10,24.303,11326,4,23.083,8856,3,0.037",
)


@pytest.mark.django_db
def test_file7_domains_are_stored_per_area_edition_and_domain_and_reimport_changes_nothing():
    result = imd_import(source=_csv(FILE7_DOMAINS_HEADER, *FILE7_DOMAIN_ROWS), partial=True)

    assert result.domains == tuple(DeprivationDomain.Domain)
    assert result.domain_figures_changed == 14
    stored = {
        (d.small_area.code, d.domain): (d.score, d.rank, d.decile)
        for d in DeprivationDomain.objects.select_related("small_area").filter(edition="iod2019")
    }
    assert len(stored) == 14
    assert stored[("E01000001", "income")] == (Decimal("0.007"), 32831, 10)
    assert stored[("E01000001", "barriers")] == (Decimal("29.227"), 7319, 3)
    assert stored[("E01000002", "living_environment")] == (Decimal("23.083"), 8856, 3)
    assert stored[("E01000002", "crime")] == (Decimal("-2.343"), 32765, 10)

    again = imd_import(source=_csv(FILE7_DOMAINS_HEADER, *FILE7_DOMAIN_ROWS), partial=True)
    assert (again.created, again.updated, again.domain_figures_changed, again.changed) == (0, 0, 0, False)


@pytest.mark.django_db
def test_a_bad_domain_decile_names_its_line_and_column_and_stores_nothing():
    broken = FILE7_DOMAIN_ROWS[1].replace(",24.303,11326,4,", ",24.303,11326,11,")

    with pytest.raises(ImportFileError) as caught:
        imd_import(source=_csv(FILE7_DOMAINS_HEADER, FILE7_DOMAIN_ROWS[0], broken), partial=True)

    assert caught.value.line == 3
    assert caught.value.column == "Barriers to Housing and Services Decile (where 1 is most deprived 10% of LSOAs)"
    assert not DeprivationDomain.objects.exists()
    assert not Deprivation.objects.exists()


@pytest.mark.django_db
def test_a_file1_stores_no_domains():
    imd_import(
        source=_csv(FILE1_HEADER, "E01000001,City of London 001A,E09000001,City of London,29199,9"), partial=True
    )
    assert not DeprivationDomain.objects.exists()


@pytest.mark.django_db
def test_the_command_says_which_domains_it_stored(tmp_path):
    path = tmp_path / "file7.csv"
    path.write_bytes(_csv(FILE7_DOMAINS_HEADER, *FILE7_DOMAIN_ROWS))
    out = io.StringIO()
    call_command("import_imd", str(path), "--partial", stdout=out)
    assert "Domains stored: income, employment, education, health, crime, barriers, living_environment (14 " in (
        out.getvalue()
    )
