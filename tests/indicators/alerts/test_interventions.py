"""An intervention reaching its first measurable point, in the digest of the people whose place it is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.access.models import Role
from indicators.alerts.services import send_due
from indicators.engine.services.effects import effects_refresh
from indicators.engine.services.neighbours import neighbours_refresh
from indicators.engine.services.refresh import recompute_all
from indicators.interventions.services import intervention_create
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, staff
from tests.indicators.engine.builders import figures, month, year


@pytest.fixture
def programme(db, settings):
    """Harehills's employment hub from May 2020, with worklessness falling 1 point there after it started while
    the others held or rose; the engine's first estimate made now."""
    settings.REBALANCE_EFFECT_WINDOW_MONTHS = 4
    settings.REBALANCE_EFFECT_MIN_MONTHS = 2
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds")
    liverpool = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    places = {
        "Harehills": NeighbourhoodFactory(name="Harehills", local_authority=leeds, areas=1),
        "Seacroft": NeighbourhoodFactory(name="Seacroft", local_authority=leeds, areas=1),
        "Anfield": NeighbourhoodFactory(name="Anfield", local_authority=liverpool, areas=1),
        "Everton": NeighbourhoodFactory(name="Everton", local_authority=liverpool, areas=1),
    }
    areas = {name: place.small_areas.get() for name, place in places.items()}
    residents = {"Harehills": 1000, "Seacroft": 1200, "Anfield": 800, "Everton": 1500}
    start = {"Harehills": 10, "Seacroft": 11, "Anfield": 9, "Everton": 12}
    figures("working-age-population", year(2020), {areas[n]: residents[n] for n in places})
    changes = {"Harehills": -1.0, "Seacroft": 0.0, "Anfield": 0.5, "Everton": -0.5}
    for i in range(8):
        after = i >= 4
        figures(
            "claimant-count",
            month(2020, i + 1),
            {areas[n]: (start[n] + (changes[n] if after else 0)) * residents[n] / 100 for n in places},
        )
    officer = staff(Role.OFFICER, username="leeds.officer", email="leeds@council.test", local_authorities=[leeds])
    other = staff(Role.OFFICER, username="lpool.officer", email="lpool@council.test", local_authorities=[liverpool])
    hub = intervention_create(
        user=officer,
        title="Employment hub",
        lead_organisation="Leeds City Council",
        start_date=dt.date(2020, 5, 1),
        neighbourhoods=[places["Harehills"]],
        recommendations=["local_welfare_to_work"],
    )
    recompute_all(compare=False)
    neighbours_refresh()
    effects_refresh(today=dt.date(2021, 6, 1))
    return hub, officer, other


def test_the_first_estimate_goes_to_the_officer_of_the_place_only(programme, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    hub, _, _ = programme
    outcome = send_due(now=timezone.now() + dt.timedelta(minutes=1), urgent=False)["digest"]

    assert outcome.sent == ["leeds.officer"]
    assert outcome.quiet == ["lpool.officer"]
    (message,) = mail.outbox
    assert "Harehills: “Employment hub” can now be measured (worklessness)" in message.body
    assert "Worklessness fell" in message.body
    assert "95% interval" in message.body
    assert f"/places/interventions/{hub.pk}/" in message.body
    for elsewhere in ("Anfield", "Everton", "Liverpool"):  # the comparison group is described, never named
        assert elsewhere not in message.body
    assert "The comparison is weak: the comparison group is small" in message.body

    # A week later it is not news again.
    mail.outbox = []
    again = send_due(now=timezone.now() + dt.timedelta(days=7, minutes=1), urgent=False)["digest"]
    assert again.sent == []
    assert mail.outbox == []
