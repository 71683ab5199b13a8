"""Names people use: the House of Commons Library's MSOA names given to neighbourhoods that lie in one MSOA."""

import gzip
import io

import pytest
from django.core.management import CommandError, call_command

from indicators.demo.places import DATA_DIR
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.msoa_names import msoa_names_read, neighbourhoods_name
from indicators.places.models import Neighbourhood, SmallArea
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory

pytestmark = pytest.mark.django_db

SHIPPED = DATA_DIR / "msoa_names_case_study_LAs.csv.gz"
HEADER = "MSOACD,MSOANM,MSOAHCLNM,MSOAHCLNMW,LADCD_ACTIVE,LADNM_ACTIVE,MSOA11CD,MSOA11NM,MSOA11HCLNM,MSOA21CD\n"
SWARCLIFFE = "E02002370,Leeds 041,Swarcliffe,,E08000035,Leeds,E02002370,Leeds 041,Swarcliffe,E02002370\n"


def _neighbourhood(name: str, *areas: tuple[str, str, str], known_as: str = "") -> Neighbourhood:
    la = LocalAuthorityFactory()
    neighbourhood = NeighbourhoodFactory(name=name, local_authority=la, known_as=known_as)
    neighbourhood.small_areas.set(
        [SmallAreaFactory(code=code, name=area_name, kind=kind, local_authority=la) for code, area_name, kind in areas]
    )
    return neighbourhood


def test_the_shipped_file_has_every_msoa_of_the_seven_authorities():
    names = msoa_names_read(source=SHIPPED)
    assert names.rows == 263
    assert names.by_code["E02002370"].known_as == "Swarcliffe"
    assert names.layout == "geo-lookups MSOA names"


def test_a_neighbourhood_in_one_msoa_takes_its_name_and_a_second_run_changes_nothing():
    swarcliffe = _neighbourhood(
        "Leeds 041", ("E01011347", "Leeds 041A", "lsoa11"), ("E01011348", "Leeds 041B", "lsoa11")
    )
    across = _neighbourhood("Two MSOAs", ("E01000001", "Leeds 041C", "lsoa11"), ("E01000002", "Leeds 040A", "lsoa11"))
    unknown = _neighbourhood("Elsewhere", ("E01000003", "Nowhere 001A", "lsoa11"))
    empty = NeighbourhoodFactory(name="Empty")

    out = io.StringIO()
    call_command("import_msoa_names", str(SHIPPED), stdout=out)
    assert "263 MSOAs read" in out.getvalue()
    assert "1 named, 0 already had that name, 0 kept the name set before, 3 not within one MSOA" in out.getvalue()
    swarcliffe.refresh_from_db()
    assert (swarcliffe.known_as, str(swarcliffe)) == ("Swarcliffe", "Swarcliffe (Leeds 041)")
    assert [n.known_as for n in Neighbourhood.objects.filter(pk__in=[across.pk, unknown.pk, empty.pk])] == ["", "", ""]

    again = neighbourhoods_name(names=msoa_names_read(source=SHIPPED))
    assert (again.named, again.unchanged) == ([], ["Leeds 041"])


def test_a_name_an_admin_set_is_kept_unless_overwrite():
    estate = _neighbourhood("Leeds 041", ("E01011347", "Leeds 041A", "lsoa11"), known_as="The Swarcliffe estate")
    out = io.StringIO()
    call_command("import_msoa_names", str(SHIPPED), stdout=out)
    assert "Kept (use --overwrite to replace): Leeds 041" in out.getvalue()
    estate.refresh_from_db()
    assert estate.known_as == "The Swarcliffe estate"

    call_command("import_msoa_names", str(SHIPPED), "--overwrite", stdout=io.StringIO())
    estate.refresh_from_db()
    assert estate.known_as == "Swarcliffe"


def test_2021_areas_match_2021_msoas_and_an_msoa_matches_by_code():
    file = HEADER + (
        # Gone by 2021, and new in 2021 under a name that was not used in 2011.
        "E02000001,Leeds 900,Old Name,,E08000035,Leeds,E02000001,Leeds 900,Old Name,\n"
        "E02000002,Leeds 901,New Name,,E08000035,Leeds,,Leeds 901,New Name,E02000002\n"
    )
    names = msoa_names_read(source=gzip.compress(file.encode()))
    _neighbourhood("A", ("E01000001", "Leeds 900A", SmallArea.Kind.LSOA21))
    _neighbourhood("B", ("E01000002", "Leeds 901A", SmallArea.Kind.LSOA11))
    _neighbourhood("C", ("E01000003", "Leeds 901A", SmallArea.Kind.LSOA21))
    _neighbourhood("D", ("E02000002", "Leeds 901", SmallArea.Kind.MSOA21))
    result = neighbourhoods_name(names=names)
    assert sorted(result.named) == ["C", "D"]
    assert sorted(result.not_one_msoa) == ["A", "B"]
    assert {n.name: n.known_as for n in Neighbourhood.objects.all()} == {
        "A": "",
        "B": "",
        "C": "New Name",
        "D": "New Name",
    }


@pytest.mark.parametrize(
    ("header", "row"),
    [
        (
            "msoa21cd,msoa21nm,msoa21nmw,msoa21hclnm,msoa21hclnmw,localauthorityname\n",
            "E02002370,Leeds 041,,Swarcliffe,,Leeds\n",
        ),
        ("msoa11cd,msoa11nm,msoa11nmw,msoa11hclnm,msoa11hclnmw,Laname\n", "E02002370,Leeds 041,,Swarcliffe,,Leeds\n"),
    ],
)
def test_the_librarys_own_files_are_read_too(header, row):
    kind = SmallArea.Kind.LSOA21 if "msoa21" in header else SmallArea.Kind.LSOA11
    _neighbourhood("Leeds 041", ("E01011347", "Leeds 041A", kind))
    assert neighbourhoods_name(names=msoa_names_read(source=(header + row).encode())).named == ["Leeds 041"]


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("a,b\n1,2\n", 1, "not a file of MSOA names"),
        ("MSOACD,MSOANM,MSOAHCLNM\nE02002370,Leeds 041,Swarcliffe\n", 1, "has no column MSOA11CD, MSOA21CD"),
        (HEADER, 2, "header but no rows"),
        (
            HEADER + SWARCLIFFE + "E0200237,Leeds 041,Swarcliffe,,E08000035,Leeds,E0200237,Leeds 041,Swarcliffe,\n",
            3,
            "not an MSOA code",
        ),
        (HEADER + SWARCLIFFE + SWARCLIFFE, 3, "appears twice \\(first on line 2\\)"),
        (
            HEADER + SWARCLIFFE + "E02002371,Leeds 042,,,E08000035,Leeds,E02002371,Leeds 042,,E02002371\n",
            3,
            "column 'MSOAHCLNM': is empty",
        ),
        (HEADER + SWARCLIFFE + "E02002371,Leeds 042,Seacroft\n", 3, "has 3 fields where the header has 10"),
        (HEADER + SWARCLIFFE + "E02002371,Leeds 042,Seacroft,,E08000035,Leeds,,Leeds 042,Seacroft,\n", 3, "neither"),
        (
            HEADER + SWARCLIFFE + "E02002371,Leeds 042,Seacroft,,E08000035,Leeds,E02002372,Leeds 042,Seacroft,\n",
            3,
            "not the row's",
        ),
    ],
)
def test_a_bad_file_names_the_line_and_changes_nothing(content, line, reason):
    _neighbourhood("Leeds 041", ("E01011347", "Leeds 041A", "lsoa11"))
    with pytest.raises(ImportFileError, match=reason) as caught:
        msoa_names_read(source=content.encode())
    assert caught.value.line == line
    assert Neighbourhood.objects.get().known_as == ""


def test_the_command_says_where_a_bad_file_is_wrong(tmp_path):
    bad = tmp_path / "names.csv"
    bad.write_text(HEADER + SWARCLIFFE + SWARCLIFFE)
    with pytest.raises(CommandError, match=r"names.csv: line 3: MSOA E02002370 appears twice .* Nothing was changed"):
        call_command("import_msoa_names", str(bad), stdout=io.StringIO())


def test_only_one_local_authority_when_asked():
    leeds = _neighbourhood("Leeds 041", ("E01011347", "Leeds 041A", "lsoa11"))
    other = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    liverpool = NeighbourhoodFactory(name="Liverpool 001", local_authority=other)
    liverpool.small_areas.set([SmallAreaFactory(name="Liverpool 001A", local_authority=other)])
    call_command("import_msoa_names", str(SHIPPED), "--local-authority", "E08000012", stdout=io.StringIO())
    leeds.refresh_from_db()
    liverpool.refresh_from_db()
    assert (leeds.known_as, liverpool.known_as) == ("", "Fazakerley North")


def test_the_command_reads_the_shipped_file_from_anywhere(monkeypatch, tmp_path):
    _neighbourhood("Leeds 041", ("E01011347", "Leeds 041A", "lsoa11"))
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("import_msoa_names", stdout=out)
    assert "263 MSOAs read" in out.getvalue()
    assert Neighbourhood.objects.get().known_as == "Swarcliffe"
