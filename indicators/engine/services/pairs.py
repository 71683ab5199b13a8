"""Matched pairs: the gap between the two sides, each side's change, and the difference-in-differences."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
from indicators.official.models import Indicator, Period
from indicators.places.models import MatchedPair

WITHHELD_SIDE = "One side's figure is withheld"


def _series(first: dict, second: dict, order: list) -> list[dict]:
    """Rows for each time point both sides have, with changes and the DiD since the baseline."""
    rows, baseline_gap, previous = [], None, None
    for point in order:
        a, b = first.get(point), second.get(point)
        if a is None or b is None:
            continue  # a side not measured at this point
        if a[0] is None or b[0] is None:
            rows.append({"point": point, "withheld": True, "withheld_reason": a[1] or b[1] or WITHHELD_SIDE})
            continue
        gap = a[0] - b[0]
        row = {"point": point, "withheld": False, "first_value": a[0], "second_value": b[0], "gap": gap}
        if previous is not None:
            row["first_change"] = a[0] - previous[0]
            row["second_change"] = b[0] - previous[1]
        if baseline_gap is None:
            baseline_gap = gap
        row["difference_in_differences"] = gap - baseline_gap
        previous = (a[0], b[0])
        rows.append(row)
    return rows


@transaction.atomic
def pairs_refresh(
    *,
    pair_ids: list[int] | None = None,
    neighbourhood_id: int | None = None,
    worklessness: bool = True,
    indicator_id: int | None = None,
    since: dt.date | None = None,
) -> int:
    """Rewrite the comparisons of the given pairs (those touching a neighbourhood, or all).

    ``worklessness=False`` leaves the official-data comparisons alone: a new survey response
    cannot change them. ``indicator_id`` rewrites only the worklessness comparisons of that ratio
    indicator, in one set-based statement, and leaves the factors and every other indicator alone:
    what an import can change; with ``since``, only its periods starting on or after that date (a row
    looks back to earlier periods, never forward, so the earlier rows stand).
    """
    pairs = MatchedPair.objects.all()
    if pair_ids is not None:
        pairs = pairs.filter(pk__in=pair_ids)
    if neighbourhood_id is not None:
        pairs = pairs.filter(Q(first_id=neighbourhood_id) | Q(second_id=neighbourhood_id))
    if indicator_id is not None:
        scoped = pair_ids is not None or neighbourhood_id is not None
        return _indicator_refresh(indicator_id, list(pairs.values_list("pk", flat=True)) if scoped else None, since)
    pairs = list(pairs)
    sides = {n for p in pairs for n in (p.first_id, p.second_id)}
    now = timezone.now()

    factors: dict[tuple[int, str], dict] = defaultdict(dict)
    wave_order: dict[int, object] = {}
    for row in FactorScore.objects.filter(level=FactorScore.Level.NEIGHBOURHOOD, neighbourhood_id__in=sides).values(
        "neighbourhood_id", "factor", "wave_id", "wave__opens_on", "mean", "withheld_reason"
    ):
        factors[(row["neighbourhood_id"], row["factor"])][row["wave_id"]] = (row["mean"], row["withheld_reason"])
        wave_order[row["wave_id"]] = row["wave__opens_on"]
    waves = sorted(wave_order, key=wave_order.get)

    rates: dict[tuple[int, str], dict] = defaultdict(dict)
    period_order: dict[int, object] = {}
    points = WorklessnessPoint.objects.filter(
        level=WorklessnessPoint.Level.NEIGHBOURHOOD, neighbourhood_id__in=sides, rate__isnull=False
    )
    if not worklessness:
        points = points.none()
    for row in points.values("neighbourhood_id", "indicator__slug", "period_id", "period__start", "rate"):
        rates[(row["neighbourhood_id"], f"worklessness:{row['indicator__slug']}")][row["period_id"]] = (row["rate"], "")
        period_order[row["period_id"]] = row["period__start"]
    periods = sorted(period_order, key=period_order.get)

    # Each neighbourhood's measures, looked up per pair (scanning every key for every pair grows as pairs squared).
    measures_of: dict[tuple[int, int], set[str]] = defaultdict(set)
    for index, source in enumerate((factors, rates)):
        for n, m in source:
            measures_of[(index, n)].add(m)
    comparisons = []
    for pair in pairs:
        for index, (source, order, field) in enumerate(((factors, waves, "wave_id"), (rates, periods, "period_id"))):
            measures = measures_of.get((index, pair.first_id), set()) | measures_of.get((index, pair.second_id), set())
            for measure in sorted(measures):
                for row in _series(
                    source.get((pair.first_id, measure), {}), source.get((pair.second_id, measure), {}), order
                ):
                    point = row.pop("point")
                    comparisons.append(
                        PairComparison(pair=pair, measure=measure, computed_at=now, **{field: point}, **row)
                    )
    stale = PairComparison.objects.filter(pair__in=pairs)
    if not worklessness:
        stale = stale.filter(wave__isnull=False)
    stale.delete()
    PairComparison.objects.bulk_create(comparisons, batch_size=2000)
    return len(comparisons)


def _indicator_refresh(indicator_id: int, pair_ids: list[int] | None, since: dt.date | None) -> int:
    """One indicator's worklessness comparisons for the given pairs (None: all), from ``since`` on (None: all),
    deleted and written again by one INSERT … SELECT: the two sides' rates joined by period, each side's change and
    the gap's change since the pair's first period read with window functions over the whole series. The same rows
    as ``_series`` gives (a side without a rate at a period gives no row; changes are since the previous period
    both sides have), as a test checks."""
    slug = Indicator.objects.values_list("slug", flat=True).get(pk=indicator_id)
    measure = f"worklessness:{slug}"
    stale = PairComparison.objects.filter(measure=measure, period__isnull=False)
    if pair_ids is not None:
        stale = stale.filter(pair_id__in=pair_ids)
    if since is not None:
        stale = stale.filter(period__start__gte=since)
    stale.delete()
    if pair_ids is not None and not pair_ids:
        return 0
    only = f"AND p.id IN ({', '.join(['%s'] * len(pair_ids))})" if pair_ids is not None else ""
    point = WorklessnessPoint._meta.db_table
    statement = f"""
        INSERT INTO {PairComparison._meta.db_table}
            (pair_id, measure, period_id, wave_id, withheld, withheld_reason, first_value, second_value, gap,
             first_change, second_change, difference_in_differences, computed_at)
        SELECT pair_id, %s, period_id, NULL, %s, '', a, b, gap, first_change, second_change, did, %s
        FROM (
            SELECT pair_id, period_id, start, a, b, a - b AS gap, a - LAG(a) OVER w AS first_change,
                   b - LAG(b) OVER w AS second_change, (a - b) - FIRST_VALUE(a - b) OVER w AS did
            FROM (
                SELECT p.id AS pair_id, f.period_id, f.rate AS a, s.rate AS b, per.start
                FROM {MatchedPair._meta.db_table} p
                JOIN {point} f ON f.neighbourhood_id = p.first_id AND f.level = %s AND f.indicator_id = %s
                JOIN {point} s ON s.neighbourhood_id = p.second_id AND s.level = %s AND s.indicator_id = %s
                    AND s.period_id = f.period_id
                JOIN {Period._meta.db_table} per ON per.id = f.period_id
                WHERE f.rate IS NOT NULL AND s.rate IS NOT NULL {only}
            ) sides
            WINDOW w AS (PARTITION BY pair_id ORDER BY start, period_id)
        ) series
        WHERE {"start >= %s" if since is not None else "TRUE"}
    """  # the table names come from the models; every value is a parameter
    level = WorklessnessPoint.Level.NEIGHBOURHOOD
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [measure, False, now, level, indicator_id, level, indicator_id, *(pair_ids or [])]
    if since is not None:
        params.append(connection.ops.adapt_datefield_value(since))
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount
