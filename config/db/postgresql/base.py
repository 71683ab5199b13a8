"""Django's PostgreSQL backend, with a health check that asks the server nothing.

With CONN_HEALTH_CHECKS, Django checks a kept connection before a request's (or a
task's) first query, and after an error, by sending ``SELECT 1``: on a survey
submission that round trip was a tenth of the server's work. A server that ended
the connection (restarted, terminated the backend, timed it out) has sent its error
or closed the socket, so the socket reads ready while nothing was asked; a
connection psycopg knows to be broken, or in a failed transaction, is not usable
either. Such a connection is closed and the next query opens a new one.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

USABLE = (TransactionStatus.IDLE, TransactionStatus.INTRANS)


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed or raw.broken or raw.info.transaction_status not in USABLE:
            return False
        try:
            return not select.select([raw.fileno()], [], [], 0)[0]
        except (OSError, ValueError):  # the socket is gone
            return False
