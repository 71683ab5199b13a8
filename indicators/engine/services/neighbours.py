"""Statistical neighbours: for every neighbourhood, its most similar others, as LG Inform's nearest-neighbour
models find councils' (CIPFA's method: standardise each measure, then the Euclidean distance).

The measures, each turned into a z-score over all neighbourhoods (its value minus the mean, over the standard
deviation):

- deprivation: the mean score of the neighbourhood's small areas on each IoD domain of the edition in force,
  where domains are loaded; otherwise the mean IMD score (the mean IMD rank where no score is loaded) and the share
  of its small areas in IMD decile 1;
- size: the working-age residents at the baseline (the worklessness rate's denominator), on a log scale so that
  twice as big counts the same at any size; the number of small areas where no worklessness is loaded;
- worklessness at the baseline: the period at which the most neighbourhoods have a rate (the earliest of ties).

Deprivation, size and worklessness weigh the same: the deprivation measures share their weight equally, so seven
domains do not outvote worklessness. A neighbourhood missing a measure takes the mean for it (z = 0), and a
measure on which every neighbourhood is alike drops out. Set-based: three queries and one numpy pass, however
many neighbourhoods.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from indicators.engine.models import StatisticalNeighbour, WorklessnessPoint
from indicators.official.models import DeprivationDomain, Indicator, Period
from indicators.places.deprivation import deprived_edition
from indicators.places.models import Deprivation, Neighbourhood

WORKLESSNESS = "worklessness"  # the outcome's indicator (official.catalogue's ratio of the same slug)
CHUNK = 128  # rows of the distance matrix made at once: 128 × 3,000 × a dozen measures stays in tens of MB


def baseline_period(indicator_id: int | None) -> Period | None:
    """The period at which the most neighbourhoods have a worklessness rate; the earliest of ties."""
    if indicator_id is None:
        return None
    best = (
        WorklessnessPoint.objects.filter(
            indicator_id=indicator_id, level=WorklessnessPoint.Level.NEIGHBOURHOOD, rate__isnull=False
        )
        .values("period_id", "period__start")
        .annotate(places=Count("pk"))
        .order_by("-places", "period__start")
        .first()
    )
    return Period.objects.get(pk=best["period_id"]) if best else None


def _deprivation(edition: str) -> tuple[dict[str, dict[int, float]], str]:
    """Measure name → {neighbourhood: value}, and which kind of deprivation measure was used."""
    measures: dict[str, dict[int, float]] = defaultdict(dict)
    rows = (
        DeprivationDomain.objects.filter(edition=edition, small_area__neighbourhoods__isnull=False)
        .values("small_area__neighbourhoods", "domain")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    for row in rows:
        measures[f"domain:{row['domain']}"][row["small_area__neighbourhoods"]] = float(row["mean"])
    if measures:
        return dict(measures), "domains"
    rows = (
        Deprivation.objects.filter(edition=edition, small_area__neighbourhoods__isnull=False)
        .values("small_area__neighbourhoods")
        .annotate(
            mean_score=Avg("score"),
            rank=Avg("rank"),
            areas=Count("pk"),
            decile_1=Count("pk", filter=Q(decile=1)),
            scored=Count("score"),
        )
        .order_by()
    )
    for row in rows:
        place = row["small_area__neighbourhoods"]
        if row["scored"] == row["areas"]:
            measures["imd:score"][place] = float(row["mean_score"])
        else:
            measures["imd:rank"][place] = -float(row["rank"])  # signed so that higher is more deprived
        measures["imd:decile_1_share"][place] = row["decile_1"] / row["areas"]
    if "imd:score" in measures and "imd:rank" in measures:
        measures.pop("imd:rank")  # never two scales for one measure: those without a score take the mean
    return dict(measures), "imd" if measures else "none"


def _features(ids: list[int]) -> tuple[np.ndarray, np.ndarray, dict]:
    """The z-scores (neighbourhoods × measures), each measure's weight, and the basis to record."""
    edition = deprived_edition()
    deprivation, kind = _deprivation(edition)
    indicator = Indicator.objects.filter(slug=WORKLESSNESS, kind=Indicator.Kind.RATIO).first()
    baseline = baseline_period(indicator.pk if indicator else None)
    groups: dict[str, dict[str, dict[int, float]]] = {"deprivation": deprivation, "size": {}, "worklessness": {}}
    if baseline is not None:
        for place, rate, residents in WorklessnessPoint.objects.filter(
            indicator=indicator, period=baseline, level=WorklessnessPoint.Level.NEIGHBOURHOOD, rate__isnull=False
        ).values_list("neighbourhood_id", "rate", "denominator"):
            groups["worklessness"].setdefault("worklessness", {})[place] = rate
            if residents:
                groups["size"].setdefault("working_age_residents", {})[place] = math.log(residents)
    if not groups["size"]:
        counts = Neighbourhood.objects.filter(pk__in=ids).annotate(k=Count("small_areas")).values_list("pk", "k")
        groups["size"]["small_areas"] = {place: math.log(k) for place, k in counts if k}
    index = {place: i for i, place in enumerate(ids)}
    columns, weights, used = [], [], defaultdict(list)
    for group, measures in groups.items():
        kept = []
        for name, values in sorted(measures.items()):
            column = np.full(len(ids), np.nan)
            for place, value in values.items():
                if place in index:
                    column[index[place]] = value
            known = column[~np.isnan(column)]
            spread = known.std() if known.size else 0.0
            if spread <= 1e-12:
                continue  # every neighbourhood alike (or none measured): it tells them apart no more than nothing
            column = np.where(np.isnan(column), 0.0, (column - known.mean()) / spread)
            kept.append((name, column))
        for name, column in kept:
            columns.append(column)
            weights.append(1.0 / len(kept))  # a group weighs 1 however many measures it has
            used[group].append(name)
    z = np.column_stack(columns) if columns else np.zeros((len(ids), 0))
    basis = {
        "deprivation": kind,
        "edition": edition,
        "measures": dict(used),
        "baseline_period": baseline.label if baseline else "",
        "baseline_period_id": baseline.pk if baseline else None,
    }
    return z, np.array(weights), basis


def nearest(z: np.ndarray, weights: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the indexes of its k nearest other rows and their distances: nearest first, the lower
    index first among equals (so a recompute on the same figures gives the same neighbours)."""
    n = z.shape[0]
    k = min(k, n - 1)
    scaled = z * np.sqrt(weights) if weights.size else z
    order = np.empty((n, k), dtype=np.int64)
    distances = np.empty((n, k))
    columns = np.broadcast_to(np.arange(n), (CHUNK, n))
    for first in range(0, n, CHUNK):
        block = scaled[first : first + CHUNK]
        rows = block.shape[0]
        squared = ((block[:, None, :] - scaled[None, :, :]) ** 2).sum(axis=2)
        squared[np.arange(rows), np.arange(first, first + rows)] = np.inf  # never its own neighbour
        d = np.sqrt(squared).round(9)  # equal distances compare equal whatever the order of the sum
        ranked = np.lexsort((columns[:rows], d), axis=1)[:, :k]
        order[first : first + rows] = ranked
        distances[first : first + rows] = np.take_along_axis(d, ranked, axis=1)
    return order, distances


@transaction.atomic
def neighbours_refresh() -> int:
    """Rewrite every neighbourhood's statistical neighbours (REBALANCE_STATISTICAL_NEIGHBOURS of them).

    Idempotent: all rows are deleted and written again in one transaction, from the figures as they stand.
    """
    ids = list(Neighbourhood.objects.order_by("pk").values_list("pk", flat=True))
    StatisticalNeighbour.objects.all().delete()
    if len(ids) < 2:
        return 0
    z, weights, basis = _features(ids)
    if not z.shape[1]:
        return 0  # no measure tells them apart: any "nearest" would be arbitrary
    order, distances = nearest(z, weights, settings.REBALANCE_STATISTICAL_NEIGHBOURS)
    now = timezone.now()
    rows = [
        StatisticalNeighbour(
            neighbourhood_id=place,
            neighbour_id=ids[order[i, r]],
            rank=r + 1,
            distance=float(distances[i, r]),
            basis=basis,
            computed_at=now,
        )
        for i, place in enumerate(ids)
        for r in range(order.shape[1])
    ]
    StatisticalNeighbour.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
