"""The invariants hold in the database itself, whatever writes to it."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from indicators.interventions.models import Intervention, InterventionFactor, InterventionRecommendation, Status

pytestmark = pytest.mark.django_db


def make(**fields):
    values = {
        "title": "Hub",
        "lead_organisation": "Council",
        "start_date": dt.date(2022, 4, 1),
        "status": Status.ACCEPTED,
        "decided_at": dt.datetime(2022, 3, 1, tzinfo=dt.UTC),
    }
    values.update(fields)
    with transaction.atomic():
        return Intervention.objects.create(**values)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"end_date": dt.date(2022, 3, 31)}, "intervention_ends_after_start"),
        ({"status": "maybe"}, "intervention_status_known|intervention_decision_matches_status"),
        ({"status": Status.ACCEPTED, "decided_at": None}, "intervention_decision_matches_status"),
        ({"status": Status.PROPOSED}, "intervention_decision_matches_status"),
        ({"title": "  "}, "intervention_title_not_blank"),
        ({"lead_organisation": ""}, "intervention_lead_organisation_not_blank"),
    ],
)
def test_the_database_refuses_a_broken_intervention(fields, constraint):
    with pytest.raises(IntegrityError, match=constraint):
        make(**fields)


def test_an_intervention_may_end_the_day_it_starts():
    assert make(end_date=dt.date(2022, 4, 1)).pk


def test_factor_and_recommendation_rows_are_known_and_once():
    made = make()
    InterventionFactor.objects.create(intervention=made, factor="confidence")
    with pytest.raises(IntegrityError, match="intervention_factor_once"), transaction.atomic():
        InterventionFactor.objects.create(intervention=made, factor="confidence")
    with pytest.raises(IntegrityError, match="intervention_factor_known"), transaction.atomic():
        InterventionFactor.objects.create(intervention=made, factor="about_you")
    with pytest.raises(IntegrityError, match="intervention_recommendation_known"), transaction.atomic():
        InterventionRecommendation.objects.create(intervention=made, recommendation="build a stadium")
