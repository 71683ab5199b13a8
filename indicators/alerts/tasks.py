"""The e-mail job: one beat entry, every morning. Thin: it calls the service, and is safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from indicators.alerts.services import digest_day, send_due


@shared_task(
    name="alerts.send_due",
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=300,
    max_retries=3,
)
def send_alerts_due(self, at: str = "") -> dict:
    """Each day, the urgent e-mails of those who chose them; on the digest weekday (REBALANCE_DIGEST_WEEKDAY) the
    weekly digest too. Touches alerts.Delivery: a row per person and period is claimed before its e-mail goes, so
    a retry, or a second worker, never sends one twice; failed sends are marked and taken up by the retry."""
    now = dt.datetime.fromisoformat(at) if at else timezone.now()  # ``at``: an ISO time, to rerun a missed morning
    outcomes = send_due(now=now, digests=timezone.localdate(now).weekday() == digest_day())
    summary = {str(sort): {k: len(v) for k, v in vars(o).items()} for sort, o in outcomes.items()}
    if any(o.failed for o in outcomes.values()):
        raise OSError(f"Some e-mails failed and will be tried again: {summary}")
    return summary
