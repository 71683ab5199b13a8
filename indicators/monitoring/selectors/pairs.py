"""Matched pairs: the list, and one pair's two neighbourhoods side by side."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.shortcuts import get_object_or_404

from indicators.engine.models import FactorScore, PairComparison
from indicators.engine.selectors.factors import factor_scores
from indicators.monitoring.content import FACTORS
from indicators.monitoring.selectors.common import Provenance, worklessness_provenance
from indicators.places import selectors
from indicators.places.models import MatchedPair


@dataclass
class PairPage:
    pair: MatchedPair
    provenance: Provenance
    factors: dict[str, list[PairComparison]]  # factor -> rows oldest first
    worklessness: list[PairComparison]
    sides: dict[tuple[int, str], FactorScore]  # latest (neighbourhood, factor) figure

    @property
    def worklessness_shown(self) -> list[PairComparison]:
        return [r for r in self.worklessness if not r.withheld]


def pair_page(*, user, pk: int) -> PairPage:
    pair = get_object_or_404(selectors.matched_pair_list(user=user), pk=pk)
    provenance = worklessness_provenance()
    measure = f"worklessness:{provenance.indicator.slug}" if provenance.indicator else ""
    rows = (
        PairComparison.objects.visible_to(user)
        .filter(pair=pair)
        .filter(Q(measure__in=[k for k, _ in FACTORS]) | Q(measure=measure))
        .select_related("wave", "period")
        .order_by("wave__opens_on", "period__start")
    )
    factors: dict[str, list[PairComparison]] = defaultdict(list)
    worklessness = []
    for row in rows:
        (worklessness if row.measure == measure else factors[row.measure]).append(row)
    sides: dict[tuple[int, str], FactorScore] = {}
    for score in (
        factor_scores(user=user)
        .filter(level=FactorScore.Level.NEIGHBOURHOOD, neighbourhood_id__in=[pair.first_id, pair.second_id])
        .order_by("-wave__opens_on", "-wave_id")
    ):
        sides.setdefault((score.neighbourhood_id, score.factor), score)
    return PairPage(pair, provenance, dict(factors), worklessness, sides)


def pair_list(*, user) -> tuple[list[MatchedPair], dict[int, PairComparison], Provenance]:
    """The user's pairs with each one's latest worklessness comparison: four queries whatever the number."""
    from django.db.models import Max

    pairs = list(selectors.matched_pair_list(user=user))
    provenance = worklessness_provenance()
    latest: dict[int, PairComparison] = {}
    if provenance.indicator is not None and pairs:
        measure = f"worklessness:{provenance.indicator.slug}"
        rows = PairComparison.objects.visible_to(user).filter(measure=measure, withheld=False)
        newest = rows.aggregate(start=Max("period__start"))["start"]
        for row in rows.filter(period__start=newest).select_related("period"):
            latest[row.pair_id] = row
    return pairs, latest, provenance
