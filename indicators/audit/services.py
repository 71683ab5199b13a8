"""Writing the audit log: the one way entries are made, and the one way they are pruned."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from indicators.audit.models import Action, AuditEntry

# The PostgreSQL trigger lets a DELETE through only while this is set in the transaction.
PRUNE_FLAG = "rebalance.audit_prune"


def audit_record(
    *,
    actor=None,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Add one entry. ``actor`` is a user (or None for the system); only its id and name are kept."""
    if action not in Action.values:
        raise ValueError(f"Unknown audit action {action!r}")
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor_id=actor.pk if authenticated else None,
        actor=actor.get_username() if authenticated else "",
        action=action,
        object_type=object_type[:100],
        object_id=str(object_id)[:64],
        summary=summary[:300],
        detail=detail or {},
    )


def audit_request(request, *, action: str, object_type: str, object_id: object = "", summary: str = "", **detail):
    """Record what the signed-in user of ``request`` did (a view or export, say)."""
    return audit_record(
        actor=getattr(request, "user", None),
        action=action,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        detail={"path": request.path, **detail},
    )


def audit_retention_apply() -> dict[str, int]:
    """The audit log's own retention: entries older than AUDIT_RETAIN_DAYS go, and the run is itself recorded."""
    done = {"audit_entries_pruned": audit_prune(older_than=dt.timedelta(days=settings.AUDIT_RETAIN_DAYS))}
    audit_record(
        action=Action.RETENTION,
        object_type="audit",
        object_id=timezone.localdate().isoformat(),
        summary=f"audit entries pruned: {done['audit_entries_pruned']}",
        detail={**done, "periods_days": {"audit": settings.AUDIT_RETAIN_DAYS}},
    )
    return done


def audit_prune(*, older_than: dt.timedelta) -> int:
    """Delete entries older than ``older_than`` (the retention job only); returns how many went."""
    cutoff = timezone.now() - older_than
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PRUNE_FLAG])
        deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
