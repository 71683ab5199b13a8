"""The improvement report: the share of areas whose rate improved faster than the benchmark, per local authority
and region, and the user's neighbourhoods. A read of stored figures.

The indicator is a ratio (numerator ÷ denominator, each area's rate from its own parts) or a published rate (the
area's rate as published). The benchmark is the mean of the areas' own changes over a reference set
(``reference_sets.py``), which names itself; each authority's share counts the areas of the set's kind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from indicators.engine.models import WorklessnessPoint
from indicators.engine.selectors.reference_sets import check_file_allowed, reference_set
from indicators.engine.selectors.verdicts import IMPROVING, IMPROVING_SQL, worklessness_verdict
from indicators.engine.services.worklessness import EngineError, Level, denominator_periods, table_names
from indicators.official.importing.periods import parse_period
from indicators.official.models import Indicator, Period
from indicators.places.models import LocalAuthority, Region


@dataclass
class AreaShare:
    """One authority's (or region's) areas of the kind reported on, how many improved, and the share."""

    code: str
    name: str
    areas: int
    improving: int
    share: float | None = field(init=False)

    def __post_init__(self) -> None:
        self.share = 100.0 * self.improving / self.areas if self.areas else None

    @property
    def deprived(self) -> int:
        """The report's word for the areas counted when they are its deprived LSOAs."""
        return self.areas


@dataclass
class ImprovementReport:
    indicator: str
    start: str
    end: str
    reference: str  # the reference set's name, with its size
    benchmark_change: float | None
    benchmark_areas: int  # of the set's areas, those with figures for both periods
    reference_key: str = ""
    reference_size: int = 0
    areas_counted: str = "deprived LSOAs"  # what each authority's count is of
    method: str = ""  # how an area's rate and the benchmark are made, in words
    rate_kind: str = ""  # "published rate" (as published, no parts) or "ratio" (numerator ÷ denominator)
    deprivation: str = ""  # the edition and cut, when the set is a deprived one
    local_authorities: list[AreaShare] = field(default_factory=list)
    regions: list[AreaShare] = field(default_factory=list)
    neighbourhoods: list[dict] = field(default_factory=list)
    neighbourhoods_note: str = ""


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


def _indicator(slug: str) -> Indicator:
    try:
        indicator = Indicator.objects.select_related("numerator", "denominator").get(slug=slug)
    except Indicator.DoesNotExist:
        raise EngineError(f"No indicator '{slug}'.") from None
    if not indicator.has_rate_per_area:
        raise EngineError(
            f"'{indicator.slug}' is a {indicator.get_kind_display().lower()}, not a rate: the report compares each "
            "area's rate, so it needs a published rate or a ratio (numerator ÷ denominator) such as 'worklessness'."
        )
    if indicator.level != Indicator.Level.SMALL_AREA:
        raise EngineError(
            f"'{indicator.slug}' is published for {indicator.get_level_display().lower()}, not small areas: the "
            "report compares small areas (LSOAs, wards or your own areas)."
        )
    return indicator


def method_words(indicator: Indicator) -> str:
    """How the report makes an area's rate and the benchmark, said once for every output."""
    if indicator.is_ratio:
        return (
            f"Each area's rate is its own {indicator.numerator.name.lower()} ÷ {indicator.denominator.name.lower()}"
            f"{' × ' + format(indicator.multiplier.normalize(), 'f') if indicator.multiplier != 1 else ''}; the "
            "benchmark is the mean of those rates' changes over the reference set, as the report did."
        )
    return (
        "Each area's rate is the rate as published (it has no parts to add up); the benchmark is the mean of those "
        "published rates' changes over the reference set, as the report did with its own rates."
    )


def improvement_report(
    *, indicator_slug: str, start, end, reference: str = "deprived", user=None, reference_files: bool = False
) -> ImprovementReport:
    """The report's table: each area's change against the benchmark change (the mean over the reference set), and
    the share of each authority's and region's areas (of the kind reported on) improving; plus, for a ratio, the
    user's neighbourhoods. ``reference_files`` lets a ``list:<file>`` set read a file (the command line only)."""
    indicator = _indicator(indicator_slug)
    check_file_allowed(reference, files=reference_files)
    start_p, end_p = _period(start), _period(end)
    if start_p.start >= end_p.start:
        raise EngineError(f"The start ({start_p}) must come before the end ({end_p}).")
    changes_sql, params = _changes_sql(indicator, start_p, end_p)
    chosen = reference_set(reference, files=reference_files)
    members_sql, members_params = chosen.members.values("pk").query.sql_with_params()
    reported_sql, reported_params = chosen.reported.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT AVG(change), COUNT(*) FROM ({changes_sql}) c WHERE c.area_id IN ({members_sql})",
            [*params, *members_params],
        )
        benchmark, benchmark_areas = cursor.fetchone()
        report = ImprovementReport(
            indicator=indicator.slug,
            start=str(start_p),
            end=str(end_p),
            reference=chosen.name,
            benchmark_change=float(benchmark) if benchmark is not None else None,
            benchmark_areas=benchmark_areas,
            reference_key=chosen.key,
            reference_size=chosen.size,
            areas_counted=chosen.noun,
            method=method_words(indicator),
            rate_kind="ratio" if indicator.is_ratio else "published rate",
            deprivation=chosen.deprivation,
        )
        if benchmark is None:
            return report
        # Improving: the rate fell by more than the benchmark fell (its change is below the benchmark's).
        for group, target, model in (
            ("local_authority_id", report.local_authorities, LocalAuthority),
            ("region_id", report.regions, Region),
        ):
            cursor.execute(
                f"""SELECT {group}, COUNT(*), SUM(CASE WHEN {IMPROVING_SQL} THEN 1 ELSE 0 END)
                    FROM ({changes_sql}) c WHERE c.area_id IN ({reported_sql}) AND {group} IS NOT NULL
                    GROUP BY {group}""",
                [float(benchmark), *params, *reported_params],
            )
            counts = {row[0]: (row[1], int(row[2])) for row in cursor.fetchall()}
            for place in model.objects.filter(pk__in=counts).order_by("name"):
                areas, improving = counts[place.pk]
                code = getattr(place, "code", None) or place.slug
                target.append(AreaShare(code=code, name=place.name, areas=areas, improving=improving))
    if indicator.is_ratio:
        report.neighbourhoods = _neighbourhood_changes(indicator, start_p, end_p, report.benchmark_change, user)
    else:
        report.neighbourhoods_note = (
            "Neighbourhoods have no figure on a published rate: a neighbourhood's rate needs the counts it is made "
            "of, and a rate cannot be added up across its areas."
        )
    return report


def _changes_sql(indicator: Indicator, start_p: Period, end_p: Period) -> tuple[str, list]:
    """Each small area's change in its rate from start to end, with its authority and region: a ratio's rate from
    its own parts, a published rate as it is."""
    t = table_names()
    head = f"""
        SELECT sa.id AS area_id, sa.local_authority_id, la.region_id, {{change}} AS change
        FROM {t["sa"]} sa
        JOIN {LocalAuthority._meta.db_table} la ON la.id = sa.local_authority_id
    """
    if not indicator.is_ratio:
        sql = (
            head.format(change="e.value - s.value")
            + f"""
        JOIN {t["obs"]} s ON s.small_area_id = sa.id AND s.indicator_id = %s AND s.period_id = %s
        JOIN {t["obs"]} e ON e.small_area_id = sa.id AND e.indicator_id = %s AND e.period_id = %s
        WHERE s.value IS NOT NULL AND e.value IS NOT NULL
        """
        )
        return sql, [indicator.pk, start_p.pk, indicator.pk, end_p.pk]
    mapping = denominator_periods(indicator, [start_p.pk, end_p.pk])
    if start_p.pk not in mapping or end_p.pk not in mapping:
        missing = start_p if start_p.pk not in mapping else end_p
        raise EngineError(f"{indicator.name} has no numerator and denominator for {missing}.")
    mult = float(indicator.multiplier)
    sql = (
        head.format(change="%s * e_num.value / e_den.value - %s * s_num.value / s_den.value")
        + f"""
        JOIN {t["obs"]} s_num ON s_num.small_area_id = sa.id AND s_num.indicator_id = %s AND s_num.period_id = %s
        JOIN {t["obs"]} s_den ON s_den.small_area_id = sa.id AND s_den.indicator_id = %s AND s_den.period_id = %s
        JOIN {t["obs"]} e_num ON e_num.small_area_id = sa.id AND e_num.indicator_id = %s AND e_num.period_id = %s
        JOIN {t["obs"]} e_den ON e_den.small_area_id = sa.id AND e_den.indicator_id = %s AND e_den.period_id = %s
        WHERE s_num.value IS NOT NULL AND e_num.value IS NOT NULL AND s_den.value > 0 AND e_den.value > 0
    """
    )
    params = [mult, mult, indicator.numerator_id, start_p.pk, indicator.denominator_id, mapping[start_p.pk],
              indicator.numerator_id, end_p.pk, indicator.denominator_id, mapping[end_p.pk]]  # fmt: skip
    return sql, params


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
