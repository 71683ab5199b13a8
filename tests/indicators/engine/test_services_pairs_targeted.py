"""The refresh after an import rewrites only the worklessness comparisons of the ratio indicator it touched, in
set-based SQL, and they are exactly the rows the full recompute (the per-pair Python series) gives; the factors and
the other ratio indicator's comparisons are not rewritten."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators.engine.models import PairComparison, WorklessnessPoint
from indicators.engine.services.pairs import pairs_refresh
from indicators.engine.services.refresh import observations_refresh, recompute_all
from indicators.official.models import Indicator, Observation, Period
from tests.factories import LocalAuthorityFactory, MatchedPairFactory, NeighbourhoodFactory

from .builders import figures, month, residents, survey, wave, year

pytestmark = pytest.mark.django_db

FIELDS = (
    "pair_id", "measure", "wave_id", "period_id", "withheld", "withheld_reason", "first_value", "second_value",
    "gap", "first_change", "second_change", "difference_in_differences",
)  # fmt: skip


def _rows(**filters) -> list[tuple]:
    return sorted(PairComparison.objects.filter(**filters).values_list(*FIELDS), key=repr)


@pytest.fixture
def world():
    """Three pairs over five months; one side has no figure in March, one pair's second side none at all."""
    la = LocalAuthorityFactory(code="E08000012", name="Liverpool")
    hoods = [NeighbourhoodFactory(name=f"N{i}", local_authority=la, areas=2) for i in range(6)]
    pairs = [MatchedPairFactory(first=hoods[0], second=hoods[1]), MatchedPairFactory(first=hoods[2], second=hoods[3])]
    pairs.append(MatchedPairFactory(first=hoods[4], second=hoods[5]))
    areas = [a for n in hoods[:5] for a in n.small_areas.order_by("code")]  # hoods[5] has no figures
    figures("working-age-population", year(2024), {a: 900 + 37 * i for i, a in enumerate(areas)})
    for m in range(1, 6):
        held = [a for i, a in enumerate(areas) if not (m == 3 and i in (2, 3))]  # hoods[1] missing in March
        figures("claimant-count", month(2024, m), {a: 40 + (7 * i + 11 * m) % 29 for i, a in enumerate(held)})
    census = Period.objects.get_or_create(
        kind=Period.Kind.CENSUS, start=dt.date(2021, 1, 1), defaults={"end": dt.date(2021, 12, 31), "label": "C21"}
    )[0]
    figures("census-residents-16-plus", census, {a: 1200 + i for i, a in enumerate(areas)})
    figures("census-unemployed", census, {a: 30 + i for i, a in enumerate(areas)})
    version, questions = survey(("confidence",))
    w = wave(version, hoods[:2], opens=dt.date(2024, 3, 1))
    residents(w, hoods[0], questions["confidence"], [60] * 10)
    residents(w, hoods[1], questions["confidence"], [45] * 10)
    recompute_all(compare=False)
    return areas


def test_the_targeted_refresh_gives_exactly_the_rows_of_a_full_recompute(world):
    worklessness = Indicator.objects.get(slug="worklessness")
    assert _rows(measure="worklessness:worklessness")  # the world has comparisons to check
    assert _rows(measure="confidence")
    assert _rows(measure="worklessness:census-unemployment-rate")
    untouched = dict(
        PairComparison.objects.exclude(measure="worklessness:worklessness").values_list("pk", "computed_at")
    )

    # A correction to May and a new month June, as an import brings them, then the refresh after it.
    may, june = month(2024, 5), month(2024, 6)
    figures("claimant-count", june, {a: 33 + i for i, a in enumerate(world)})
    claimants = Indicator.objects.get(slug="claimant-count")

    Observation.objects.filter(indicator=claimants, period=may, small_area=world[0]).update(value=5)
    before_may = PairComparison.objects.filter(measure="worklessness:worklessness", period__start__lt=may.start)
    earlier = dict(before_may.values_list("pk", "computed_at"))
    observations_refresh(indicator_id=claimants.pk, period_ids=[may.pk, june.pk])
    targeted = _rows()
    assert earlier  # and the months before the import's were not rewritten: each row looks back, never forward
    assert dict(before_may.values_list("pk", "computed_at")) == earlier
    assert (
        dict(PairComparison.objects.exclude(measure="worklessness:worklessness").values_list("pk", "computed_at"))
        == untouched
    )  # neither the factors nor the census rate were rewritten

    recompute_all(compare=False)  # everything again, by the per-pair Python series
    assert targeted == _rows()
    june_rows = _rows(measure="worklessness:worklessness", period_id=june.pk)
    assert len(june_rows) == 2  # the pair with a side without figures has none
    assert pairs_refresh(indicator_id=worklessness.pk) == len(_rows(measure="worklessness:worklessness"))
    assert targeted == _rows()
    may_on = _rows(measure="worklessness:worklessness", period__start__gte=may.start)
    assert pairs_refresh(indicator_id=worklessness.pk, since=may.start) == len(may_on) == 4  # 2 pairs, 2 months
    assert targeted == _rows()


def test_a_correction_to_the_first_month_moves_every_later_difference_in_differences(world):
    claimants = Indicator.objects.get(slug="claimant-count")
    january = month(2024, 1)
    Observation.objects.filter(indicator=claimants, period=january, small_area=world[0]).update(value=90)
    observations_refresh(indicator_id=claimants.pk, period_ids=[january.pk])
    targeted = _rows()
    recompute_all(compare=False)
    assert targeted == _rows()


def test_a_targeted_refresh_for_one_neighbourhood_touches_only_its_pairs(world):
    worklessness = Indicator.objects.get(slug="worklessness")
    everything = _rows()
    first = PairComparison.objects.filter(measure="worklessness:worklessness").order_by("pair_id").first().pair
    others = dict(PairComparison.objects.exclude(pair=first).values_list("pk", "computed_at"))
    written = pairs_refresh(indicator_id=worklessness.pk, neighbourhood_id=first.first_id)
    assert written == len(_rows(measure="worklessness:worklessness", pair_id=first.pk))
    assert dict(PairComparison.objects.exclude(pair=first).values_list("pk", "computed_at")) == others
    assert _rows() == everything


@pytest.mark.postgres
def test_a_full_recompute_leaves_postgresql_counting_the_rollups_it_wrote(world):
    """Without fresh statistics the planner takes the rewritten rollups to be as empty as when last counted, and
    joins a pair's two sides on the period alone: at national scale a refresh of hours instead of a second."""
    from django.db import connection

    def counted(table: str) -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return cursor.fetchone()[0]

    PairComparison.objects.all().delete()
    WorklessnessPoint.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE engine_worklessnesspoint, engine_paircomparison")  # counted while empty
    assert counted("engine_worklessnesspoint") <= 0
    recompute_all(compare=False)
    written = PairComparison.objects.count()
    assert written > 0
    assert counted("engine_paircomparison") == written
    assert counted("engine_worklessnesspoint") > 0
