"""Matched pairs: the gap between the two sides, each side's change, and the difference-in-differences."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.engine.models import FactorScore, PairComparison, WorklessnessPoint
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
    *, pair_ids: list[int] | None = None, neighbourhood_id: int | None = None, worklessness: bool = True
) -> int:
    """Rewrite the comparisons of the given pairs (those touching a neighbourhood, or all).

    ``worklessness=False`` leaves the official-data comparisons alone: a new survey response
    cannot change them.
    """
    pairs = MatchedPair.objects.all()
    if pair_ids is not None:
        pairs = pairs.filter(pk__in=pair_ids)
    if neighbourhood_id is not None:
        pairs = pairs.filter(Q(first_id=neighbourhood_id) | Q(second_id=neighbourhood_id))
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

    comparisons = []
    for pair in pairs:
        for source, order, field in ((factors, waves, "wave_id"), (rates, periods, "period_id")):
            measures = {m for (n, m) in source if n in (pair.first_id, pair.second_id)}
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
