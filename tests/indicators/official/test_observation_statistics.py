"""The planner knows that an observation's indicator and period go together (migration 0015)."""

import pytest
from django.db import connection


@pytest.mark.postgres
@pytest.mark.django_db
def test_observations_carry_extended_statistics_on_indicator_and_period():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkind, array(SELECT attname FROM pg_attribute a WHERE a.attrelid = s.stxrelid "
            "AND a.attnum = ANY(s.stxkeys) ORDER BY attname) FROM pg_statistic_ext s "
            "WHERE stxname = 'indicators_observation_indicator_period'"
        )
        found = cursor.fetchall()
    assert len(found) == 1
    kinds, columns = found[0]
    assert set(kinds) == {"f", "m"}  # functional dependencies and most-common values
    assert columns == ["indicator_id", "period_id"]
