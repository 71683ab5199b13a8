"""Population profiles from ONS files: the mid-year estimates and a Census 2021 sex-by-age table, each in its
published layout; every bad input named by line and column; loading twice changes nothing."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from indicators.audit.models import AuditEntry
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.population import census_age, population_import, population_read
from indicators.places.models import SmallArea
from indicators.places.population import AreaPopulation
from tests.factories import LocalAuthorityFactory, SmallAreaFactory

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[3] / "data" / "population"
MID_YEAR = DATA / "ons_mid2022_lsoa2021_sya_synthetic.csv"
CENSUS = DATA / "ons_census2021_sex_by_age_lsoa_long_synthetic.csv"
CODES = ["E01012304", "E01012305", "E01012306"]


@pytest.fixture
def areas():
    darlington = LocalAuthorityFactory(code="E06000005", name="Darlington")
    return {
        code: SmallAreaFactory(
            code=code, name=f"Darlington 012{letter}", kind=SmallArea.Kind.LSOA21, local_authority=darlington
        )
        for code, letter in zip(CODES, "ABC", strict=True)
    }


def _mid_year_rows() -> list[dict]:
    """The file read with nothing but the csv module: what the importer must agree with."""
    lines = MID_YEAR.read_text().splitlines()[2:]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


def _edited(tmp_path, source: Path, change) -> Path:
    lines = source.read_text().splitlines()
    out = tmp_path / source.name
    out.write_text("\n".join(change(lines)) + "\n")
    return out


def _cells(line: str) -> list[str]:
    return next(csv.reader([line]))


def _joined(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(cells)
    return buffer.getvalue()


def test_mid_year_estimates_in_the_published_layout(areas):
    result = population_import(source=MID_YEAR)
    assert (result.layout, result.rows, result.areas, result.added, result.unknown) == ("mid-year", 3, 3, 3, [])
    rows = _mid_year_rows()
    assert result.people == sum(int(r["Total"]) for r in rows)
    first = areas["E01012304"]
    held = AreaPopulation.objects.filter(small_area=first)
    assert held.count() == 182  # 91 ages of each sex
    assert held.get(sex="female", age_from=30).people == int(rows[0]["F30"])
    top = held.get(sex="male", age_from=90)
    assert (top.age_to, top.people) == (None, int(rows[0]["M90"]))  # 90 and over
    assert held.get(sex="female", age_from=89).age_to == 89
    assert "ONS mid-year population estimates" in top.source


def test_census_table_in_long_form(areas):
    result = population_import(source=CENSUS)
    assert (result.layout, result.rows, result.added) == ("census", 3 * 2 * 101, 3)
    held = AreaPopulation.objects.filter(small_area=areas["E01012305"], sex="female")
    assert held.count() == 101
    assert held.get(age_from=100).age_to is None
    assert held.get(age_from=0).age_to == 0  # "Aged under 1 year"


def test_loading_twice_changes_nothing_and_a_new_file_replaces(areas, tmp_path):
    population_import(source=MID_YEAR)
    ids = set(AreaPopulation.objects.values_list("pk", flat=True))
    again = population_import(source=MID_YEAR)
    assert (again.added, again.replaced, again.unchanged) == (0, 0, 3)
    assert set(AreaPopulation.objects.values_list("pk", flat=True)) == ids

    def one_more_woman_of_30(lines):
        cells = _cells(lines[3])
        header = _cells(lines[2])
        for name in ("F30", "Total"):
            cells[header.index(name)] = str(int(cells[header.index(name)]) + 1)
        return [*lines[:3], _joined(cells), *lines[4:]]

    changed = population_import(source=_edited(tmp_path, MID_YEAR, one_more_woman_of_30))
    assert (changed.added, changed.replaced, changed.unchanged) == (0, 1, 2)
    first = areas["E01012304"]
    assert AreaPopulation.objects.get(small_area=first, sex="female", age_from=30).people == (
        int(_mid_year_rows()[0]["F30"]) + 1
    )
    assert AreaPopulation.objects.count() == 3 * 182


def test_codes_we_do_not_hold_are_reported_not_lost(areas):
    areas["E01012306"].delete()
    result = population_import(source=MID_YEAR)
    assert (result.added, result.unknown) == (2, ["E01012306"])


def _mid_year_error(tmp_path, change) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        population_import(source=_edited(tmp_path, MID_YEAR, change))
    return caught.value


def _set(line_index: int, column: str, value: str):
    def change(lines):
        header = _cells(lines[2])
        cells = _cells(lines[line_index])
        cells[header.index(column)] = value
        return [*lines[:line_index], _joined(cells), *lines[line_index + 1 :]]

    return change


@pytest.mark.parametrize(
    ("line_index", "column", "value", "line", "message"),
    [
        (3, "F30", "twelve", 4, "'twelve' is not a number of people"),
        (4, "M7", "-3", 5, "'-3' is not a number of people"),
        (5, "LSOA 2021 Code", "X01012306", 6, "not an LSOA code"),
        (3, "Total", "5", 4, "the ages add up to"),
    ],
)
def test_each_bad_cell_is_named_by_line_and_column(areas, tmp_path, line_index, column, value, line, message):
    error = _mid_year_error(tmp_path, _set(line_index, column, value))
    assert (error.line, error.column) == (line, column)
    assert message in error.message
    assert not AreaPopulation.objects.exists()  # the good rows before it were not written either


def test_a_missing_age_column_names_the_header_line(areas, tmp_path):
    def drop_m90(lines):
        return [*lines[:2], *(_joined(_cells(line)[:-1]) for line in lines[2:])]

    error = _mid_year_error(tmp_path, drop_m90)
    assert (error.line, error.column) == (3, "M90")


def test_a_row_twice_and_a_short_row(areas, tmp_path):
    error = _mid_year_error(tmp_path, lambda lines: [*lines, lines[3]])
    assert error.line == 7
    assert "appears twice (first on line 4)" in error.message
    error = _mid_year_error(tmp_path, lambda lines: [*lines[:4], ",".join(_cells(lines[4])[:10]), *lines[5:]])
    assert error.line == 5
    assert "fields where the header has 187" in error.message


def test_census_errors_name_line_and_column(areas, tmp_path):
    def relabel(index, column, value):
        def change(lines):
            header = _cells(lines[0])
            cells = _cells(lines[index])
            cells[header.index(column)] = value
            return [*lines[:index], _joined(cells), *lines[index + 1 :]]

        return change

    for change, line, column, message in (
        (relabel(5, "Age (101 categories)", "Aged about 4"), 6, "Age (101 categories)", "not an age we can read"),
        (relabel(7, "Sex (2 categories)", "Unknown"), 8, "Sex (2 categories)", "not Female or Male"),
        (relabel(9, "Observation", "1.5"), 10, "Observation", "not a number of people"),
        (relabel(3, "Age (101 categories)", "Aged 1 year"), 4, "Age (101 categories)", "appears twice"),
    ):
        with pytest.raises(ImportFileError) as caught:
            population_import(source=_edited(tmp_path, CENSUS, change))
        assert (caught.value.line, caught.value.column) == (line, column), caught.value
        assert message in caught.value.message
    assert not AreaPopulation.objects.exists()


def test_census_totals_are_passed_over(areas, tmp_path):
    def with_total(lines):
        return [*lines, "E01012304,Darlington 012A,0,All persons,0,Total,2000"]

    result = population_import(source=_edited(tmp_path, CENSUS, with_total))
    assert result.totals_skipped == 1
    assert result.rows == 606


def test_not_a_population_file(areas):
    with pytest.raises(ImportFileError) as caught:
        population_read(source=b"date,area,count\n2021,E01012304,5\n")
    assert caught.value.line == 1
    assert "not a population file we know" in caught.value.message
    with pytest.raises(ImportFileError, match="no column F0"):
        population_read(source=b"LSOA 2021 Code,Total\nE01012304,5\n", layout="mid-year")


@pytest.mark.parametrize(
    ("label", "years"),
    [
        ("Aged under 1 year", (0, 0)),
        ("Aged 1 year", (1, 1)),
        ("Aged 57 years", (57, 57)),
        ("Aged 100 years and over", (100, None)),
        ("Aged 4 years and under", (0, 4)),
        ("Aged 5 to 9 years", (5, 9)),
        ("Total", None),
    ],
)
def test_census_age_labels(label, years):
    assert census_age(label) == years


def test_the_command_reports_and_is_audited(areas):
    out = io.StringIO()
    call_command("import_population", str(MID_YEAR), stdout=out)
    assert "3 rows, 3 LSOAs: 3 added, 0 replaced, 0 unchanged" in out.getvalue()
    assert AuditEntry.objects.filter(action="import", object_type="indicators.areapopulation").count() == 1


def test_the_command_refuses_a_bad_file_and_changes_nothing(areas, tmp_path):
    bad = _edited(tmp_path, MID_YEAR, _set(4, "F3", "x"))
    with pytest.raises(CommandError, match=r"line 5, column 'F3'.*Nothing was changed"):
        call_command("import_population", str(bad), "--layout", "mid-year", stdout=io.StringIO())
    assert not AreaPopulation.objects.exists()
