"""Every change made in the admin is also written to the audit log.

The admin already calls ``ModelAdmin.log_addition`` / ``log_change`` /
``log_deletions`` after each save or delete; ``audit_admin_site`` wraps those
methods on each registered ModelAdmin so the entry is written in the same
request. No signals, no change to the other apps' admin classes.
"""

from __future__ import annotations

from functools import wraps

from indicators.audit.models import Action
from indicators.audit.services import audit_record


def _type(obj) -> str:
    return obj._meta.label_lower


def _wrap_admin(model_admin) -> None:
    if getattr(model_admin, "_audited", False):
        return
    log_addition, log_change, log_deletions = (
        model_admin.log_addition,
        model_admin.log_change,
        model_admin.log_deletions,
    )

    @wraps(log_addition)
    def addition(request, obj, message):
        result = log_addition(request, obj, message)
        audit_record(actor=request.user, action=Action.ADD, object_type=_type(obj), object_id=obj.pk, summary=str(obj))
        return result

    @wraps(log_change)
    def change(request, obj, message):
        result = log_change(request, obj, message)
        audit_record(
            actor=request.user,
            action=Action.CHANGE,
            object_type=_type(obj),
            object_id=obj.pk,
            summary=str(obj),
            detail={"changes": message if isinstance(message, list) else str(message)},
        )
        return result

    @wraps(log_deletions)
    def deletions(request, queryset):
        objects = list(queryset)
        result = log_deletions(request, queryset)
        for obj in objects:
            audit_record(
                actor=request.user, action=Action.DELETE, object_type=_type(obj), object_id=obj.pk, summary=str(obj)
            )
        return result

    model_admin.log_addition = addition
    model_admin.log_change = change
    model_admin.log_deletions = deletions
    model_admin._audited = True


def audit_admin_site(site) -> None:
    for model_admin in site._registry.values():
        _wrap_admin(model_admin)
