"""Cells: the residents' scores summed per wave, neighbourhood, factor, age band and sex (set-based SQL)."""

from __future__ import annotations

from django.db import connection, transaction

from indicators.engine.models import FactorCell
from indicators.engine.services.factors.residents import residents_score
from indicators.engine.services.factors.sql import scope, tables, write_rows

FAVOURABLE_ABOVE = 50  # a resident is at the favourable end when their factor score is above the midpoint
CELL_COLUMNS = ["wave_id", "neighbourhood_id", "factor", "age_band", "sex", "n", "total", "squares", "favourable"]


def _cells_sql(where: str) -> str:
    return f"""
        SELECT wave_id, neighbourhood_id, factor, age_band, sex, COUNT(*), SUM(score), SUM(score * score),
               SUM(CASE WHEN score > {FAVOURABLE_ABOVE} THEN 1 ELSE 0 END)
        FROM {tables()["resident"]} rs WHERE 1 = 1 {where}
        GROUP BY wave_id, neighbourhood_id, factor, age_band, sex
    """


def cells_refresh(*, wave_id: int | None = None, neighbourhood_id: int | None = None, rescore: bool = False) -> None:
    """Rewrite the cells of one neighbourhood in one wave, one wave, or everything, from the
    residents' scores, brought up to date first (``rescore``: scored again from the answers)."""
    where, params, orm = scope(wave_id, neighbourhood_id, alias="rs")
    with transaction.atomic():
        residents_score(wave_id=wave_id, neighbourhood_id=neighbourhood_id, rescore=rescore)
        FactorCell.objects.filter(**orm).delete()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Compiling the plan costs more than it saves here. And the sums are read out and written
                # back rather than INSERT … SELECT, which PostgreSQL would run in one process, not in parallel.
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(_cells_sql(where), params)
            rows = cursor.fetchall()
        write_rows(FactorCell._meta.db_table, CELL_COLUMNS, rows)
