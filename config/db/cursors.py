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
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


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
