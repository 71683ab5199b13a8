"""Disclosure control, proved over generated data: no figure the engine shows, alone or by subtracting
other shown figures from it, describes fewer residents than the threshold."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from indicators.access.models import Role
from indicators.engine.models import FactorScore, PairComparison
from indicators.engine.services.refresh import recompute_all
from indicators.places.models import Neighbourhood
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory, staff

from .builders import residents, survey, wave

THRESHOLD = 5

# Up to three authorities of up to three neighbourhoods; response counts cluster around the threshold,
# where subtraction can give a small group away.
counts = st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 9, 12])
layouts = st.lists(st.lists(counts, min_size=1, max_size=3), min_size=1, max_size=3)


def _build(layout: list[list[int]], waves: int = 1):
    version, q = survey(("confidence",), per_factor=1)
    neighbourhoods = []
    for i, counts in enumerate(layout):
        la = LocalAuthorityFactory()
        for j, _ in enumerate(counts):
            neighbourhoods.append(NeighbourhoodFactory(name=f"N{i}{j}", local_authority=la))
    made = []
    for w in range(waves):
        this = wave(version, neighbourhoods, opens=dt.date(2020 + w, 1, 1))
        for n, count in zip(neighbourhoods, [c for counts in layout for c in counts], strict=True):
            residents(this, n, q["confidence"], [(k * 37 + w * 11) % 101 for k in range(count)])
        made.append(this)
    return neighbourhoods, made


def _members(row: FactorScore, areas: dict[int, set[int]], wave_members: set[int]) -> frozenset[int]:
    if row.level == "neighbourhood":
        return frozenset({row.neighbourhood_id})
    if row.level == "local_authority":
        return frozenset(areas[row.local_authority_id] & wave_members)
    return frozenset(wave_members)


def assert_nothing_small_is_revealed(threshold: int) -> None:
    areas: dict[int, set[int]] = {}
    for n_id, la_id in Neighbourhood.objects.values_list("pk", "local_authority_id"):
        areas.setdefault(la_id, set()).add(n_id)
    for wave_id in FactorScore.objects.values_list("wave_id", flat=True).distinct():
        rows = list(FactorScore.objects.filter(wave_id=wave_id))
        surveyed = {r.neighbourhood_id for r in rows if r.level == "neighbourhood"}
        shown = [(r, _members(r, areas, surveyed)) for r in rows if not r.withheld]
        for row, _ in shown:
            assert row.responses >= threshold, f"{row} shows {row.responses} responses"
        # Every shown figure minus any set of disjoint shown figures inside it.
        for outer, outer_set in shown:
            inside = [(r, s) for r, s in shown if s < outer_set]
            for size in range(1, len(inside) + 1):
                for combo in itertools.combinations(inside, size):
                    sets = [s for _, s in combo]
                    if sum(len(s) for s in sets) != len(frozenset().union(*sets)):
                        continue  # overlapping: not a subtraction anyone can make
                    left = outer.responses - sum(r.responses for r, _ in combo)
                    assert left == 0 or left >= threshold, (
                        f"{outer} minus {[str(r) for r, _ in combo]} leaves {left} responses"
                    )
    for comparison in PairComparison.objects.filter(withheld=False):
        sides = FactorScore.objects.filter(
            level="neighbourhood", wave=comparison.wave, factor=comparison.measure,
            neighbourhood__in=[comparison.pair.first_id, comparison.pair.second_id],
        )  # fmt: skip
        assert all(s.responses >= threshold and not s.withheld for s in sides)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts)
def test_no_shown_figure_reveals_a_small_group(layout):
    from django.conf import settings as django_settings
    from django.db import transaction

    original = django_settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    django_settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = THRESHOLD
    try:
        with transaction.atomic():
            _build(layout, waves=2)
            recompute_all(compare=False)
            assert_nothing_small_is_revealed(THRESHOLD)
            transaction.set_rollback(True)
    finally:
        django_settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = original


def test_an_authority_cannot_be_recovered_from_the_wave_minus_another_authority(db, settings):
    """Wave = Leeds (10 shown + 5 and 6 withheld) + Liverpool (4 withheld). Leeds can be shown (its withheld
    part is 11), but the wave minus Leeds would be Liverpool's 4: the wave figure must be withheld."""
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 10
    _build([[10, 5, 6], [4]])
    recompute_all(compare=False)
    leeds = FactorScore.objects.get(level="local_authority", responses=21)
    assert not leeds.withheld
    everyone = FactorScore.objects.get(level="wave")
    assert everyone.withheld
    assert "by subtraction" in everyone.withheld_reason
    assert_nothing_small_is_revealed(10)


def test_the_api_never_carries_a_number_for_a_withheld_figure(db, settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 10
    neighbourhoods, _ = _build([[12, 3], [9]])
    MatchedPairFactory(first=neighbourhoods[0], second=neighbourhoods[1])
    recompute_all(compare=False)
    client = APIClient()
    client.force_authenticate(staff(Role.ADMIN))
    for url in ["/api/v1/factor-scores/", "/api/v1/pair-comparisons/"]:
        for row in client.get(url).json()["results"]:
            numbers = {k: v for k, v in row.items() if k in ("mean", "ci_low", "ci_high", "gap", "first_value")}
            if row["withheld"]:
                assert set(numbers.values()) == {None}, row
            else:
                assert row.get("responses", THRESHOLD) >= 10 or "gap" in row
