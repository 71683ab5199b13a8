from __future__ import annotations

from django.db.models import QuerySet

from indicators.audit.models import AuditEntry


def audit_entries_for(*, object_type: str, object_id: object) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
