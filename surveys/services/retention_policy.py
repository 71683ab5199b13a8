"""How long what residents gave is kept, and the job that enforces it.

Counted from the day after a wave's last day (SURVEY_RETAIN_* settings, in days):
- free-text answers are blanked (the chosen options stay, so the figures do not change);
- invitation records are anonymised: the code's HMAC is replaced, so a printed code no
  longer matches anything, while the count of invitations (response rates) is kept;
- unfinished and withdrawn responses are deleted (they hold no figures);
- completed responses are deleted only when SURVEY_RETAIN_RESPONSES_DAYS is above 0
  (by default they are kept: every figure is rebuilt from them).
The audit log keeps its own retention (indicators/audit). Each run writes one audit
entry saying what it did. Idempotent: a second run on the same day finds nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from surveys.models import Answer, Invitation, Response, ResponseStatus, Wave

logger = logging.getLogger(__name__)
RETIRED = "retired-"


def _closed_before(today: dt.date, days: int):
    return Wave.objects.closed_before(today - dt.timedelta(days=days))


@transaction.atomic
def retention_apply(*, today: dt.date | None = None) -> dict[str, int]:
    """Apply every retention period as of ``today``; returns what was done, and records it."""
    today = today or timezone.localdate()
    done: dict[str, int] = {}

    waves = _closed_before(today, settings.SURVEY_RETAIN_FREE_TEXT_DAYS)
    done["free_text_blanked"] = Answer.objects.filter(response__wave__in=waves).exclude(text="").update(text="")

    waves = _closed_before(today, settings.SURVEY_RETAIN_INVITATIONS_DAYS)
    done["invitations_anonymised"] = (
        Invitation.objects.filter(wave__in=waves)
        .exclude(code_hash__startswith=RETIRED)
        .update(code_hash=Concat(Value(RETIRED), Cast("pk", CharField())))
    )
    # The link from response to invitation is cut when a wave closes (retention.wave_unlink); make sure.
    Response.objects.filter(wave__in=waves, invitation__isnull=False).update(invitation=None)

    waves = _closed_before(today, settings.SURVEY_RETAIN_UNFINISHED_DAYS)
    unfinished = Response.objects.filter(wave__in=waves).exclude(status=ResponseStatus.COMPLETED)
    done["unfinished_responses_deleted"] = unfinished.count()
    Answer.objects.filter(response__in=unfinished).delete()
    unfinished.delete()

    done["completed_responses_deleted"] = 0
    if settings.SURVEY_RETAIN_RESPONSES_DAYS > 0:
        waves = _closed_before(today, settings.SURVEY_RETAIN_RESPONSES_DAYS)
        old = Response.objects.filter(wave__in=waves)
        done["completed_responses_deleted"] = old.count()
        Answer.objects.filter(response__in=old).delete()
        old.delete()

    audit_record(
        action=Action.RETENTION,
        object_type="retention",
        object_id=today.isoformat(),
        summary=", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in done.items()),
        detail={
            **done,
            "periods_days": {
                "free_text": settings.SURVEY_RETAIN_FREE_TEXT_DAYS,
                "invitations": settings.SURVEY_RETAIN_INVITATIONS_DAYS,
                "unfinished": settings.SURVEY_RETAIN_UNFINISHED_DAYS,
                "responses": settings.SURVEY_RETAIN_RESPONSES_DAYS,
            },
        },
    )
    logger.info("retention run %s: %s", today, done)
    return done
