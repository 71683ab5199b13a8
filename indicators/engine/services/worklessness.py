"""Worklessness: each place's rate from summed parts, the benchmark, and who is improving.

A neighbourhood's or authority's rate is the sum of its small areas' numerators
over the sum of their denominators (never a mean of rates). The benchmark, as in
the report, is the mean over the reference set of each small area's own rate.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from indicators.engine.models import WorklessnessPoint
from indicators.official.models import Indicator, Observation, Period
from indicators.places.deprivation import deprived_edition, deprived_max_decile
from indicators.places.models import Deprivation, Neighbourhood, SmallArea

Level = WorklessnessPoint.Level


class EngineError(ValueError):
    """A request the engine cannot answer, said in words an officer understands."""


def ratio_indicator(indicator: Indicator) -> Indicator:
    if indicator.kind != Indicator.Kind.RATIO:
        raise EngineError(
            f"'{indicator.slug}' is a {indicator.get_kind_display().lower()}, not a rate defined as "
            "numerator ÷ denominator: worklessness needs a ratio indicator such as 'worklessness'."
        )
    return indicator


def _observed(indicator: Indicator) -> Q:
    """Periods with at least one observation of the indicator.

    One EXISTS per kind of area, each naming its area column as not null, so that each rides its
    partial unique index (indicator, period, area) with a probe or two per period. Without that
    condition PostgreSQL cannot use the partial indexes and scans the observations once per period.
    """

    def kind(column: str) -> Exists:
        return Exists(
            Observation.objects.filter(indicator=indicator, period=OuterRef("pk"), **{f"{column}__isnull": False})
        )

    return Q(kind("small_area")) | Q(kind("local_authority"))


def denominator_periods(indicator: Indicator, period_ids: list[int] | None = None) -> dict[int, int]:
    """For each numerator period, the denominator period it is divided by.

    'same': the same period. 'year': that calendar year's figure, or the latest
    earlier year when the year's estimate is not yet published (populations lag).
    """
    numerator_periods = Period.objects.filter(_observed(indicator.numerator))
    if period_ids is not None:
        numerator_periods = numerator_periods.filter(pk__in=period_ids)
    denominators = Period.objects.filter(_observed(indicator.denominator))
    if indicator.denominator_period == Indicator.DenominatorPeriod.SAME:
        same = set(denominators.values_list("pk", flat=True))
        return {p: p for p in numerator_periods.values_list("pk", flat=True) if p in same}
    years = sorted(denominators.values_list("start", "pk"))
    mapping = {}
    for period_id, start in numerator_periods.values_list("pk", "start"):
        earlier = [pk for year_start, pk in years if year_start.year <= start.year]
        if earlier:
            mapping[period_id] = earlier[-1]
    return mapping


def table_names() -> dict[str, str]:
    return {
        "obs": Observation._meta.db_table,
        "ns": Neighbourhood.small_areas.through._meta.db_table,
        "sa": SmallArea._meta.db_table,
        "dep": Deprivation._meta.db_table,
        "point": WorklessnessPoint._meta.db_table,
    }


def _placeholders(values) -> str:
    return ", ".join(["%s"] * len(values))


def _insert_rates(indicator: Indicator, mapping: dict[int, int], now) -> None:
    by_denominator: dict[int, list[int]] = defaultdict(list)
    for numerator_period, denominator_period in mapping.items():
        by_denominator[denominator_period].append(numerator_period)
    # One statement per level and denominator period (a handful), each set-based over all places.
    with connection.cursor() as cursor:
        for denominator_period, numerator_periods in by_denominator.items():
            periods = (numerator_periods, denominator_period)
            for level in (Level.NEIGHBOURHOOD, Level.LOCAL_AUTHORITY):
                _insert_place_rates(cursor, indicator, level, periods, now)
            _insert_benchmark(cursor, indicator, periods, now)


def _place_sql(level: str, t: dict[str, str]) -> tuple[str, str, str, str, str, str]:
    """The parts of a place's rate statement: its columns, source, area, grouping, sizes and condition."""
    if level == Level.NEIGHBOURHOOD:
        return (
            "ns.neighbourhood_id, NULL",
            f"{t['ns']} ns",
            "ns.smallarea_id",
            "ns.neighbourhood_id",
            f"(SELECT neighbourhood_id AS place, COUNT(*) AS k FROM {t['ns']} GROUP BY neighbourhood_id) sizes"
            " ON sizes.place = ns.neighbourhood_id",
            "",
        )
    # Only authorities that hold a neighbourhood: the ones anyone monitors.
    monitored = f"SELECT local_authority_id FROM {Neighbourhood._meta.db_table}"
    return (
        "NULL, sa.local_authority_id",
        f"{t['sa']} sa",
        "sa.id",
        "sa.local_authority_id",
        f"(SELECT local_authority_id AS place, COUNT(*) AS k FROM {t['sa']} GROUP BY local_authority_id) sizes"
        " ON sizes.place = sa.local_authority_id",
        f"WHERE sa.local_authority_id IN ({monitored})",
    )


def _insert_place_rates(cursor, indicator: Indicator, level: str, periods: tuple[list[int], int], now) -> None:
    """Each place's rate at one level: the sum of its small areas' numerators over the sum of their denominators."""
    t = table_names()
    numerator_periods, denominator_period = periods
    place_cols, source, area, group, sizes, where = _place_sql(level, t)
    cursor.execute(
        f"""
        INSERT INTO {t["point"]} (indicator_id, period_id, level, neighbourhood_id, local_authority_id,
                                 numerator, denominator, rate, areas, areas_expected, computed_at)
        SELECT %s, num.period_id, %s, {place_cols}, SUM(num.value), SUM(den.value),
               %s * SUM(num.value) / SUM(den.value), COUNT(*), MAX(sizes.k), %s
        FROM {source}
        JOIN {sizes}
        JOIN {t["obs"]} num ON num.small_area_id = {area} AND num.indicator_id = %s
             AND num.value IS NOT NULL AND num.period_id IN ({_placeholders(numerator_periods)})
        JOIN {t["obs"]} den ON den.small_area_id = {area} AND den.indicator_id = %s
             AND den.period_id = %s AND den.value > 0
        {where}
        GROUP BY {group}, num.period_id
        """,
        [indicator.pk, level, float(indicator.multiplier), now, indicator.numerator_id, *numerator_periods,
         indicator.denominator_id, denominator_period],
    )  # fmt: skip


def _insert_benchmark(cursor, indicator: Indicator, periods: tuple[list[int], int], now) -> None:
    """The benchmark: the mean of the reference set's own small-area rates."""
    t = table_names()
    numerator_periods, denominator_period = periods
    cursor.execute(
        f"""
        INSERT INTO {t["point"]} (indicator_id, period_id, level, neighbourhood_id, local_authority_id,
                                 numerator, denominator, rate, areas, areas_expected, computed_at)
        SELECT %s, num.period_id, %s, NULL, NULL, NULL, NULL, AVG(%s * num.value / den.value), COUNT(*),
               (SELECT COUNT(*) FROM {t["dep"]} WHERE edition = %s AND decile <= %s), %s
        FROM {t["dep"]} d
        JOIN {t["obs"]} num ON num.small_area_id = d.small_area_id AND num.indicator_id = %s
             AND num.value IS NOT NULL AND num.period_id IN ({_placeholders(numerator_periods)})
        JOIN {t["obs"]} den ON den.small_area_id = d.small_area_id AND den.indicator_id = %s
             AND den.period_id = %s AND den.value > 0
        WHERE d.edition = %s AND d.decile <= %s
        GROUP BY num.period_id
        """,
        [indicator.pk, Level.BENCHMARK, float(indicator.multiplier), *deprived_edition_and_decile(), now,
         indicator.numerator_id, *numerator_periods, indicator.denominator_id, denominator_period,
         *deprived_edition_and_decile()],
    )  # fmt: skip


def deprived_edition_and_decile() -> tuple[str, int]:
    return deprived_edition(), deprived_max_decile()


@transaction.atomic
def worklessness_refresh(*, indicator_id: int, period_ids: list[int] | None = None) -> int:
    """Rewrite the rates of a ratio indicator for the given numerator periods (all when None).

    Idempotent: the rows for those periods are deleted and written again in one transaction.
    """
    indicator = ratio_indicator(Indicator.objects.select_related("numerator", "denominator").get(pk=indicator_id))
    mapping = denominator_periods(indicator, period_ids)
    stale = WorklessnessPoint.objects.filter(indicator=indicator)
    if period_ids is not None:
        stale = stale.filter(period_id__in=period_ids)
    stale.delete()
    if mapping:
        _insert_rates(indicator, mapping, timezone.now())
    return WorklessnessPoint.objects.filter(indicator=indicator, period_id__in=list(mapping)).count()


def ratio_indicators_using(indicator_ids: list[int]) -> list[int]:
    """Ratio indicators whose numerator or denominator is among these (or which are these)."""
    return list(
        Indicator.objects.filter(kind=Indicator.Kind.RATIO)
        .filter(Q(numerator_id__in=indicator_ids) | Q(denominator_id__in=indicator_ids) | Q(pk__in=indicator_ids))
        .values_list("pk", flat=True)
    )


# --- Improving or lagging ------------------------------------------------------------
