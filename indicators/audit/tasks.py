"""The audit log's periodic job. Thin: it calls the service, and is safe to run twice."""

from celery import shared_task

from indicators.audit.services import audit_retention_apply


@shared_task(name="audit.apply_retention")
def apply_retention() -> dict:
    """Deletes audit entries older than AUDIT_RETAIN_DAYS and records the run. Touches AuditEntry."""
    return audit_retention_apply()
