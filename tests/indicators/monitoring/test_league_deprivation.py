"""The league says which deprivation edition and cut are in force, in words, with the terms explained."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import DeprivationFactory, SmallAreaFactory
from tests.indicators.monitoring.test_views import text_of
from tests.indicators.monitoring.world import build_world

URL = reverse("indicators:league") + "?area=la:E08000035&start=January 2019&end=January 2021"


@pytest.fixture
def world(db):
    return build_world()


def _note(response) -> str:
    html = response.content.decode()
    start = html.index('id="league-deprivation"')
    return html[start : html.index("</p>", start)]


def test_the_league_names_the_edition_and_cut_in_force(client, world):
    client.force_login(world["officer"])
    response = client.get(URL)
    assert response.status_code == 200
    note = _note(response)
    assert "the most deprived 10% of LSOAs in England (IMD decile 1)" in note
    assert "English Indices of Deprivation 2019" in note
    assert "Loading part of a newer edition never changes this." in text_of(response)
    assert 'href="/help/glossary/#iod-edition"' in note
    assert 'href="/help/glossary/#deprived"' in note

    # A partial load of IoD2025 (one LSOA) leaves the league on IoD2019.
    DeprivationFactory(small_area=SmallAreaFactory(kind="lsoa21"), edition="iod2025", decile=1)
    with override_settings(REBALANCE_PAGE_CACHE_SECONDS=0):
        assert "English Indices of Deprivation 2019" in _note(client.get(URL))
        with override_settings(REBALANCE_DEPRIVATION_EDITION="iod2025", REBALANCE_DEPRIVED_MAX_DECILE=2):
            note = _note(client.get(URL))
    assert "English Indices of Deprivation 2025" in note
    assert "the most deprived 20% of LSOAs in England (IMD deciles 1 to 2)" in note
    assert "chosen by this site&#x27;s setting REBALANCE_DEPRIVATION_EDITION" in note
