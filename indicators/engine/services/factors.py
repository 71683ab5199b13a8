"""Factor scores: answers → cells (one set-based SQL statement) → figures (a pass over cells).

Everything here is safe to run twice: each step deletes and rewrites its rows
for the scope it was given, inside one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from indicators.engine.models import FactorCell, FactorScore, PopulationGroup
from indicators.engine.services.stats import Summary, trend, two_sided_p, weighted
from indicators.models import Neighbourhood

FAVOURABLE_ABOVE = 50  # a resident is at the favourable end when their factor score is above the midpoint
Level = FactorScore.Level


def _tables() -> dict[str, str]:
    from surveys.models import Answer, Question, Response

    return {
        "answer": Answer._meta.db_table,
        "response": Response._meta.db_table,
        "question": Question._meta.db_table,
        "cell": FactorCell._meta.db_table,
    }


def _cells_sql(where: str) -> str:
    t = _tables()
    # Inner: one row per resident and factor (their mean score). Outer: sums per cell.
    return f"""
        INSERT INTO {t["cell"]} (wave_id, neighbourhood_id, factor, age_band, sex, n, total, squares, favourable)
        SELECT wave_id, neighbourhood_id, factor, age_band, sex,
               COUNT(*), SUM(s), SUM(s * s), SUM(CASE WHEN s > {FAVOURABLE_ABOVE} THEN 1 ELSE 0 END)
        FROM (
            SELECT r.wave_id, r.neighbourhood_id, q.factor, r.age_band, r.sex, AVG(a.score * 1.0) AS s
            FROM {t["answer"]} a
            JOIN {t["response"]} r ON r.id = a.response_id
            JOIN {t["question"]} q ON q.id = a.question_id
            WHERE r.status = 'completed' AND a.score IS NOT NULL AND q.factor <> 'about_you' {where}
            GROUP BY r.id, r.wave_id, r.neighbourhood_id, q.factor, r.age_band, r.sex
        ) per_resident
        GROUP BY wave_id, neighbourhood_id, factor, age_band, sex
    """


def _parallel_cells_sql(bounds: list[tuple[int, int]]) -> str:
    """The same sums, for PostgreSQL: one branch per range of responses under a UNION ALL.

    Parallel Append hands each branch to its own worker, which does both steps (resident, then
    cell) for its residents alone; the plain statement instead funnels 1.6M per-resident rows
    per 200,000 responses through one process to merge the workers' halves.
    """
    t = _tables()
    branch = f"""
        SELECT r.wave_id, r.neighbourhood_id, pr.factor, r.age_band, r.sex, COUNT(*) AS n, SUM(pr.s) AS total,
               SUM(pr.s * pr.s) AS squares, SUM(CASE WHEN pr.s > {FAVOURABLE_ABOVE} THEN 1 ELSE 0 END) AS favourable
        FROM (
            SELECT a.response_id, q.factor, AVG(a.score * 1.0) AS s
            FROM {t["answer"]} a JOIN {t["question"]} q ON q.id = a.question_id
            WHERE a.score IS NOT NULL AND q.factor <> 'about_you' AND a.response_id >= %s AND a.response_id < %s
            GROUP BY a.response_id, q.factor
        ) pr
        JOIN {t["response"]} r ON r.id = pr.response_id
        WHERE r.status = 'completed'
        GROUP BY r.wave_id, r.neighbourhood_id, pr.factor, r.age_band, r.sex
    """
    return f"""
        SELECT wave_id, neighbourhood_id, factor, age_band, sex, SUM(n), SUM(total), SUM(squares), SUM(favourable)
        FROM ({" UNION ALL ".join([branch] * len(bounds))}) parts
        GROUP BY wave_id, neighbourhood_id, factor, age_band, sex
    """


def _parallel_bounds() -> list[tuple[int, int]] | None:
    """Response-id ranges, one per process PostgreSQL may use; None where it would not pay."""
    from surveys.models import Response

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        processes = int(cursor.fetchone()[0]) + 1
        cursor.execute(f"SELECT MIN(id), MAX(id) + 1, COUNT(*) FROM {Response._meta.db_table}")
        low, high, count = cursor.fetchone()
    if processes < 2 or not count or count < 10_000:
        return None
    step = -(-(high - low) // processes)
    return [(low + i * step, min(low + (i + 1) * step, high)) for i in range(processes)]


def cells_refresh(*, wave_id: int | None = None, neighbourhood_id: int | None = None, method: str = "auto") -> None:
    """Rewrite the cells of one neighbourhood in one wave, one wave, or everything.

    ``method``: "portable" is one INSERT … SELECT on any database; "parallel" (PostgreSQL, for
    everything at once) runs the ranges of responses side by side; "auto" picks. Both give the same cells.
    """
    where, params, scope = "", [], {}
    if wave_id is not None:
        where += " AND r.wave_id = %s"
        params.append(wave_id)
        scope["wave_id"] = wave_id
    if neighbourhood_id is not None:
        where += " AND r.neighbourhood_id = %s"
        params.append(neighbourhood_id)
        scope["neighbourhood_id"] = neighbourhood_id
    bounds = _parallel_bounds() if method != "portable" and not scope else None
    if method == "parallel" and bounds is None:
        bounds = _parallel_bounds_forced()
    with transaction.atomic():
        FactorCell.objects.filter(**scope).delete()
        with connection.cursor() as cursor:
            if bounds is None:
                cursor.execute(_cells_sql(where), params)
                return
            cursor.execute("SET LOCAL jit = off")  # compiling the plan costs more than it saves here
            cursor.execute(_parallel_cells_sql(bounds), [v for pair in bounds for v in pair])
            rows = cursor.fetchall()
        FactorCell.objects.bulk_create(
            (
                FactorCell(
                    wave_id=w, neighbourhood_id=n, factor=f, age_band=a, sex=x, n=c, total=t, squares=q, favourable=fv
                )
                for w, n, f, a, x, c, t, q, fv in rows
            ),
            batch_size=5000,
        )


def _parallel_bounds_forced() -> list[tuple[int, int]]:
    """Two ranges whatever the size, so that a test can compare the paths on a little data."""
    from surveys.models import Response

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) + 1 FROM {Response._meta.db_table}")
        low, high = cursor.fetchone()
    middle = (low + high) // 2
    return [(low, middle), (middle, high)]


# --- From cells to figures -------------------------------------------------------


class _Group:
    """The cells of one place and factor in one wave, with the population to weight them by."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], Summary] = {}
        self.favourable = 0
        self.population: dict[tuple[str, str], int] = {}

    def add(self, age: str, sex: str, summary: Summary, favourable: int) -> None:
        self.cells[(age, sex)] = self.cells.get((age, sex), Summary(0, 0.0, 0.0)) + summary
        self.favourable += favourable

    @property
    def summary(self) -> Summary:
        return sum(self.cells.values(), Summary(0, 0.0, 0.0))

    def weighted(self):
        if not self.population:
            return None
        known = [(s, self.population.get(cell, 0)) for cell, s in self.cells.items() if all(cell)]
        # Weight only when most residents gave their age and sex; otherwise the estimate would mislead.
        if sum(s.n for s, _ in known) < 0.8 * self.summary.n:
            return None
        return weighted(known)


SUMS = {"sn": Sum("n"), "st": Sum("total"), "ss": Sum("squares"), "sf": Sum("favourable")}


def _groups(cells, key_fields: list[str]) -> dict[tuple, _Group]:
    """Sum cells in SQL by key and age band × sex; group them by key in Python (few rows)."""
    groups: dict[tuple, _Group] = defaultdict(_Group)
    for row in cells.values(*key_fields, "age_band", "sex").annotate(**SUMS).order_by():
        key = tuple(row[f] for f in key_fields)
        groups[key].add(row["age_band"], row["sex"], Summary(row["sn"], row["st"], row["ss"]), row["sf"])
    return groups


def _populations(groups: dict[tuple, _Group], wave_id: int, key_field: str | None) -> None:
    """Attach population profiles, summed over the neighbourhoods surveyed in the wave."""
    surveyed = FactorCell.objects.filter(wave_id=wave_id).values("neighbourhood_id")
    profile = PopulationGroup.objects.filter(neighbourhood__in=surveyed)
    fields = [key_field] if key_field else []
    totals: dict[tuple, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in profile.values(*fields, "age_band", "sex").annotate(people=Sum("people")).order_by():
        totals[tuple(row[f] for f in fields)][(row["age_band"], row["sex"])] = row["people"]
    for key, group in groups.items():
        place = key[:-1]  # keys end with the factor
        group.population = totals.get(place, {})


def _figure(group: _Group, *, threshold: int, hidden: int = 0) -> dict:
    summary = group.summary
    if summary.n < threshold:
        return {"responses": summary.n, "withheld": True, "withheld_reason": f"Fewer than {threshold} responses"}
    if 0 < hidden < threshold:
        # The place minus its shown parts would be a group below the threshold.
        return {
            "responses": summary.n,
            "withheld": True,
            "withheld_reason": f"Would reveal a group of fewer than {threshold} responses by subtraction",
        }
    low, high = summary.interval()
    figure = {
        "responses": summary.n,
        "withheld": False,
        "withheld_reason": "",
        "mean": summary.mean,
        "ci_low": low,
        "ci_high": high,
        "standard_error": summary.standard_error,
        "favourable_share": 100.0 * group.favourable / summary.n,
    }
    estimate = group.weighted()
    if estimate:
        figure["weighted_mean"], figure["weighted_ci_low"], figure["weighted_ci_high"] = estimate
    return figure


SCORE_FIELDS = [f for f in FactorScore._meta.concrete_fields if not f.primary_key]
SCORE_DEFAULTS = {f.attname: f.get_default() for f in SCORE_FIELDS}


def _insert(records: list[dict]) -> None:
    """Write figures in bulk: COPY on PostgreSQL, one prepared statement run many times elsewhere.

    The records are plain dicts of column values; the ORM would build, and compile SQL for, a
    model per row, which costs more than the figures themselves.
    """
    names = [f.attname for f in SCORE_FIELDS]
    rows = [tuple(record.get(name, SCORE_DEFAULTS[name]) for name in names) for record in records]
    columns = ", ".join(f.column for f in SCORE_FIELDS)
    table = FactorScore._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(names))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


class _Previous(NamedTuple):
    wave_id: int
    withheld: bool
    mean: float | None
    standard_error: float | None


def _previous_rows(wave, level: str, place_field: str | None, places) -> dict[tuple, _Previous]:
    """For each place and factor, its figure from the latest earlier wave of the same survey."""
    from surveys.models import Wave

    earlier = Wave.objects.filter(survey_version__survey_id=wave.survey_version.survey_id, opens_on__lt=wave.opens_on)
    rows = FactorScore.objects.filter(level=level, wave__in=earlier).order_by("wave__opens_on")
    if place_field:
        rows = rows.filter(**{f"{place_field}__in": list(places)})
    fields = [place_field] if place_field else []
    # Plain tuples: thousands of rows per wave, and model instances would cost more than the sums.
    return {
        tuple(row[: len(fields) + 1]): _Previous(*row[len(fields) + 1 :])
        for row in rows.values_list(*fields, "factor", "wave_id", "withheld", "mean", "standard_error")
    }


def _with_change(figure: dict, previous: _Previous | None) -> dict:
    if figure["withheld"] or previous is None or previous.withheld:
        return figure
    difference = figure["mean"] - previous.mean
    p_value = two_sided_p(difference, (figure["standard_error"] ** 2 + previous.standard_error**2) ** 0.5)
    figure.update(
        previous_wave_id=previous.wave_id, change=difference, change_p_value=p_value, trend=trend(difference, p_value)
    )
    return figure


def _hidden(wave_id: int, threshold: int) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """What subtraction would leave of each authority's and the wave's figure.

    An authority's figure minus its shown neighbourhoods leaves its withheld ones. The
    wave's figure minus the largest set of shown figures inside it (shown authorities,
    and shown neighbourhoods of the authorities that are withheld) leaves the rest; any
    other set of shown figures leaves that plus groups of at least the threshold. A
    figure is withheld when what it leaves is between 1 and the threshold.
    """
    rows = (
        FactorCell.objects.filter(wave_id=wave_id)
        .values("neighbourhood_id", "neighbourhood__local_authority_id", "factor")
        .annotate(responses=Sum("n"))
        .order_by()
    )
    la_total: dict[tuple, int] = defaultdict(int)
    la_hidden: dict[tuple, int] = defaultdict(int)
    la_shown_parts: dict[tuple, int] = defaultdict(int)
    wave_total: dict[tuple, int] = defaultdict(int)
    for row in rows:
        key = (row["neighbourhood__local_authority_id"], row["factor"])
        la_total[key] += row["responses"]
        wave_total[(row["factor"],)] += row["responses"]
        if row["responses"] < threshold:
            la_hidden[key] += row["responses"]
        else:
            la_shown_parts[key] += row["responses"]
    wave_left: dict[tuple, int] = dict(wave_total)
    for key, total in la_total.items():
        la_shown = total >= threshold and not 0 < la_hidden[key] < threshold
        wave_left[(key[1],)] -= total if la_shown else la_shown_parts[key]
    return la_hidden, wave_left


@transaction.atomic
def scores_refresh(*, wave_id: int, neighbourhood_ids: list[int] | None = None) -> int:
    """Rewrite a wave's figures from its cells: the given neighbourhoods (all when None), their
    local authorities, and the wave as a whole. Returns the number of rows written."""
    from surveys.models import Wave

    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    threshold = settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    now = timezone.now()
    cells = FactorCell.objects.filter(wave_id=wave_id)
    if neighbourhood_ids is None:
        authorities = None
    else:
        authorities = set(
            Neighbourhood.objects.filter(pk__in=neighbourhood_ids).values_list("local_authority_id", flat=True)
        )
    hidden_la, hidden_wave = _hidden(wave_id, threshold)
    weighting = PopulationGroup.objects.exists()
    rows: list[dict] = []

    levels = [
        (Level.NEIGHBOURHOOD, "neighbourhood_id", "neighbourhood_id", neighbourhood_ids, {}),
        (Level.LOCAL_AUTHORITY, "neighbourhood__local_authority_id", "local_authority_id", authorities, hidden_la),
        (Level.WAVE, None, None, None, hidden_wave),
    ]
    for level, cell_field, row_field, places, hidden in levels:
        scoped = cells if places is None else cells.filter(**{f"{cell_field}__in": list(places)})
        groups = _groups(scoped, [cell_field, "factor"] if cell_field else ["factor"])
        if weighting:
            _populations(groups, wave_id, cell_field)
        previous = _previous_rows(wave, level, row_field, {k[0] for k in groups} if row_field else ())
        for key, group in groups.items():
            figure = _with_change(_figure(group, threshold=threshold, hidden=hidden.get(key, 0)), previous.get(key))
            place = {row_field: key[0]} if row_field else {}
            rows.append({"level": level, "wave_id": wave_id, "factor": key[-1], "computed_at": now, **place, **figure})

    stale = FactorScore.objects.filter(wave_id=wave_id)
    if neighbourhood_ids is not None:
        stale = stale.filter(
            Q(level=Level.NEIGHBOURHOOD, neighbourhood_id__in=neighbourhood_ids)
            | Q(level=Level.LOCAL_AUTHORITY, local_authority_id__in=authorities)
            | Q(level=Level.WAVE)
        )
    stale.delete()
    _insert(rows)
    return len(rows)


@transaction.atomic
def changes_refresh(*, wave_id: int, neighbourhood_id: int) -> int:
    """Re-measure a wave's changes from the wave before, for one neighbourhood, its authority and the wave:
    what a new response in the earlier wave alters in this one. Returns the rows updated."""
    from surveys.models import Wave

    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    la_id = Neighbourhood.objects.filter(pk=neighbourhood_id).values_list("local_authority_id", flat=True).first()
    rows = list(
        FactorScore.objects.filter(wave_id=wave_id).filter(
            Q(level=Level.NEIGHBOURHOOD, neighbourhood_id=neighbourhood_id)
            | Q(level=Level.LOCAL_AUTHORITY, local_authority_id=la_id)
            | Q(level=Level.WAVE)
        )
    )
    previous = {
        Level.NEIGHBOURHOOD: _previous_rows(wave, Level.NEIGHBOURHOOD, "neighbourhood_id", [neighbourhood_id]),
        Level.LOCAL_AUTHORITY: _previous_rows(wave, Level.LOCAL_AUTHORITY, "local_authority_id", [la_id]),
        Level.WAVE: _previous_rows(wave, Level.WAVE, None, ()),
    }
    fields = ["previous_wave_id", "change", "change_p_value", "trend"]
    for row in rows:
        place = {Level.NEIGHBOURHOOD: (row.neighbourhood_id,), Level.LOCAL_AUTHORITY: (row.local_authority_id,)}
        key = (*place.get(row.level, ()), row.factor)
        figure = {"withheld": row.withheld, "mean": row.mean, "standard_error": row.standard_error}
        figure.update(dict.fromkeys(fields))
        figure["trend"] = ""
        figure = _with_change(figure, previous[row.level].get(key))
        for name in fields:
            setattr(row, name, figure[name])
    FactorScore.objects.bulk_update(rows, fields)
    return len(rows)


def next_wave(*, wave_id: int) -> int | None:
    """The next wave of the same survey: its changes are measured from this one."""
    from surveys.models import Wave

    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    return (
        Wave.objects.filter(survey_version__survey_id=wave.survey_version.survey_id, opens_on__gt=wave.opens_on)
        .order_by("opens_on")
        .values_list("pk", flat=True)
        .first()
    )
