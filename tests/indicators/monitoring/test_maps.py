"""What the two maps show (indicators.monitoring.selectors.maps) and how the area_map tag draws them."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import shapely
from django.template import Context, Template
from shapely.geometry import shape

from indicators.engine.selectors.verdicts import FALLING_BEHIND, IMPROVING, KEEPING_PACE
from indicators.monitoring.selectors import maps
from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Indicator
from tests.factories import DeprivationFactory, LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory
from tests.indicators.engine.builders import figures, month, year

EVIL = '<script>alert("x")</script>'


def _square(col, row, size=0.01):
    lon, lat = -1.5 + col * size, 53.8 + row * size
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def town(db):
    """A 4 × 2 grid of small areas: three neighbourhoods of two side by side, and two areas outside any."""
    la = LocalAuthorityFactory(code="E08000035", name="Leeds")
    cells = [SmallAreaFactory(local_authority=la, boundary=_square(c, r)) for r in range(2) for c in range(4)]
    names = [("Harehills", "Leeds 041"), ("Seacroft", "Leeds 042"), ("", "Leeds 043")]
    hoods = []
    for i, (known_as, name) in enumerate(names):
        n = NeighbourhoodFactory(name=name, known_as=known_as, local_authority=la, areas=0)
        n.small_areas.set(cells[2 * i : 2 * i + 2])
        hoods.append(n)
    return SimpleNamespace(la=la, cells=cells, hoods=hoods)


def render(spec) -> str:
    return Template("{% load charts %}{% area_map spec %}").render(Context({"spec": spec}))


def test_my_neighbourhoods_are_unions_shaded_by_verdict_and_linked(town):
    rows = [
        SimpleNamespace(neighbourhood=town.hoods[0], status=IMPROVING),
        SimpleNamespace(neighbourhood=town.hoods[1], status=FALLING_BEHIND),
        SimpleNamespace(neighbourhood=town.hoods[2], status=""),
    ]
    (spec,) = maps.my_neighbourhoods_maps(rows)
    first = spec["areas"][0]
    assert (first["name"], first["category"], first["href"]) == (
        "Harehills (Leeds 041)",
        IMPROVING,
        f"/places/neighbourhoods/{town.hoods[0].pk}/",
    )
    merged = shape(first["geometry"])
    assert merged.geom_type == "Polygon"  # two neighbours, one outline
    assert merged.area == pytest.approx(0.0002, rel=1e-3)
    assert [a["category"] for a in spec["areas"]] == [IMPROVING, FALLING_BEHIND, maps.NO_FIGURE]
    assert len(spec["context"]) == 2  # the two areas outside any neighbourhood

    html = render(spec)
    assert html.count('<a href="/places/neighbourhoods/') == 3
    assert 'aria-label="Harehills (Leeds 041): Improving"' in html
    assert 'role="group"' in html  # its links stay reachable
    assert "3 neighbourhoods: 1 improving, 1 falling behind, 1 no figure." in html
    assert 'href="#table-neighbourhoods"' in html
    assert "Keeping pace" not in html  # the key lists what is on the map
    assert "style=" not in html


def test_a_keeping_pace_verdict_and_the_older_wording_are_understood(town):
    rows = [
        SimpleNamespace(neighbourhood=town.hoods[0], status=KEEPING_PACE),
        SimpleNamespace(neighbourhood=town.hoods[1], status="lagging"),
    ]
    (spec,) = maps.my_neighbourhoods_maps(rows)
    assert [a["category"] for a in spec["areas"]] == [KEEPING_PACE, FALLING_BEHIND]


def test_a_neighbourhood_map_shades_its_areas_by_decile_with_the_decile_written_on(town):
    hood = town.hoods[0]
    first, _second = hood.small_areas.order_by("code")
    DeprivationFactory(small_area=first, decile=1, rank=5)
    spec = maps.neighbourhood_map(hood)
    assert [a["category"] for a in spec["areas"]] == ["1", maps.NO_FIGURE]
    html = render(spec)
    assert 'role="img"' in html
    assert re.search(r"<text [^>]*>1</text>", html)
    assert "2 small areas (LSOAs): 1 in decile 1, 1 no figure." in html
    assert "Decile 1: the most deprived 10% of England (1)" in html
    assert f'<th scope="row">{first.name} ({first.code})</th><td>Decile 1' in html
    assert "Neighbouring small areas of Leeds" in html
    assert "style=" not in html


def test_without_outlines_the_map_says_so(town):
    town.hoods[0].small_areas.update(boundary=None)
    html = render(maps.neighbourhood_map(town.hoods[0]))
    assert '<p class="chart-empty">No map yet' in html
    assert render(None).strip().startswith('<p class="chart-empty">')


def test_every_text_is_escaped(town):
    town.hoods[0].known_as = EVIL
    town.hoods[0].save()
    (spec,) = maps.my_neighbourhoods_maps([SimpleNamespace(neighbourhood=town.hoods[0], status=IMPROVING)])
    spec["title"] = EVIL
    html = render(spec)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_shapes_union_without_slivers():
    # Two areas whose shared edge was simplified apart by a hair: one outline still.
    a = {"type": "Polygon", "coordinates": [[[0, 50], [1, 50], [1, 51], [0, 51], [0, 50]]]}
    b = {"type": "Polygon", "coordinates": [[[1.00001, 50], [2, 50], [2, 51], [1.00001, 51], [1.00001, 50]]]}
    merged = maps._union([a, b])
    assert isinstance(merged, shapely.Polygon)
    assert len(merged.interiors) == 0


def test_a_small_map_draws_in_fewer_units_so_its_labels_read_larger(town):
    wide = maps.my_neighbourhoods_maps([SimpleNamespace(neighbourhood=town.hoods[0], status=IMPROVING)])[0]
    assert 'viewBox="0 0 600 ' in render(wide)
    small = render(maps.neighbourhood_map(town.hoods[0]))
    assert 'viewBox="0 0 360 ' in small
    assert 'class="chart chart-area-map chart-map"' in small


def test_many_authorities_maps_are_small_and_wait_behind_their_titles(town):
    others = [LocalAuthorityFactory(code=f"E0600000{i}", name=f"Town {i}") for i in (1, 2)]
    rows = [SimpleNamespace(neighbourhood=town.hoods[0], status=IMPROVING)]
    for la in others:
        n = NeighbourhoodFactory(name=f"{la.name} 001", local_authority=la, areas=0)
        n.small_areas.add(SmallAreaFactory(local_authority=la, boundary=_square(0, 0)))
        rows.append(SimpleNamespace(neighbourhood=n, status=""))
    specs = maps.my_neighbourhoods_maps(rows)
    assert [(s["small"], s["folded"]) for s in specs] == [(True, True)] * 3
    html = render(specs[0])
    assert html.startswith('\n<details class="map-toggle"><summary>Map: Your neighbourhoods in Leeds')
    assert html.count('class="chart-title"') == 0  # the summary is its title
    assert 'class="chart chart-area-map chart-map"' in html


def test_the_second_neighbourhood_map_shades_each_area_by_its_change_in_worklessness(town):
    ensure_indicators(Indicator)
    first, second = town.hoods[0].small_areas.order_by("code")
    figures("working-age-population", year(2019), {first: 1000, second: 1000})
    figures("claimant-count", month(2019, 1), {first: 100, second: 120})
    figures("claimant-count", month(2020, 1), {first: 80, second: 125})
    window = SimpleNamespace(start=month(2019, 1), end=month(2020, 1))

    spec = maps.neighbourhood_change_map(
        town.hoods[0], window=window, indicator=Indicator.objects.get(slug="worklessness")
    )

    assert [(a["category"], a["label"]) for a in spec["areas"]] == [("fell_more", "\u22122.00"), ("rose", "+0.50")]
    html = render(spec)
    assert "2 small areas (LSOAs): 1 fell by 1 point or more, 1 rose by 0.10 to 1 point." in html
    assert "by change in worklessness, January 2019 to January 2020" in html
    assert f'<th scope="row">{second.name} ({second.code})</th><td>Rose by 0.10 to 1 point' in html

    nothing = maps.neighbourhood_change_map(town.hoods[1], window=window, indicator=None)
    assert {a["category"] for a in nothing["areas"]} == {maps.NO_FIGURE}


@pytest.mark.parametrize(("value", "text"), [(0.19, "+0.19"), (-0.04, "\u22120.04"), (0.0, "0.00"), (-0.001, "0.00")])
def test_changes_carry_their_sign(value, text):
    assert maps.signed(value) == text
