"""Cutting responses loose from their invitations once a wave has closed.

While a wave is open a response keeps its invitation, so the resident can come
back with the code to see or withdraw what they gave. After the wave's last
day the link is deleted and the responses are anonymous, and the codes' sealed copies go. Idempotent.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from surveys.models import Invitation, Response, Wave

logger = logging.getLogger(__name__)


@transaction.atomic
def wave_unlink(*, wave: Wave) -> int:
    """Remove every response's link to its invitation in a wave, and the sealed codes that reminders printed from
    (no reminder is sent for a closed wave). Returns how many links were cut."""
    cut = Response.objects.filter(wave=wave, invitation__isnull=False).update(invitation=None)
    Invitation.objects.filter(wave=wave).exclude(sealed_code="").update(sealed_code="")
    if wave.unlinked_at is None:
        Wave.objects.filter(pk=wave.pk).update(unlinked_at=timezone.now())
    return cut


def waves_unlink_closed(*, today: datetime.date | None = None) -> dict[int, int]:
    """Unlink every wave whose last day has passed. Returns {wave id: links cut}."""
    today = today or timezone.localdate()
    done = {}
    for wave in Wave.objects.closed_before(today).filter(unlinked_at__isnull=True):
        done[wave.pk] = wave_unlink(wave=wave)
        logger.info("wave %s closed: %s responses unlinked from their codes", wave.pk, done[wave.pk])
    # A wave unlinked earlier can still gain a link if its dates were moved; sweep those too.
    for wave_id in (
        Response.objects.filter(wave__closes_on__lt=today, invitation__isnull=False)
        .values_list("wave_id", flat=True)
        .distinct()
    ):
        done[wave_id] = done.get(wave_id, 0) + wave_unlink(wave=Wave.objects.get(pk=wave_id))
    return done
