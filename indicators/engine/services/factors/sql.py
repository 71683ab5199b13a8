"""What the factor steps share in SQL: the tables' names, a run's scope as conditions, and the bulk write."""

from __future__ import annotations

from django.db import connection

from indicators.engine.models import ResidentScore
from surveys.models import Answer, Question, Response


def tables() -> dict[str, str]:
    return {
        "answer": Answer._meta.db_table,
        "response": Response._meta.db_table,
        "question": Question._meta.db_table,
        "resident": ResidentScore._meta.db_table,
    }


def scope(wave_id: int | None, neighbourhood_id: int | None, alias: str = "r") -> tuple[str, list, dict]:
    """SQL conditions on the table ``alias`` (responses or residents' scores), their parameters, and the
    same scope as ORM filters."""
    where, params, orm = "", [], {}
    if wave_id is not None:
        where += f" AND {alias}.wave_id = %s"
        params.append(wave_id)
        orm["wave_id"] = wave_id
    if neighbourhood_id is not None:
        where += f" AND {alias}.neighbourhood_id = %s"
        params.append(neighbourhood_id)
        orm["neighbourhood_id"] = neighbourhood_id
    return where, params, orm


def write_rows(table: str, columns: list[str], rows: list[tuple]) -> None:
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
