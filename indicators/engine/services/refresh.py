"""What runs when: after a response, after an import, and the nightly full recompute (which rescores
every resident from their answers).

Each function is idempotent (deletes and rewrites its scope in a transaction),
so a task that is delivered twice, or re-run after its worker died, ends with
the same tables.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import connection, transaction
from django.db.models import F, Max, Min, OuterRef, Q, Subquery
from django.utils import timezone

from indicators.engine import locks
from indicators.engine.models import FactorScore, PairComparison, RecomputeRun, WorklessnessPoint
from indicators.engine.services.answers import answers_refresh, answers_refresh_following
from indicators.engine.services.effects import effects_refresh
from indicators.engine.services.factors import cells_refresh, changes_refresh, next_wave, scores_refresh
from indicators.engine.services.neighbours import neighbours_refresh
from indicators.engine.services.pairs import pairs_refresh
from indicators.engine.services.worklessness import ratio_indicators_using, worklessness_refresh
from indicators.official.models import Indicator, Period
from surveys.models import Response, Wave

logger = logging.getLogger(__name__)

RECOMPUTE_LOCK = "engine-recompute"  # held (with a heartbeat) by the worker running a full recompute
STOPPED = (
    "The worker stopped during this run (its lock's heartbeat stopped): nothing it was writing was kept, "
    "and the next run starts afresh."
)


def neighbourhood_wave_refresh(*, wave_id: int, neighbourhood_id: int) -> None:
    """The incremental update after a response: one neighbourhood in one wave, and what depends on it."""
    following = next_wave(wave_id=wave_id)
    with transaction.atomic():
        locks.hold(locks.EVERYTHING, shared=True)
        locks.hold(*(locks.wave_scope(w) for w in sorted({wave_id, following or wave_id})))
        cells_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood_id)
        scores_refresh(wave_id=wave_id, neighbourhood_ids=[neighbourhood_id])
        if following:
            changes_refresh(wave_id=following, neighbourhood_id=neighbourhood_id)
        answers_refresh_following(wave_id=wave_id, neighbourhood_id=neighbourhood_id)
        locks.hold(locks.PAIRS)
        pairs_refresh(neighbourhood_id=neighbourhood_id, worklessness=False)


def wave_refresh(*, wave_id: int, rescore: bool = False) -> int:
    """Every neighbourhood of one wave, and the pairs (the aggregate command's --wave)."""
    with transaction.atomic():
        locks.hold(locks.EVERYTHING, shared=True)
        locks.hold(locks.wave_scope(wave_id))
        cells_refresh(wave_id=wave_id, rescore=rescore)
        written = scores_refresh(wave_id=wave_id)
        written += answers_refresh(wave_id=wave_id)
        locks.hold(locks.PAIRS)
        pairs_refresh()
    return written


def observations_refresh(*, indicator_id: int, period_ids: list[int] | None = None) -> int:
    """After an import: the rates of every ratio indicator built on it, for the periods it touched."""
    written = 0
    # The pairs' rows from the import's earliest period on: each looks back (changes, the baseline), never forward.
    since = Period.objects.filter(pk__in=period_ids).aggregate(Min("start"))["start__min"] if period_ids else None
    for ratio_id in ratio_indicators_using([indicator_id]):
        with transaction.atomic():
            locks.hold(locks.EVERYTHING, shared=True)
            locks.hold(locks.indicator_scope(ratio_id))
            written += worklessness_refresh(indicator_id=ratio_id, period_ids=period_ids)
            locks.hold(locks.PAIRS)
            pairs_refresh(indicator_id=ratio_id, since=since)  # only this indicator's: an import changes no other
            neighbours_refresh()  # the baseline's worklessness may be among the figures
            effects_refresh()
    return written


def _snapshot() -> dict[str, set]:
    """The figures as they stand, to compare an incremental state with a full recompute."""
    fields = ["level", "wave_id", "neighbourhood_id", "local_authority_id", "factor", "responses", "withheld", "mean"]
    factor_rows = {
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in FactorScore.objects.values_list(*fields)
    }
    rate_rows = {
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in WorklessnessPoint.objects.values_list(
            "indicator_id", "period_id", "level", "neighbourhood_id", "local_authority_id", "rate", "areas"
        )
    }
    pair_rows = {
        tuple(round(v, 6) if isinstance(v, float) else v for v in row)
        for row in PairComparison.objects.values_list("pair_id", "measure", "wave_id", "period_id", "gap")
    }
    return {"factor": factor_rows, "worklessness": rate_rows, "pair": pair_rows}


def recompute_all(
    *, run: RecomputeRun | None = None, compare: bool = True, rescore: bool = False, progress=None
) -> RecomputeRun:
    """Rebuild every rollup, and record where the incremental figures differed.

    The factor figures start from the residents' stored scores (any completed response not yet
    scored is scored on the way); ``rescore`` scores every resident again from their answers first,
    so that the comparison covers the stored scores too.
    """
    run = run or RecomputeRun.objects.create(kind="full")
    try:
        return _recompute(run, compare=compare, rescore=rescore, progress=progress)
    except Exception as exc:
        # The rollups are written in one transaction, so nothing of this run was kept: say so on the run.
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=repr(exc)[:2000]
        )
        raise


def recompute_runs_fail_stopped(*, except_task_id: str = "", started_before=None) -> int:
    """Mark failed the full recomputes that a Celery worker left "running" when it died. Only call it holding
    the recompute lock, or having seen it free: then no worker's run is alive. Runs from the command line (no
    task id) hold no lock and are left alone."""
    runs = RecomputeRun.objects.filter(status=RecomputeRun.Status.RUNNING).exclude(task_id="")
    if except_task_id:
        runs = runs.exclude(task_id=except_task_id)
    if started_before is not None:
        runs = runs.filter(started_at__lt=started_before)
    failed = runs.update(status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=STOPPED)
    if failed:
        logger.warning("marked %s full recompute(s) failed: their worker stopped", failed)
    return failed


def _recompute(run: RecomputeRun, *, compare: bool, rescore: bool, progress) -> RecomputeRun:
    before = _snapshot() if compare else None
    waves = list(Wave.objects.order_by("opens_on", "pk").values_list("pk", flat=True))
    ratios = list(Indicator.objects.filter(kind=Indicator.Kind.RATIO).values_list("pk", flat=True))
    steps = 1 + len(waves) + len(ratios) + 1
    written = 0
    with transaction.atomic():
        # Alone: an update that comes meanwhile waits for this run to commit, then applies on top of it.
        locks.hold(locks.EVERYTHING)
        cells_refresh(rescore=rescore)
        _tick(progress, 1, steps)
        FactorScore.objects.all().delete()
        for i, wave_id in enumerate(waves):  # in date order: each wave's change is measured from the one before
            written += scores_refresh(wave_id=wave_id)
            written += answers_refresh(wave_id=wave_id)
            _tick(progress, 2 + i, steps)
        for j, indicator_id in enumerate(ratios):
            written += worklessness_refresh(indicator_id=indicator_id)
            _tick(progress, 2 + len(waves) + j, steps)
        written += pairs_refresh()
        written += neighbours_refresh()
        written += effects_refresh()
        _tick(progress, steps, steps)
    rollup_statistics_refresh()
    differences = []
    if before is not None:
        after = _snapshot()
        for table in after:
            for row in sorted(before[table] ^ after[table], key=repr)[:50]:
                side = "incremental only" if row in before[table] else "recompute only"
                differences.append({"table": table, "row": [str(v) for v in row], "side": side})
        if differences:
            logger.warning("Full recompute differed from the incremental figures in %s rows", len(differences))
    run.status = RecomputeRun.Status.DONE
    run.finished_at = timezone.now()
    run.rows_written = written
    run.differences = differences
    run.save()
    return run


def rollup_statistics_refresh() -> None:
    """Have PostgreSQL count the rollups afresh after a full recompute rewrote them. Until autovacuum gets round
    to it (or never, where it is off) the planner takes a table that was empty when last counted to be nearly
    empty still: at national scale it then joined the two sides of 1,500 pairs on the period alone (a billion
    rows) and the refresh after the next import ran for over ten minutes (stopped there) instead of seconds."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in apps.get_app_config("engine").get_models()]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")  # the names come from the models


def _tick(progress, done: int, total: int) -> None:
    if progress:
        progress(done, total)


def stale_groups() -> list[tuple[int, int]]:
    """(wave, neighbourhood) pairs with a response completed or withdrawn after their figures were made."""
    computed = FactorScore.objects.filter(
        level=FactorScore.Level.NEIGHBOURHOOD,
        wave_id=OuterRef("wave_id"),
        neighbourhood_id=OuterRef("neighbourhood_id"),
    ).values("computed_at")[:1]
    latest = (
        Response.objects.filter(Q(completed_at__isnull=False) | Q(withdrawn_at__isnull=False))
        .values("wave_id", "neighbourhood_id")
        .annotate(
            completed=Max("completed_at", filter=Q(status="completed")),
            withdrawn=Max("withdrawn_at"),
            figures=Subquery(computed),
        )
        .filter(
            Q(figures__isnull=True, completed__isnull=False)
            | Q(completed__gt=F("figures"))
            | Q(withdrawn__gt=F("figures"))
        )
        .order_by()
    )
    return [(row["wave_id"], row["neighbourhood_id"]) for row in latest]
