"""Reads that may go to a read replica (DATABASE_REPLICA_URL), and everything else to the primary.

Only a request that ``ReplicaMiddleware`` lets (a GET or HEAD of a monitoring page or of the API, see
``DATABASE_REPLICA_PATHS``) reads from the replica, and only until it must see its own or its session's
writes: after any write in the request (the rest of it reads the primary), for ``DATABASE_REPLICA_PIN_SECONDS``
after a request of the same browser wrote (a cookie says so), and inside a transaction. Sign-in, sessions,
tokens and the audit log are always read from the primary: a sign-in, a revoked token or a second factor must
count at once. Writes always go to the primary. Celery tasks, commands and every other page never read the
replica. What the replica may lag by is said in the README (Running in production).
"""

from __future__ import annotations

import contextvars
import time

from django.conf import settings
from django.db import connections

PRIMARY, REPLICA = "default", "replica"
PIN_COOKIE = "rb_primary"

# Read from the primary whatever the request: who is signed in, with what second factor and token, and the audit.
PRIMARY_ONLY_APPS = frozenset(
    {"auth", "sessions", "authtoken", "otp_totp", "otp_static", "django_otp", "accounts", "audit"}
)
# Writes that pin nothing: the audit entry a page view leaves, and the session's own bookkeeping (read from the
# primary anyway). Without this every audited page would pin its reader to the primary.
UNPINNING_APPS = frozenset({"audit", "sessions"})


class _Request:
    __slots__ = ("replica", "wrote")

    def __init__(self, replica: bool) -> None:
        self.replica = replica  # this request may read from the replica
        self.wrote = False


_request: contextvars.ContextVar[_Request | None] = contextvars.ContextVar("replica_request", default=None)


def _may_read_replica() -> bool:
    state = _request.get()
    if state is None or not state.replica or state.wrote:
        return False
    # A read inside a transaction belongs with its writes.
    return not connections[PRIMARY].in_atomic_block


def lagging_alias() -> str:
    """The database for reads that must never be ahead of the replica's: the replica when the router is on.

    The pages' cache keys (indicators/monitoring/state.py) are read here, so that a page rendered from the replica
    is never kept under the key of figures the replica does not hold yet."""
    return REPLICA if "config.db.router.ReplicaRouter" in settings.DATABASE_ROUTERS else PRIMARY


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS or not _may_read_replica():
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        state = _request.get()
        if state is not None and model._meta.app_label not in UNPINNING_APPS:
            state.wrote = True  # the rest of this request, and this browser for a while, read the primary
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from either may refer to one from the other.
        return {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA} or None

    def allow_migrate(self, db, app_label, **hints):
        # Migrations run on the primary and reach the replica through replication (and the test database of
        # the replica alias gets the same tables, so tests can tell the two apart by their rows).
        return None


def _replica_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.COOKIES.get(PIN_COOKIE, "").isdigit() and int(request.COOKIES[PIN_COOKIE]) > time.time():
        return False  # this browser wrote moments ago: it reads what it wrote
    return request.path.startswith(tuple(settings.DATABASE_REPLICA_PATHS))


class ReplicaMiddleware:
    """Marks which requests may read the replica, and pins a browser that wrote to the primary for a while."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        state = _Request(replica=_replica_request(request))
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote:
            seconds = settings.DATABASE_REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
