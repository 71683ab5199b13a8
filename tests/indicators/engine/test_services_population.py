"""Weighting with a loaded population profile: a file in the mid-year layout, through the importer, becomes the
neighbourhood's weights in the survey's age bands, and the wave's weighted mean follows by hand."""

import datetime as dt

import pytest

from indicators.engine.models import FactorScore, PopulationGroup
from indicators.engine.services.population import fielded_age_bands, population_refresh
from indicators.engine.services.refresh import recompute_all
from indicators.official.importing.population import population_import
from indicators.places.models import SmallArea
from indicators.places.population import age_band, age_bands
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory

from .builders import residents, survey, wave


def _mid_year(rows: dict[str, dict[str, int]]) -> bytes:
    """A file in the mid-year estimates' layout: the given ages, every other age 0."""
    columns = [f"{s}{a}" for s in "FM" for a in range(91)]
    lines = ["LSOA 2021 Code,LSOA 2021 Name,Total," + ",".join(columns)]
    for code, ages in rows.items():
        lines.append(f"{code},{code},{sum(ages.values())}," + ",".join(str(ages.get(c, 0)) for c in columns))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def place(db):
    la = LocalAuthorityFactory(code="E06000005", name="Darlington")
    one = SmallAreaFactory(code="E01012304", kind=SmallArea.Kind.LSOA21, local_authority=la)
    two = SmallAreaFactory(code="E01012305", kind=SmallArea.Kind.LSOA21, local_authority=la)
    return NeighbourhoodFactory(name="North Road", local_authority=la, areas=[one, two])


def test_age_bands_from_answer_codes_and_labels():
    assert (age_band("16_24").low, age_band("16_24").high) == (16, 24)
    assert (age_band("75_plus").low, age_band("75_plus").high) == (75, None)
    assert (age_band("65-plus").low, age_band("65-plus").high) == (65, None)
    assert (age_band("old", "75 or over").low, age_band("old", "75 or over").high) == (75, None)
    assert age_band("prefer_not", "Prefer not to say") is None
    with pytest.raises(ValueError, match="overlap"):
        age_bands([("16_34", ""), ("30_64", "")])


def test_the_weighted_mean_uses_the_loaded_profile(place):
    version, questions = survey(("confidence",))
    w = wave(version, [place], opens=dt.date(2025, 3, 1))
    q = questions["confidence"]
    residents(w, place, q, [80] * 5, age_band="16-34", sex="female")
    residents(w, place, q, [40] * 5, age_band="35-64", sex="male")
    recompute_all(compare=False)
    before = FactorScore.objects.get(level="neighbourhood", neighbourhood=place, factor="confidence")
    assert before.weighted_mean is None  # no profile yet
    # Area one: 60 women of 20 and 100 men of 40; area two: 40 women of 30, 200 men of 50, and 70 children
    # (outside every band). In the survey's bands: women 16-34 100, men 35-64 300.
    population_import(
        source=_mid_year({"E01012304": {"F20": 60, "M40": 100}, "E01012305": {"F30": 40, "M50": 200, "F10": 70}})
    )
    assert [b.code for b in fielded_age_bands()] == ["16-34", "35-64", "65-plus"]

    result = population_refresh()
    assert (result.neighbourhoods, result.waves) == (1, 1)
    groups = {(g.age_band, g.sex): g.people for g in PopulationGroup.objects.filter(neighbourhood=place)}
    assert {cell: n for cell, n in groups.items() if n} == {("16-34", "female"): 100, ("35-64", "male"): 300}
    assert len(groups) == 6  # every band and sex, the empty ones as 0

    figure = FactorScore.objects.get(level="neighbourhood", neighbourhood=place, factor="confidence")
    assert figure.mean == pytest.approx(60.0)  # half the respondents in each cell
    assert figure.weighted_mean == pytest.approx(0.25 * 80 + 0.75 * 40)  # 50: a quarter of adults are young women

    again = population_refresh()
    assert (again.neighbourhoods, again.unchanged, again.waves) == (0, 1, 0)


def test_no_weights_while_an_area_has_no_profile(place):
    version, _ = survey(("confidence",))
    wave(version, [place], opens=dt.date(2025, 3, 1))
    population_import(source=_mid_year({"E01012304": {"F20": 60}}))
    result = population_refresh()
    assert result.without == ["North Road"]
    assert not PopulationGroup.objects.exists()
