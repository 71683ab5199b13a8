"""Residents' scores: each completed response's mean on each factor, kept in step with the responses."""

from __future__ import annotations

import logging

from django.db import connection, transaction

from indicators.engine.models import ResidentScore
from indicators.engine.services.factors.sql import scope, tables

logger = logging.getLogger(__name__)

# A resident's mean on a factor, from integer sums: cheaper than AVG over numeric, and exact
# until the one division (the cells are float sums in any case).
RESIDENT_MEAN = "CAST(SUM(a.score) AS DOUBLE PRECISION) / COUNT(a.score)"
FRESH = "engine_fresh_resident_scores"
SCORE_BATCH = 5_000  # responses scored per statement: well inside SQLite's limit on parameters
BULK = 100_000
RESIDENT_COLUMNS = "response_id, wave_id, neighbourhood_id, age_band, sex, factor, score"


def _residents_select(where: str) -> str:
    t = tables()
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
    with transaction.atomic(), connection.cursor() as cursor:
        if rescore:
            return _rescore(cursor, wave_id, neighbourhood_id)
        return _score_new(cursor, wave_id, neighbourhood_id)


def _score_new(cursor, wave_id: int | None, neighbourhood_id: int | None) -> int:
    """Drop the scores of withdrawn responses and score the completed ones that have none yet."""
    stored, responses = tables()["resident"], tables()["response"]
    where, params, _ = scope(wave_id, neighbourhood_id)
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


def _rescore(cursor, wave_id: int | None, neighbourhood_id: int | None) -> int:
    """Score every response in scope again from its answers, and mend the stored rows that differ."""
    stored = tables()["resident"]
    where, params, _ = scope(wave_id, neighbourhood_id)
    # Compare rather than delete and rewrite: on a sound night nothing is written, and the table
    # is spared 1.6M dead rows and as many foreign-key checks per 200,000 residents.
    cursor.execute(f"CREATE TEMPORARY TABLE {FRESH} AS {_residents_select(where)}", params)
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {FRESH}")  # never analysed otherwise: the comparison below needs its size
    same = " AND ".join(f"f.{c} = {stored}.{c}" for c in RESIDENT_COLUMNS.split(", "))
    stored_where, stored_params, _ = scope(wave_id, neighbourhood_id, alias=stored)
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
