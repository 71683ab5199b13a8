"""How settings turn a database URL into a PostgreSQL database entry: the one place that decides the backend,
prepared statements, the connection pool and persistent connections, for the primary and any replica alike.
Imported by the settings, so it imports nothing of Django's."""

from __future__ import annotations


def postgres_database(
    database: dict,
    *,
    prepared_statements: bool,
    pool_max_size: int,
    pool_timeout: float,
    conn_max_age: int,
    health_checks: bool,
) -> dict:
    """The entry ``database`` (from django-environ) set up for PostgreSQL; any other engine is left as it is.

    With ``pool_max_size`` above 0 each process keeps a psycopg pool of up to that many connections (Django's
    ``OPTIONS["pool"]``), and a connection goes back to the pool at the end of each request; Django then allows no
    persistent connections (``CONN_MAX_AGE`` 0). Otherwise a connection is kept ``conn_max_age`` seconds. Either
    way a kept connection holds its prepared statements, so a submission's two statements are planned once per
    server connection, not once per request.
    """
    database = {**database, "OPTIONS": dict(database.get("OPTIONS", {}))}
    database["ATOMIC_REQUESTS"] = False
    if database["ENGINE"] != "django.db.backends.postgresql":
        database.setdefault("CONN_MAX_AGE", conn_max_age)
        return database
    # Django's own, with a connection health check that looks at the socket instead of a round trip.
    database["ENGINE"] = "config.db.postgresql"
    database["CONN_HEALTH_CHECKS"] = health_checks
    if prepared_statements:
        # psycopg prepares a statement on its third run on a connection, but only on the cursors that bind
        # on the server (config.db.cursors.prepared_cursor: a submission's two statements). Off behind a pooler
        # in transaction mode that cannot keep prepared statements (PgBouncer before 1.21).
        database["OPTIONS"]["prepare_threshold"] = 2
    if pool_max_size > 0:
        # min_size 1: every gunicorn and Celery process has a pool of its own, and idle ones should hold little.
        database["OPTIONS"]["pool"] = {"min_size": 1, "max_size": pool_max_size, "timeout": pool_timeout}
        database["CONN_MAX_AGE"] = 0
    else:
        database["CONN_MAX_AGE"] = conn_max_age
    return database
