"""Django's PostgreSQL backend, with a health check that asks the server nothing.

With CONN_HEALTH_CHECKS, Django checks a kept connection before a request's (or a
task's) first query, and after an error, by sending ``SELECT 1``; with a pool
(``OPTIONS["pool"]``) the pool checks each connection it hands out with an empty
query instead. On a survey submission that round trip was a tenth of the server's
work. A server that ended the connection (restarted, terminated the backend, timed
it out) has sent its error or closed the socket, so the socket reads ready while
nothing was asked; a connection psycopg knows to be broken, or in a failed
transaction, is not usable either. Such a connection is closed (or dropped from
the pool) and the next query opens a new one.
"""

from __future__ import annotations

import select

import psycopg
from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

USABLE = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


def socket_usable(raw) -> bool:
    """True unless the connection is closed, broken, in a failed transaction, or its server has spoken unasked."""
    if raw is None or raw.closed or raw.broken or raw.info.transaction_status not in USABLE:
        return False
    try:
        return not select.select([raw.fileno()], [], [], 0)[0]
    except (OSError, ValueError):  # the socket is gone
        return False


def check_socket(raw) -> None:
    """The pool's check of a connection it is about to hand out (psycopg_pool drops it on an exception)."""
    if not socket_usable(raw):
        # The pool drops only a connection psycopg knows to be closed; it would hand this one out again otherwise.
        raw.close()
        raise psycopg.OperationalError("the server ended this pooled connection")


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        return socket_usable(self.connection)

    @property
    def pool(self):
        # Django's own (5.2), but with the socket check for CONN_HEALTH_CHECKS instead of an empty query.
        pool_options = self.settings_dict["OPTIONS"].get("pool")
        if self.alias == NO_DB_ALIAS or not pool_options:
            return None
        if self.alias not in self._connection_pools:
            if self.settings_dict.get("CONN_MAX_AGE", 0) != 0:
                raise ImproperlyConfigured("Pooling doesn't support persistent connections.")
            from psycopg_pool import ConnectionPool

            connect_kwargs = self.get_connection_params()
            connect_kwargs["autocommit"] = True  # Django sets it properly once connected
            pool = ConnectionPool(
                kwargs=connect_kwargs,
                open=False,  # opened by the first connection asked for, in the process that uses it
                configure=self._configure_connection,
                check=check_socket if self.settings_dict["CONN_HEALTH_CHECKS"] else None,
                **({} if pool_options is True else pool_options),
            )
            self._connection_pools.setdefault(self.alias, pool)
        return self._connection_pools[self.alias]
