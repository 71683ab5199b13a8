"""IoD domains on the neighbourhood page: counted over the neighbourhood's LSOAs (never averaged) and shown
beside the factor or figure they speak to."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.monitoring.presenters import neighbourhood as presenter
from indicators.monitoring.selectors.neighbourhood import neighbourhood_page
from indicators.official.importing.imd import DOMAIN_NAMES, imd_import
from tests.indicators.monitoring.world import build_world

DOMAIN_HEADER = ",".join(
    [
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019)",
        "Index of Multiple Deprivation (IMD) Score,Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
        "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    ]
    + [
        f'"{name} Score","{name} Rank (where 1 is most deprived)",'
        f'"{name} Decile (where 1 is most deprived 10% of LSOAs)"'
        for name in DOMAIN_NAMES.values()
    ]
)

# Domain → the deciles of Harehills' two small areas, in code order.
HAREHILLS = {
    "income": (1, 2),
    "employment": (1, 1),
    "education": (2, 3),
    "health": (2, 2),
    "crime": (1, 2),
    "barriers": (3, 4),
    "living_environment": (1, 1),
}


def load_domains(areas, deciles: dict[str, tuple[int, ...]]) -> None:
    """Load the areas' domain figures through the IoD importer, as a partial File 7 (their IMD unchanged)."""
    lines = [DOMAIN_HEADER]
    for n, area in enumerate(areas):
        imd = area.deprivation.get(edition="iod2019")
        la = area.local_authority
        cells = [area.code, area.name, la.code, la.name, "40.000", str(imd.rank), str(imd.decile)]
        for domain in DOMAIN_NAMES:
            decile = deciles[domain][n]
            cells += [f"{0.5 - decile / 100:.3f}", str(decile * 3000 - 100 - n), str(decile)]
        lines.append(",".join(f'"{c}"' if "," in c else c for c in cells))
    imd_import(source=("\n".join(lines) + "\n").encode(), partial=True)


@pytest.fixture
def world(db):
    built = build_world()
    load_domains(list(built["harehills"].small_areas.order_by("code")), HAREHILLS)
    return built


def test_domains_are_counted_over_the_lsoas_and_placed_beside_their_factor(world):
    page = neighbourhood_page(user=world["officer"], pk=world["harehills"].pk)

    crime = page.domains["crime"]
    assert (crime.areas, crime.with_figures, crime.in_decile_1, crime.median_decile) == (2, 2, 1, 1.5)
    groups = presenter.domain_groups(page)
    assert groups["housing"] == [
        "Crime: 1 of its 2 small areas is in England's most deprived tenth (middle decile 1.5).",
        "Barriers to housing and services: 0 of its 2 small areas are in England's most deprived tenth "
        "(middle decile 3.5).",
        "Living environment: 2 of its 2 small areas are in England's most deprived tenth (middle decile 1).",
    ]
    assert [words.split(":")[0] for words in groups["work"]] == ["Employment", "Income"]
    table = presenter.domains_table(page)
    assert [row[0].text for row in table.rows] == [
        "Income",
        "Employment",
        "Education, skills and training",
        "Health deprivation and disability",
        "Crime",
        "Barriers to housing and services",
        "Living environment",
    ]


def test_a_neighbourhood_without_domain_figures_shows_none(world):
    page = neighbourhood_page(user=world["officer"], pk=world["seacroft"].pk)
    assert page.domains == {}
    assert presenter.domain_groups(page) == {"housing": [], "work": []}
    assert presenter.domains_table(page).rows == []


def test_the_page_shows_them_in_plain_words_with_the_term_explained(client, world):
    client.force_login(world["officer"])
    html = client.get(reverse("indicators:neighbourhood-detail", args=[world["harehills"].pk])).content.decode()
    housing = html.split('id="domains-housing"')[1].split("</div>")[0]
    assert "Living environment: 2 of its 2 small areas are in England" in housing
    assert "/help/glossary/#iod-domain" in housing
    work = html.split('id="domains-work"')[1].split("</div>")[0]
    assert "Employment: 2 of its 2 small areas" in work
    # The housing note sits in the housing factor's checklist card; the work note in the worklessness section.
    assert html.index('id="check-housing_environment"') < html.index('id="domains-housing"')
    assert html.index('id="worklessness"') < html.index('id="domains-work"') < html.index('id="waves"')
