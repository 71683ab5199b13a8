import datetime as dt

import pytest

from indicators.interventions.services import intervention_create


@pytest.fixture
def record(places):
    """Record an intervention through the service, as the Leeds officer in Harehills unless told otherwise."""

    def make(user=None, **fields):
        values = {
            "user": user or places["leeds_officer"],
            "title": "Harehills employment hub",
            "lead_organisation": "Leeds City Council",
            "start_date": dt.date(2022, 4, 1),
            "neighbourhoods": [places["harehills"]],
            "factors": ["work_connection"],
        }
        values.update(fields)
        return intervention_create(**values)

    return make
