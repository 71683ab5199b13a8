"""Who sees which interventions, and the selectors the pages use."""

import datetime as dt

import pytest

from indicators.interventions.models import Intervention
from indicators.interventions.selectors import (
    interventions_awaiting_decision,
    interventions_for_neighbourhood,
    interventions_overlapping,
    interventions_visible,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(places, record):
    return {
        "leeds": record(title="Leeds hub"),
        "anfield": record(user=places["admin"], neighbourhoods=[places["anfield"]], title="Anfield hub"),
        "both": record(
            user=places["admin"], neighbourhoods=[places["harehills"], places["anfield"]], title="Across two"
        ),
    }


def titles(qs):
    return sorted(i.title for i in qs)


def test_each_user_sees_the_interventions_of_their_places_only(places, three):
    assert titles(interventions_visible(user=places["admin"])) == ["Across two", "Anfield hub", "Leeds hub"]
    # One covered place outside a user's scope hides the whole intervention, as for matched pairs.
    assert titles(interventions_visible(user=places["leeds_officer"])) == ["Leeds hub"]
    assert titles(interventions_visible(user=places["anfield_manager"])) == ["Anfield hub"]
    assert titles(interventions_visible(user=places["no_role"])) == []


def test_an_intervention_with_no_place_left_is_for_admins_only(places, three):
    three["leeds"].neighbourhoods.clear()
    assert "Leeds hub" not in titles(interventions_visible(user=places["leeds_officer"]))
    assert "Leeds hub" in titles(interventions_visible(user=places["admin"]))


def test_a_neighbourhoods_interventions_are_the_accepted_ones(places, three, record):
    record(user=places["anfield_manager"], neighbourhoods=[places["anfield"]], title="Proposed")
    shown = interventions_for_neighbourhood(user=places["admin"], neighbourhood=places["anfield"])
    assert titles(shown) == ["Across two", "Anfield hub"]
    everything = interventions_for_neighbourhood(
        user=places["anfield_manager"], neighbourhood=places["anfield"], accepted_only=False
    )
    assert titles(everything) == ["Anfield hub", "Proposed"]
    assert titles(interventions_awaiting_decision(user=places["admin"])) == ["Proposed"]
    assert titles(interventions_awaiting_decision(user=places["leeds_officer"])) == []


def test_overlapping_a_period(places, record):
    record(title="Ended", start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 12, 31))
    record(title="Running", start_date=dt.date(2021, 6, 1))
    record(title="Later", start_date=dt.date(2023, 1, 1), end_date=dt.date(2023, 6, 30))
    user = places["leeds_officer"]

    def between(start, end):
        return titles(interventions_overlapping(user=user, start=start, end=end))

    assert between(dt.date(2020, 12, 31), dt.date(2021, 6, 1)) == ["Ended", "Running"]
    assert between(dt.date(2021, 1, 1), dt.date(2021, 5, 31)) == []
    assert between(dt.date(2024, 1, 1), None) == ["Running"]
    assert between(None, dt.date(2020, 1, 1)) == ["Ended"]
    assert Intervention.objects.count() == 3
