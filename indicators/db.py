"""Database helpers shared by the apps' services.

``prepared_cursor`` is for the few statements run on every busy request (a survey
submission's code lookup and write). Django binds parameters on the client, so
PostgreSQL plans such a statement afresh each time: for the submission's write
that took a third as long as running it. On a server-binding cursor psycopg
prepares a statement once it has seen it ``prepare_threshold`` times on the
connection, and PostgreSQL plans it once per connection. The threshold is the
database's ``OPTIONS["prepare_threshold"]``: Django leaves it unset (never
prepare), which a pooler in transaction mode without prepared-statement support
needs; our settings set it on PostgreSQL unless told not to. The cursor is
Django's own wrapper, so execute wrappers, error translation and the query log
all see it (the log without the text of a run of a prepared statement: psycopg
keeps none).

``health_check_by_poll`` answers Django's connection health check at the start
of each request without asking the server anything.
"""

from __future__ import annotations

import select
from contextlib import contextmanager

from django.db import connection, connections


@contextmanager
def prepared_cursor():
    """A Django cursor binding its parameters on the server (PostgreSQL with psycopg 3 only)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    usual = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        cursor = connection.cursor()
    finally:
        raw.cursor_factory = usual
    with cursor:
        yield cursor


def health_check_by_poll(**kwargs) -> None:
    """On request_started, after Django's own receiver: the health check of each idle PostgreSQL
    connection (CONN_HEALTH_CHECKS), done by looking at its socket instead of the ``SELECT 1`` round
    trip Django makes before a request's first query (on a survey submission, a tenth of the server's
    time). A server that ended the connection (restarted, terminated the backend, timed it out) has
    sent its error or closed the socket, so the socket reads ready while nothing was asked: the
    connection is closed and the request opens a new one. Inside a transaction it is left to Django."""
    from psycopg.pq import TransactionStatus

    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if conn.vendor != "postgresql" or raw is None or conn.in_atomic_block:
            continue
        if not conn.health_check_enabled or conn.health_check_done:
            continue
        quiet = (
            not (raw.closed or raw.broken)
            and raw.info.transaction_status == TransactionStatus.IDLE
            and not select.select([raw.fileno()], [], [], 0)[0]
        )
        if quiet:
            conn.health_check_done = True  # Django's flag: no SELECT 1 before this request's first query
        else:
            conn.close()
