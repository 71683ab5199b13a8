"""The LSOA 2011 → 2021 lookup, and figures carried between boundary sets."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.demo.places import DATA_DIR
from indicators.official.importing.files import ImportFileError
from indicators.official.importing.lookup import crosswalk, lookup_import
from indicators.official.models import Indicator, LsoaLookup, Period
from indicators.places.models import SmallArea
from tests.factories import LocalAuthorityFactory, ObservationFactory, SmallAreaFactory
from tests.indicators.official.helpers import snapshot

pytestmark = pytest.mark.django_db

LOOKUP = DATA_DIR / "lookup_lsoa11_lsoa21_case_study_LAs.csv"
HEADER = "lsoa11_name,lsoa11_code,change_code,lsoa21_name,lsoa21_code,ltla22_name,ltla22_code\n"


def test_the_case_study_lookup_loads_and_again_changes_nothing():
    out = io.StringIO()
    call_command("import_lookup", str(LOOKUP), stdout=out)
    assert "1,221 lookup rows (M 12, S 47, U 1,162): 1,221 added" in out.getvalue()
    split = LsoaLookup.objects.filter(lsoa11_code="E01006513").order_by("lsoa21_code")
    assert [(r.lsoa21_code, r.change, r.local_authority_code) for r in split] == [
        ("E01034405", "S", "E08000012"),
        ("E01034406", "S", "E08000012"),
    ]
    again = lookup_import(source=LOOKUP)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1221)


def test_the_national_file_layout_is_read_the_same_way():
    national = (
        "LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,CHGIND,LAD22CD,LAD22NM,LAD22NMW,ObjectId\n"
        "E01006512,Liverpool 031A,E01006512,Liverpool 031A,U,E08000012,Liverpool,,1\n"
    )
    assert lookup_import(source=national.encode()).created == 1
    assert LsoaLookup.objects.get().lsoa11_name == "Liverpool 031A"


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("a,b\n1,2\n", 1, "not an LSOA 2011 to 2021 lookup"),
        (HEADER + "A,E01006512,U,A,E01006512,L,E08000012\nB,E01006513,Z,B,E01034405,L,E08000012\n", 3, "not U, S"),
        (HEADER + "A,E01006512,U,A,E01006512,L,E08000012\nB,E0100651,S,B,E01034405,L,E08000012\n", 3, "valid code"),
        (HEADER + "A,E01006512,U,A,E01006512,L,E08000012\nA,E01006512,U,A,E01006512,L,E08000012\n", 3, "twice"),
        (HEADER + "A,E01006512,U,A,E01006512,L,E08000012\nA,E01006511,U,A,E01006519,L,E08000012\n", 3, "keep its"),
    ],
)
def test_a_broken_lookup_changes_nothing(content, line, reason):
    lookup_import(source=LOOKUP)
    before = snapshot()
    with pytest.raises(ImportFileError, match=reason) as caught:
        lookup_import(source=content.encode())
    assert caught.value.line == line
    assert snapshot() == before


@pytest.fixture
def liverpool():
    lookup_import(source=LOOKUP)
    return LocalAuthorityFactory(code="E08000012", name="Liverpool")


def _area(code, kind, la):
    return SmallAreaFactory(code=code, kind=kind, local_authority=la)


def test_split_areas_share_by_population_and_merged_ones_add_up(liverpool):
    population = Indicator.objects.get(slug="working-age-population")
    claimants = Indicator.objects.get(slug="claimant-count")
    period = Period.objects.create(kind="month", start="2021-03-01", end="2021-03-31", label="March 2021")
    year = Period.objects.create(kind="year", start="2021-01-01", end="2021-12-31", label="2021")
    # Figures on 2011 areas: one that splits (E01006513 → E01034405 + E01034406), two that merge into E01034401.
    for code, value in (("E01006513", 40), ("E01006720", 10), ("E01006752", 25), ("E01006512", 5)):
        ObservationFactory(indicator=claimants, period=period, small_area=_area(code, "lsoa11", liverpool), value=value)
    # The split parts' populations: 300 and 900, so they get a quarter and three quarters.
    parts = {"E01034405": 300, "E01034406": 900}
    new = {code: _area(code, "lsoa21", liverpool) for code in [*parts, "E01034401"]}
    for code, people in parts.items():
        ObservationFactory(indicator=population, period=year, small_area=new[code], value=people)
    walk = crosswalk(target_codes={"E01034405", "E01034406", "E01034401"}, to_kind="lsoa21", population=population)
    assert walk.shares == {
        "E01034405": [("E01006513", Decimal("0.25"))],
        "E01034406": [("E01006513", Decimal("0.75"))],
        "E01034401": [("E01006720", Decimal(1)), ("E01006752", Decimal(1))],
    }
    assert walk.unresolved == {}


def test_a_split_without_population_is_reported_not_guessed(liverpool):
    walk = crosswalk(target_codes={"E01034405"}, to_kind="lsoa21")

    assert walk.shares == {}
    assert "population is not known" in walk.unresolved["E01034405"]


def test_2021_figures_carried_back_to_2011_areas(liverpool):
    population = Indicator.objects.get(slug="working-age-population")
    year = Period.objects.create(kind="year", start="2021-01-01", end="2021-12-31", label="2021")
    old = {code: _area(code, "lsoa11", liverpool) for code in ("E01006513", "E01006720", "E01006752")}
    ObservationFactory(indicator=population, period=year, small_area=old["E01006720"], value=600)
    ObservationFactory(indicator=population, period=year, small_area=old["E01006752"], value=400)
    walk = crosswalk(target_codes={"E01006513", "E01006720"}, to_kind="lsoa11", population=population)

    # Both parts of the split add up to the old area; the old area gets 60% of the merge it went into.
    assert walk.shares == {
        "E01006513": [("E01034405", Decimal(1)), ("E01034406", Decimal(1))],
        "E01006720": [("E01034401", Decimal("0.6"))],
    }


def test_complex_changes_are_reported():
    lookup_import(
        source=(HEADER + "A,E01000010,X,B,E01035000,L,E08000012\nA,E01000010,X,C,E01035001,L,E08000012\n").encode()
    )
    walk = crosswalk(target_codes={"E01035000", "E01099999"}, to_kind=SmallArea.Kind.LSOA21)
    assert walk.shares == {}
    assert walk.unresolved == {
        "E01035000": "complex boundary change (X): not carried across",
        "E01099999": "not in the LSOA 2011 to 2021 lookup",
    }
