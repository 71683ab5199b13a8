"""Every engine task run once and twice gives identical tables."""

import datetime as dt

import pytest

from indicators.engine import tasks
from indicators.engine.models import FactorCell, FactorScore, PairComparison, RecomputeRun, WorklessnessPoint
from indicators.official.models import Import, Indicator
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory

from .builders import figures, month, residents, survey, wave, year


def tables():
    return {
        model.__name__: sorted(
            tuple(v for k, v in row.items() if k not in ("id", "computed_at")) for row in model.objects.values()
        )
        for model in (FactorCell, FactorScore, WorklessnessPoint, PairComparison)
    }


@pytest.fixture
def data(db):
    la = LocalAuthorityFactory()
    pair = MatchedPairFactory(
        first=NeighbourhoodFactory(local_authority=la, areas=2),
        second=NeighbourhoodFactory(local_authority=la, areas=1),
    )
    version, questions = survey(("confidence", "outlook"))
    w = wave(version, [pair.first, pair.second], opens=dt.date(2025, 1, 1))
    for n in (pair.first, pair.second):
        residents(w, n, questions["confidence"] + questions["outlook"], [10, 40, 60, 90, 70, 30, 50, 50, 20, 80, 100])
    areas = list(pair.first.small_areas.all()) + list(pair.second.small_areas.all())
    figures("working-age-population", year(2024), dict.fromkeys(areas, 900))
    figures("claimant-count", month(2024, 6), dict(zip(areas, [45, 60, 30], strict=True)))
    return {"pair": pair, "wave": w}


def test_response_task_is_idempotent(data):
    from surveys.models import Response

    response = Response.objects.filter(neighbourhood=data["pair"].first).last()
    tasks.refresh_neighbourhood_wave.delay(response.wave_id, response.neighbourhood_id)
    once = tables()
    tasks.refresh_neighbourhood_wave.delay(response.wave_id, response.neighbourhood_id)
    assert tables() == once
    assert FactorScore.objects.filter(neighbourhood=data["pair"].first).count() == 2


def test_import_task_is_idempotent(data):
    source = Import.objects.filter(indicator__slug="claimant-count").get()
    tasks.refresh_after_import.delay(source.pk)
    once = tables()
    assert WorklessnessPoint.objects.filter(indicator=Indicator.objects.get(slug="worklessness")).exists()
    tasks.refresh_after_import.delay(source.pk)
    assert tables() == once


def test_recompute_task_is_idempotent_and_never_overlaps_itself(data):
    from django.core.cache import cache

    first = tasks.recompute_everything.delay().get()
    once = tables()
    assert tasks.recompute_everything.delay().get() != first
    assert tables() == once
    assert RecomputeRun.objects.get(pk=first).status == "done"

    cache.add("lock:engine-recompute", "someone else", 60)
    assert tasks.recompute_everything.delay().get() is None


def test_catch_up_refreshes_what_was_missed(data):
    assert not FactorScore.objects.exists()  # no task ran when the responses were stored
    assert tasks.catch_up.delay().get() == 2
    assert FactorScore.objects.filter(level="neighbourhood").count() == 4
    assert tasks.catch_up.delay().get() == 0


def test_the_nightly_recompute_rescores_residents_from_their_answers(data):
    from indicators.engine.models import ResidentScore

    tasks.recompute_everything.delay().get()
    once = tables()
    ResidentScore.objects.filter(neighbourhood=data["pair"].first).update(score=0)

    run = RecomputeRun.objects.get(pk=tasks.recompute_everything.delay().get())
    assert tables() == once
    assert {d["table"] for d in run.differences} == set()  # mended before the figures were rebuilt
    assert not ResidentScore.objects.filter(score=0).exists()


def left_running_by_a_dead_worker(task_id: str, minutes_ago: int = 5) -> RecomputeRun:
    run = RecomputeRun.objects.create(kind="full", task_id=task_id)
    RecomputeRun.objects.filter(pk=run.pk).update(started_at=run.started_at - dt.timedelta(minutes=minutes_ago))
    return run


def test_the_next_recompute_marks_a_dead_workers_run_failed_and_goes_ahead(data):
    dead = left_running_by_a_dead_worker("dead-task")
    new = RecomputeRun.objects.get(pk=tasks.recompute_everything.delay().get())
    dead.refresh_from_db()
    assert (dead.status, new.status) == ("failed", "done")
    assert dead.error.startswith("The worker stopped during this run")
    assert dead.finished_at is not None


def test_catch_up_marks_a_dead_workers_run_failed_once_its_lock_has_expired(data):
    from django.core.cache import cache

    dead = left_running_by_a_dead_worker("dead-task")
    by_hand = RecomputeRun.objects.create(kind="full")  # `manage.py aggregate`: no task, no lock
    cache.add("lock:engine-recompute", "dead-task", 60)  # its heartbeat has not yet expired: it may be alive
    tasks.catch_up.delay().get()
    assert RecomputeRun.objects.get(pk=dead.pk).status == "running"
    cache.delete("lock:engine-recompute")  # expired
    tasks.catch_up.delay().get()
    assert RecomputeRun.objects.get(pk=dead.pk).status == "failed"
    assert RecomputeRun.objects.get(pk=by_hand.pk).status == "running"


def test_catch_up_spares_a_run_that_has_only_just_started(data):
    just_started = left_running_by_a_dead_worker("new-task", minutes_ago=0)
    tasks.catch_up.delay().get()
    assert RecomputeRun.objects.get(pk=just_started.pk).status == "running"


def test_a_recompute_that_raises_is_marked_failed_with_the_error(data, monkeypatch):
    from indicators.engine.services import refresh

    def broken(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(refresh, "pairs_refresh", broken)
    with pytest.raises(RuntimeError):
        tasks.recompute_everything.delay().get()
    run = RecomputeRun.objects.get()
    assert run.status == "failed"
    assert "the disk is full" in run.error
    assert not FactorScore.objects.exists()  # one transaction: nothing of it was kept
