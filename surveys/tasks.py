"""Periodic survey jobs. Thin: each calls a service and is safe to run twice."""

from celery import shared_task

from surveys.services.retention import waves_unlink_closed
from surveys.services.retention_policy import retention_apply


@shared_task(name="surveys.tasks.unlink_closed_waves")
def unlink_closed_waves() -> dict:
    """Deletes the response→invitation link in every wave whose last day has passed. Touches Response, Wave."""
    return {str(k): v for k, v in waves_unlink_closed().items()}


@shared_task(name="surveys.tasks.apply_retention")
def apply_retention() -> dict:
    """Applies the retention periods (surveys.services.retention_policy). Touches Answer, Invitation, Response,
    AuditEntry; idempotent, one transaction."""
    return retention_apply()
