"""Did it work? on the neighbourhood page: the effect panel in words with its interval, the most similar
neighbourhoods beside the matched pairs; accessible at 1280 and 320 px, nothing sideways."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse

from indicators.access.models import Role
from indicators.engine.services.refresh import recompute_all
from indicators.interventions.services import intervention_create
from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Indicator
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, staff
from tests.indicators.engine.builders import figures, month, year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture
def world(transactional_db, settings):
    settings.REBALANCE_EFFECT_WINDOW_MONTHS = 6
    settings.REBALANCE_EFFECT_MIN_MONTHS = 3
    ensure_indicators(Indicator)  # a transactional test starts from empty tables
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    liverpool = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    names = ["Harehills", "Seacroft", "Gipton", "Chapeltown", "Anfield", "Everton"]
    places = {
        name: NeighbourhoodFactory(name=name, local_authority=leeds if i < 4 else liverpool, areas=1)
        for i, name in enumerate(names)
    }
    areas = {name: place.small_areas.get() for name, place in places.items()}
    # Sizes and rates at the start differ, so that the neighbours are found from the figures.
    residents = {
        "Harehills": 2000,
        "Seacroft": 1800,
        "Gipton": 2100,
        "Chapeltown": 1500,
        "Anfield": 2500,
        "Everton": 1000,
    }
    start = {"Harehills": 10, "Seacroft": 10.5, "Gipton": 9.5, "Chapeltown": 11, "Anfield": 12, "Everton": 8}
    figures("working-age-population", year(2020), {areas[n]: residents[n] for n in places})
    figures("working-age-population", year(2019), {areas[n]: residents[n] for n in places})
    # Harehills falls 1.2 points after May 2020; the others move by −0.3 to +0.2.
    after = {"Harehills": -1.2, "Seacroft": -0.3, "Gipton": 0.2, "Chapeltown": 0.0, "Anfield": -0.1, "Everton": 0.1}
    for i in range(12):
        rates = {n: start[n] + (after[n] if i >= 6 else 0) + (0.1 if i % 2 else 0) for n in places}
        period = month(2019 + (10 + i) // 12, (10 + i) % 12 + 1)
        figures("claimant-count", period, {areas[n]: round(rates[n] * residents[n] / 100, 2) for n in places})
    officer = staff(Role.OFFICER, username="officer.effects", local_authorities=[leeds])
    intervention_create(
        user=officer,
        title="Estate employment hub",
        lead_organisation="Leeds City Council",
        start_date=dt.date(2020, 5, 1),
        neighbourhoods=[places["Harehills"]],
        factors=["work_connection"],
        recommendations=["local_welfare_to_work"],
    )
    recompute_all(compare=False)
    return places


def test_the_effect_panel_and_the_similar_neighbourhoods(live_server, page, phone, world, tmp_path):
    url = live_server.url + reverse("indicators:neighbourhood-detail", args=[world["Harehills"].pk])
    shots = os.environ.get("REBALANCE_SCREENSHOTS") or str(tmp_path)
    for tab, width in ((page, 1280), (phone, 320)):
        log_in(tab, live_server, "officer.effects", PASSWORD)
        tab.goto(url)
        panel = tab.locator("#effects")
        assert panel.is_visible()
        words = panel.locator(".effect-sentence").first.inner_text()
        assert words.startswith("Worklessness fell 1.2 points more than in similar neighbourhoods since the programme")
        assert "95% interval" in words
        assert "not that it caused the change" in panel.inner_text()
        # The factor it names has no survey wave: said in words, not as a number.
        assert "No survey wave here has measured it yet." in panel.inner_text()
        similar = tab.locator("#similar")
        assert "Neighbourhoods most like this one:" in similar.inner_text()
        assert "by size (working-age residents) and worklessness in" in similar.inner_text()
        # Its own authority's neighbours are links; Liverpool's are named, not linked.
        assert similar.get_by_role("link", name="Seacroft").count() == 1
        assert similar.get_by_role("link", name="Anfield").count() == 0
        assert similar.get_by_text("Anfield").count() >= 1
        no_sideways_scroll(tab)
        panel.scroll_into_view_if_needed()
        tab.screenshot(path=f"{shots}/effects-{width}.png", full_page=True)
        axe_check(tab, label=f"effect panel at {width} px")


def test_the_intervention_page_says_whether_it_worked_where_it_ran(live_server, page, phone, world, tmp_path):
    from indicators.interventions.models import Intervention

    hub = Intervention.objects.get(title="Estate employment hub")
    url = live_server.url + reverse("indicators:intervention-detail", args=[hub.pk])
    shots = os.environ.get("REBALANCE_SCREENSHOTS") or str(tmp_path)
    for tab, width in ((page, 1280), (phone, 320)):
        log_in(tab, live_server, "officer.effects", PASSWORD)
        tab.goto(url)
        panel = tab.locator("#effects")
        assert panel.is_visible()
        # Each block names the neighbourhood it is about, since one intervention may cover several.
        assert panel.locator("h3").first.inner_text() == "In Harehills"
        assert "For each neighbourhood it covers" in panel.inner_text()
        words = panel.locator(".effect-sentence").first.inner_text()
        assert words.startswith("Worklessness fell 1.2 points more than in similar neighbourhoods")
        no_sideways_scroll(tab)
        tab.screenshot(path=f"{shots}/intervention-effects-{width}.png", full_page=True)
        axe_check(tab, label=f"an intervention's page at {width} px")
