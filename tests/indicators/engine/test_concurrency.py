"""Engine writers running at the same moment, on real PostgreSQL: none fails, and the figures end as a full
recompute would leave them. Two residents' refreshes in one wave both rewrite the wave's and the authority's
rows; a recompute rewrites everything."""

import datetime as dt
import threading

import pytest
from django.db import connection

from indicators.engine.services.refresh import (
    _snapshot,
    neighbourhood_wave_refresh,
    recompute_all,
)
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory

from .builders import residents, survey, wave

SCORES = [10, 30, 50, 70, 90, 20, 40, 60, 80, 100]


@pytest.fixture
def world(transactional_db):
    la = LocalAuthorityFactory(code="E08000035", name="Leeds")
    places = [NeighbourhoodFactory(name=name, local_authority=la) for name in ("A", "B", "C")]
    version, questions = survey(("confidence", "aspiration"))
    first = wave(version, places, opens=dt.date(2025, 3, 1))
    for place in places:
        residents(first, place, questions["confidence"] + questions["aspiration"], SCORES)
    return {"wave": first, "places": places}


def _at_once(*jobs) -> list[BaseException]:
    """Runs each job in its own thread and database connection, released together; returns what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))
def test_two_refreshes_of_one_wave_at_once_both_succeed(world, round_):
    w = world["wave"]
    a, b, c = world["places"]
    errors = _at_once(
        lambda: neighbourhood_wave_refresh(wave_id=w.pk, neighbourhood_id=a.pk),
        lambda: neighbourhood_wave_refresh(wave_id=w.pk, neighbourhood_id=b.pk),
        lambda: neighbourhood_wave_refresh(wave_id=w.pk, neighbourhood_id=c.pk),
    )
    assert errors == []
    incremental = _snapshot()
    recompute_all(compare=False)
    assert _snapshot() == incremental


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(3))
def test_a_refresh_during_a_full_recompute_waits_its_turn(world, round_):
    w = world["wave"]
    a, b, _ = world["places"]
    errors = _at_once(
        lambda: recompute_all(compare=False, rescore=True),
        lambda: neighbourhood_wave_refresh(wave_id=w.pk, neighbourhood_id=a.pk),
        lambda: neighbourhood_wave_refresh(wave_id=w.pk, neighbourhood_id=b.pk),
    )
    assert errors == []
    settled = _snapshot()
    recompute_all(compare=False)
    assert _snapshot() == settled
