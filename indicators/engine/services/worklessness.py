"""Worklessness: each place's rate from summed parts, the benchmark, and who is improving.

A neighbourhood's or authority's rate is the sum of its small areas' numerators
over the sum of their denominators (never a mean of rates). The benchmark, as in
the report, is the mean over the reference set of each small area's own rate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from indicators.engine.models import WorklessnessPoint
from indicators.official.models import Indicator, Observation, Period
from indicators.places.models import Deprivation, LocalAuthority, Neighbourhood, Region, SmallArea

Level = WorklessnessPoint.Level


class EngineError(ValueError):
    """A request the engine cannot answer, said in words an officer understands."""


def _ratio(indicator: Indicator) -> Indicator:
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


def _tables() -> dict[str, str]:
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
    t = _tables()
    by_denominator: dict[int, list[int]] = defaultdict(list)
    for numerator_period, denominator_period in mapping.items():
        by_denominator[denominator_period].append(numerator_period)
    mult = float(indicator.multiplier)
    # One statement per level and denominator period (a handful), each set-based over all places.
    statements = {
        Level.NEIGHBOURHOOD: (
            "ns.neighbourhood_id, NULL",
            f"{t['ns']} ns",
            "ns.smallarea_id",
            "ns.neighbourhood_id",
            f"(SELECT neighbourhood_id AS place, COUNT(*) AS k FROM {t['ns']} GROUP BY neighbourhood_id) sizes"
            " ON sizes.place = ns.neighbourhood_id",
        ),
        Level.LOCAL_AUTHORITY: (
            "NULL, sa.local_authority_id",
            # Only authorities that hold a neighbourhood: the ones anyone monitors.
            f"{t['sa']} sa",
            "sa.id",
            "sa.local_authority_id",
            f"(SELECT local_authority_id AS place, COUNT(*) AS k FROM {t['sa']} GROUP BY local_authority_id) sizes"
            " ON sizes.place = sa.local_authority_id",
        ),
    }
    with connection.cursor() as cursor:
        for denominator_period, numerator_periods in by_denominator.items():
            for level, (place_cols, source, area, group, sizes) in statements.items():
                where = ""
                if level == Level.LOCAL_AUTHORITY:
                    monitored = f"SELECT local_authority_id FROM {Neighbourhood._meta.db_table}"
                    where = f"WHERE sa.local_authority_id IN ({monitored})"
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
                    [indicator.pk, level, mult, now, indicator.numerator_id, *numerator_periods,
                     indicator.denominator_id, denominator_period],
                )  # fmt: skip
            # The benchmark: the mean of the reference set's own small-area rates.
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
                [indicator.pk, Level.BENCHMARK, mult, *_deprived(), now, indicator.numerator_id, *numerator_periods,
                 indicator.denominator_id, denominator_period, *_deprived()],
            )  # fmt: skip


def _deprived() -> tuple[str, int]:
    return Deprivation.Edition.latest_loaded(), settings.REBALANCE_DEPRIVED_MAX_DECILE


@transaction.atomic
def worklessness_refresh(*, indicator_id: int, period_ids: list[int] | None = None) -> int:
    """Rewrite the rates of a ratio indicator for the given numerator periods (all when None).

    Idempotent: the rows for those periods are deleted and written again in one transaction.
    """
    indicator = _ratio(Indicator.objects.select_related("numerator", "denominator").get(pk=indicator_id))
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
    from django.db.models import Q

    return list(
        Indicator.objects.filter(kind=Indicator.Kind.RATIO)
        .filter(Q(numerator_id__in=indicator_ids) | Q(denominator_id__in=indicator_ids) | Q(pk__in=indicator_ids))
        .values_list("pk", flat=True)
    )


# --- Improving or lagging ------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceSet:
    """Which small areas the benchmark averages over: England's deprived ones by default."""

    key: str = "england-deprived"

    def describe(self) -> str:
        kind, _, value = self.key.partition(":")
        decile = settings.REBALANCE_DEPRIVED_MAX_DECILE
        deprived = "most deprived 10%" if decile == 1 else "most deprived 20%"
        return {
            "england-deprived": f"all LSOAs in England's {deprived} (the report's benchmark)",
            "england-all": "all LSOAs in England",
            "region": f"the {deprived} of LSOAs in region '{value}'",
            "la": f"the {deprived} of LSOAs in local authority {value}",
        }[kind]

    def where(self) -> tuple[str, list]:
        kind, _, value = self.key.partition(":")
        if kind == "england-deprived":
            return "d.decile <= %s", [settings.REBALANCE_DEPRIVED_MAX_DECILE]
        if kind == "england-all":
            return "1 = 1", []
        if kind == "region" and value:
            return (
                f"d.decile <= %s AND la.region_id IN (SELECT id FROM {Region._meta.db_table} WHERE slug = %s)",
                [settings.REBALANCE_DEPRIVED_MAX_DECILE, value],
            )
        if kind == "la" and value:
            return "d.decile <= %s AND la.code = %s", [settings.REBALANCE_DEPRIVED_MAX_DECILE, value]
        raise EngineError(
            f"Unknown reference set '{self.key}': use england-deprived, england-all, region:<slug> or la:<code>."
        )


@dataclass
class AreaShare:
    code: str
    name: str
    deprived: int
    improving: int
    share: float | None = field(init=False)

    def __post_init__(self) -> None:
        self.share = 100.0 * self.improving / self.deprived if self.deprived else None


@dataclass
class ImprovementReport:
    indicator: str
    start: str
    end: str
    reference: str
    benchmark_change: float | None
    benchmark_areas: int
    local_authorities: list[AreaShare] = field(default_factory=list)
    regions: list[AreaShare] = field(default_factory=list)
    neighbourhoods: list[dict] = field(default_factory=list)


def _period(label_or_id) -> Period:
    if isinstance(label_or_id, Period):
        return label_or_id
    from indicators.official.importing.periods import parse_period

    try:
        kind, start = parse_period(str(label_or_id))
    except ValueError as exc:
        raise EngineError(str(exc)) from exc
    period = Period.objects.filter(kind=kind, start=start).first()
    if period is None:
        raise EngineError(f"No figures have been imported for {label_or_id}.")
    return period


def improvement_report(
    *, indicator_slug: str, start, end, reference: str = "england-deprived", user=None
) -> ImprovementReport:
    """The report's table: each deprived small area's change against the benchmark change,
    and the share improving per local authority and region; plus the user's neighbourhoods."""
    try:
        indicator = _ratio(Indicator.objects.select_related("numerator", "denominator").get(slug=indicator_slug))
    except Indicator.DoesNotExist:
        raise EngineError(f"No indicator '{indicator_slug}'.") from None
    start_p, end_p = _period(start), _period(end)
    if start_p.start >= end_p.start:
        raise EngineError(f"The start ({start_p}) must come before the end ({end_p}).")
    mapping = denominator_periods(indicator, [start_p.pk, end_p.pk])
    if start_p.pk not in mapping or end_p.pk not in mapping:
        missing = start_p if start_p.pk not in mapping else end_p
        raise EngineError(f"{indicator.name} has no numerator and denominator for {missing}.")
    t = _tables()
    mult = float(indicator.multiplier)
    edition = Deprivation.Edition.latest_loaded()
    changes_sql = f"""
        SELECT d.small_area_id, sa.local_authority_id, la.region_id, d.decile,
               %s * e_num.value / e_den.value - %s * s_num.value / s_den.value AS change
        FROM {t["dep"]} d
        JOIN {t["sa"]} sa ON sa.id = d.small_area_id
        JOIN {LocalAuthority._meta.db_table} la ON la.id = sa.local_authority_id
        JOIN {t["obs"]} s_num ON s_num.small_area_id = sa.id AND s_num.indicator_id = %s AND s_num.period_id = %s
        JOIN {t["obs"]} s_den ON s_den.small_area_id = sa.id AND s_den.indicator_id = %s AND s_den.period_id = %s
        JOIN {t["obs"]} e_num ON e_num.small_area_id = sa.id AND e_num.indicator_id = %s AND e_num.period_id = %s
        JOIN {t["obs"]} e_den ON e_den.small_area_id = sa.id AND e_den.indicator_id = %s AND e_den.period_id = %s
        WHERE d.edition = %s AND s_num.value IS NOT NULL AND e_num.value IS NOT NULL
              AND s_den.value > 0 AND e_den.value > 0
    """
    params = [mult, mult, indicator.numerator_id, start_p.pk, indicator.denominator_id, mapping[start_p.pk],
              indicator.numerator_id, end_p.pk, indicator.denominator_id, mapping[end_p.pk], edition]  # fmt: skip
    reference_set = ReferenceSet(reference)
    ref_where, ref_params = reference_set.where()
    decile = settings.REBALANCE_DEPRIVED_MAX_DECILE
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT AVG(change), COUNT(*) FROM ({changes_sql} AND {ref_where}) c",
            params + ref_params,
        )
        benchmark, benchmark_areas = cursor.fetchone()
        report = ImprovementReport(
            indicator=indicator.slug,
            start=str(start_p),
            end=str(end_p),
            reference=reference_set.describe(),
            benchmark_change=float(benchmark) if benchmark is not None else None,
            benchmark_areas=benchmark_areas,
        )
        if benchmark is None:
            return report
        # Improving: the rate fell by more than the benchmark fell (its change is below the benchmark's).
        for group, target, model in (
            ("local_authority_id", report.local_authorities, LocalAuthority),
            ("region_id", report.regions, None),
        ):
            cursor.execute(
                f"""SELECT {group}, COUNT(*), SUM(CASE WHEN change < %s THEN 1 ELSE 0 END)
                    FROM ({changes_sql} AND d.decile <= %s) c WHERE {group} IS NOT NULL GROUP BY {group}""",
                [float(benchmark), *params, decile],
            )
            counts = {row[0]: (row[1], int(row[2])) for row in cursor.fetchall()}
            names = (model or Region).objects.filter(pk__in=counts)
            for place in names.order_by("name"):
                deprived, improving = counts[place.pk]
                code = getattr(place, "code", None) or place.slug
                target.append(AreaShare(code=code, name=place.name, deprived=deprived, improving=improving))
    report.neighbourhoods = _neighbourhood_changes(indicator, start_p, end_p, report.benchmark_change, user)
    return report


def _neighbourhood_changes(indicator, start_p, end_p, benchmark: float, user) -> list[dict]:
    points = WorklessnessPoint.objects.filter(
        indicator=indicator, level=Level.NEIGHBOURHOOD, period__in=[start_p, end_p]
    )
    if user is not None:
        points = points.visible_to(user)
    rates: dict[int, dict[int, float]] = defaultdict(dict)
    names = {}
    for n_id, name, la, period_id, rate in points.values_list(
        "neighbourhood_id", "neighbourhood__name", "neighbourhood__local_authority__name", "period_id", "rate"
    ):
        rates[n_id][period_id] = rate
        names[n_id] = (name, la)
    rows = []
    for n_id, by_period in rates.items():
        if start_p.pk in by_period and end_p.pk in by_period:
            change = by_period[end_p.pk] - by_period[start_p.pk]
            rows.append(
                {
                    "neighbourhood_id": n_id,
                    "name": names[n_id][0],
                    "local_authority": names[n_id][1],
                    "start_rate": by_period[start_p.pk],
                    "end_rate": by_period[end_p.pk],
                    "change": change,
                    "against_benchmark": change - benchmark,
                    "improving": change < benchmark,
                }
            )
    return sorted(rows, key=lambda r: (r["local_authority"], r["name"]))
