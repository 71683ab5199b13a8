"""The improvement report: the share of deprived small areas whose worklessness improved faster than the
benchmark, per local authority and region, and the user's neighbourhoods. A read of stored figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from indicators.engine.models import WorklessnessPoint
from indicators.engine.selectors.verdicts import IMPROVING, IMPROVING_SQL, worklessness_verdict
from indicators.engine.services.worklessness import (
    EngineError,
    Level,
    denominator_periods,
    ratio_indicator,
    table_names,
)
from indicators.official.importing.periods import parse_period
from indicators.official.models import Indicator, Period
from indicators.places.models import Deprivation, LocalAuthority, Region


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
        indicator = ratio_indicator(
            Indicator.objects.select_related("numerator", "denominator").get(slug=indicator_slug)
        )
    except Indicator.DoesNotExist:
        raise EngineError(f"No indicator '{indicator_slug}'.") from None
    start_p, end_p = _period(start), _period(end)
    if start_p.start >= end_p.start:
        raise EngineError(f"The start ({start_p}) must come before the end ({end_p}).")
    mapping = denominator_periods(indicator, [start_p.pk, end_p.pk])
    if start_p.pk not in mapping or end_p.pk not in mapping:
        missing = start_p if start_p.pk not in mapping else end_p
        raise EngineError(f"{indicator.name} has no numerator and denominator for {missing}.")
    changes_sql, params = _changes_sql(indicator, start_p, end_p, mapping)
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
                f"""SELECT {group}, COUNT(*), SUM(CASE WHEN {IMPROVING_SQL} THEN 1 ELSE 0 END)
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


def _changes_sql(indicator: Indicator, start_p: Period, end_p: Period, mapping: dict[int, int]) -> tuple[str, list]:
    """Each small area's change in the rate from start to end, with its authority, region and decile."""
    t = table_names()
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
    return changes_sql, params


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
                    "improving": worklessness_verdict(change, benchmark) == IMPROVING,
                    "verdict": worklessness_verdict(change, benchmark),
                }
            )
    return sorted(rows, key=lambda r: (r["local_authority"], r["name"]))
