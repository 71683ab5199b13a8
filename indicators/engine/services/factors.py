"""Factor scores: answers → residents' scores → cells (set-based SQL) → figures (a pass over cells).

Everything here is safe to run twice: each step brings its rows for the scope it
was given up to date (the cells and figures by deleting and rewriting them), inside
one transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from indicators.engine.models import FactorCell, FactorScore, PopulationGroup, ResidentScore
from indicators.engine.services.stats import Summary, trend, two_sided_p, weighted
from indicators.places.models import Neighbourhood

logger = logging.getLogger(__name__)

FAVOURABLE_ABOVE = 50  # a resident is at the favourable end when their factor score is above the midpoint
Level = FactorScore.Level
# A resident's mean on a factor, from integer sums: cheaper than AVG over numeric, and exact
# until the one division (the cells are float sums in any case).
RESIDENT_MEAN = "CAST(SUM(a.score) AS DOUBLE PRECISION) / COUNT(a.score)"


def _tables() -> dict[str, str]:
    from surveys.models import Answer, Question, Response

    return {
        "answer": Answer._meta.db_table,
        "response": Response._meta.db_table,
        "question": Question._meta.db_table,
        "resident": ResidentScore._meta.db_table,
    }


def _scope(wave_id: int | None, neighbourhood_id: int | None, alias: str = "r") -> tuple[str, list, dict]:
    """SQL conditions on the table ``alias`` (responses or residents' scores), their parameters, and the
    same scope as ORM filters."""
    where, params, scope = "", [], {}
    if wave_id is not None:
        where += f" AND {alias}.wave_id = %s"
        params.append(wave_id)
        scope["wave_id"] = wave_id
    if neighbourhood_id is not None:
        where += f" AND {alias}.neighbourhood_id = %s"
        params.append(neighbourhood_id)
        scope["neighbourhood_id"] = neighbourhood_id
    return where, params, scope


FRESH = "engine_fresh_resident_scores"
SCORE_BATCH = 5_000  # responses scored per statement: well inside SQLite's limit on parameters
BULK = 100_000
RESIDENT_COLUMNS = "response_id, wave_id, neighbourhood_id, age_band, sex, factor, score"


def _residents_select(where: str) -> str:
    t = _tables()
    return f"""
        SELECT a.response_id, r.wave_id, r.neighbourhood_id, r.age_band, r.sex, q.factor, {RESIDENT_MEAN} AS score
        FROM {t["answer"]} a
        JOIN {t["response"]} r ON r.id = a.response_id
        JOIN {t["question"]} q ON q.id = a.question_id
        WHERE r.status = 'completed' AND a.score IS NOT NULL AND q.factor <> 'about_you' {where}
        GROUP BY a.response_id, r.wave_id, r.neighbourhood_id, r.age_band, r.sex, q.factor
    """


def _analyse_after_bulk(cursor, rows: int) -> None:
    """After a bulk write, refresh PostgreSQL's statistics now rather than when autovacuum comes
    round: without them the cells are planned as a sort spilling to disk, at three times the cost."""
    if rows >= BULK and connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {ResidentScore._meta.db_table}")


def residents_score(*, wave_id: int | None = None, neighbourhood_id: int | None = None, rescore: bool = False) -> int:
    """Bring the residents' scores in scope up to date with the responses: drop those of responses
    no longer completed (withdrawn), score completed responses that have none yet; with ``rescore``,
    score every response again from its answers and mend any stored row that differs.
    Returns the number of rows written."""
    t = _tables()
    stored, responses = t["resident"], t["response"]
    where, params, _ = _scope(wave_id, neighbourhood_id)
    with transaction.atomic(), connection.cursor() as cursor:
        if not rescore:
            # Few responses are withdrawn: this looks up each in the (response, factor) index.
            cursor.execute(
                f"DELETE FROM {stored} WHERE response_id IN "
                f"(SELECT r.id FROM {responses} r WHERE r.status <> 'completed' {where})",
                params,
            )
            # Find the unscored first (usually none, or a handful) so that the answers are read only for them.
            cursor.execute(
                f"SELECT r.id FROM {responses} r WHERE r.status = 'completed' {where} "
                f"AND NOT EXISTS (SELECT 1 FROM {stored} x WHERE x.response_id = r.id)",
                params,
            )
            unscored = [row[0] for row in cursor.fetchall()]
            written = 0
            for start in range(0, len(unscored), SCORE_BATCH):
                batch = unscored[start : start + SCORE_BATCH]
                these = " AND r.id IN ({})".format(", ".join(["%s"] * len(batch)))
                # Ends in GROUP BY, so SQLite reads ON CONFLICT as the upsert clause, not a join condition.
                cursor.execute(
                    f"INSERT INTO {stored} ({RESIDENT_COLUMNS}) {_residents_select(these)} ON CONFLICT DO NOTHING",
                    batch,
                )
                written += cursor.rowcount
            _analyse_after_bulk(cursor, written)
            return written
        # Compare rather than delete and rewrite: on a sound night nothing is written, and the table
        # is spared 1.6M dead rows and as many foreign-key checks per 200,000 residents.
        cursor.execute(f"CREATE TEMPORARY TABLE {FRESH} AS {_residents_select(where)}", params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {FRESH}")  # never analysed otherwise: the comparison below needs its size
        same = " AND ".join(f"f.{c} = {stored}.{c}" for c in RESIDENT_COLUMNS.split(", "))
        stored_where, stored_params, _ = _scope(wave_id, neighbourhood_id, alias=stored)
        cursor.execute(
            f"DELETE FROM {stored} WHERE 1 = 1 {stored_where} AND NOT EXISTS (SELECT 1 FROM {FRESH} f WHERE {same})",
            stored_params,
        )
        removed = cursor.rowcount
        if connection.vendor == "postgresql":
            # Planned on an emptied table's statistics, the anti-join below became a nested loop over the
            # table being written, rescanning every row just inserted for each new one (minutes, not
            # seconds). A hash anti-join reads the kept scores once, before the first row goes in.
            cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute(
            f"""INSERT INTO {stored} ({RESIDENT_COLUMNS}) SELECT {RESIDENT_COLUMNS} FROM {FRESH} f
                WHERE NOT EXISTS (SELECT 1 FROM {stored} x
                                  WHERE x.response_id = f.response_id AND x.factor = f.factor)"""
        )
        written = cursor.rowcount
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_nestloop = on")
        cursor.execute(f"DROP TABLE {FRESH}")
        _analyse_after_bulk(cursor, written + removed)
        if removed:
            logger.warning("Rescoring replaced or removed %s stored resident scores", removed)
        return written


CELL_COLUMNS = ["wave_id", "neighbourhood_id", "factor", "age_band", "sex", "n", "total", "squares", "favourable"]


def _cells_sql(where: str) -> str:
    return f"""
        SELECT wave_id, neighbourhood_id, factor, age_band, sex, COUNT(*), SUM(score), SUM(score * score),
               SUM(CASE WHEN score > {FAVOURABLE_ABOVE} THEN 1 ELSE 0 END)
        FROM {_tables()["resident"]} rs WHERE 1 = 1 {where}
        GROUP BY wave_id, neighbourhood_id, factor, age_band, sex
    """


def cells_refresh(*, wave_id: int | None = None, neighbourhood_id: int | None = None, rescore: bool = False) -> None:
    """Rewrite the cells of one neighbourhood in one wave, one wave, or everything, from the
    residents' scores, brought up to date first (``rescore``: scored again from the answers)."""
    where, params, scope = _scope(wave_id, neighbourhood_id, alias="rs")
    with transaction.atomic():
        residents_score(wave_id=wave_id, neighbourhood_id=neighbourhood_id, rescore=rescore)
        FactorCell.objects.filter(**scope).delete()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Compiling the plan costs more than it saves here. And the sums are read out and written
                # back rather than INSERT … SELECT, which PostgreSQL would run in one process, not in parallel.
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(_cells_sql(where), params)
            rows = cursor.fetchall()
        _write(FactorCell._meta.db_table, CELL_COLUMNS, rows)


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


def _write(table: str, columns: list[str], rows: list[tuple]) -> None:
    """Write rows in bulk: COPY on PostgreSQL, one prepared statement run many times elsewhere.

    Plain tuples of column values; the ORM would build, and compile SQL for, a model per row,
    which costs more than the figures themselves.
    """
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _insert(records: list[dict]) -> None:
    """Write figures given as dicts of column values, with the model's defaults for the rest."""
    names = [f.attname for f in SCORE_FIELDS]
    rows = [tuple(record.get(name, SCORE_DEFAULTS[name]) for name in names) for record in records]
    _write(FactorScore._meta.db_table, [f.column for f in SCORE_FIELDS], rows)


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
