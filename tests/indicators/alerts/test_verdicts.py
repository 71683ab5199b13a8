"""Verdicts that turned: worked by hand on four small areas of 1,000 working-age residents each.

Claimants in January 2019, 2020 and 2021: A 100, 90, 100 (Northfield); B 100, 100, 100 (Southfield); C and D 100
throughout (deprived, in no neighbourhood). The benchmark (mean of the four rates) goes 10.00, 9.75, 10.00.
Northfield: −1.00 against −0.25 (improving), then +1.00 against +0.25 (falling behind): it *started falling behind*.
Southfield: 0.00 against −0.25 (falling behind), then 0.00 against +0.25 (improving): it *caught up*.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from indicators.access.models import Role
from indicators.alerts.models import Kind
from indicators.alerts.services import preference_set, send_due
from indicators.engine.services.refresh import recompute_all
from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Import, Indicator
from tests.factories import DeprivationFactory, LocalAuthorityFactory, NeighbourhoodFactory, SmallAreaFactory, staff
from tests.indicators.engine.builders import figures, month, year

NOW = timezone.make_aware(dt.datetime(2021, 3, 1, 7, 0))  # a Monday


@pytest.fixture
def turned(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REBALANCE_DIGEST_WEEKDAY = 0
    settings.REBALANCE_KEEPING_PACE_POINTS = 0.1
    ensure_indicators(Indicator)
    la = LocalAuthorityFactory(code="E08000035", name="Leeds")
    north = NeighbourhoodFactory(name="Northfield", local_authority=la, areas=1)
    south = NeighbourhoodFactory(name="Southfield", local_authority=la, areas=1)
    a, b = north.small_areas.get(), south.small_areas.get()
    c, d = SmallAreaFactory.create_batch(2, local_authority=la)
    for area in (a, b, c, d):
        DeprivationFactory(small_area=area, decile=1)
    figures("working-age-population", year(2019), dict.fromkeys((a, b, c, d), 1000))
    for period, north_claimants in ((month(2019, 1), 100), (month(2020, 1), 90), (month(2021, 1), 100)):
        figures("claimant-count", period, {a: north_claimants, b: 100, c: 100, d: 100})
    recompute_all(compare=False)
    # The latest figures were stored in the week before NOW.
    Import.objects.filter(indicator__slug="claimant-count").update(
        status=Import.Status.SUCCEEDED, finished_at=NOW - dt.timedelta(days=3)
    )
    return staff(Role.OFFICER, username="leeds", email="leeds@council.test", local_authorities=[la])


def test_started_falling_behind_is_urgent_and_caught_up_is_not(turned):
    preference_set(user=turned, weekly_digest=True, immediate=True, kinds=[Kind.VERDICTS])
    outcomes = send_due(now=NOW)

    assert outcomes["urgent"].sent == ["leeds"]
    assert outcomes["digest"].sent == ["leeds"]
    urgent, digest = mail.outbox
    assert urgent.subject == "Rebalance: Northfield started falling behind"
    assert "Southfield" not in urgent.body
    assert (
        "[!] Northfield started falling behind\n"
        "  Worklessness +1.00 points from January 2020 to January 2021 (9.0% → 10.0%); similar areas +0.25. "
        "The year to January 2020: −1.00 against −0.25, improving."
    ) in urgent.body
    assert "[!] Northfield started falling behind" in digest.body
    assert (
        "- Southfield caught up: now improving\n"
        "  Worklessness 0.00 points from January 2020 to January 2021 (10.0% → 10.0%); similar areas +0.25. "
        "The year to January 2020: 0.00 against −0.25, falling behind."
    ) in digest.body
    # Verdicts come before imports, and the officer chose verdicts only.
    assert "New official figures" not in digest.body


def test_no_new_figures_no_verdict_news(turned):
    Import.objects.update(finished_at=NOW - dt.timedelta(days=30))
    outcomes = send_due(now=NOW)
    assert outcomes["digest"].quiet == ["leeds"]
    assert mail.outbox == []
