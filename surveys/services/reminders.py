"""Reminder letters: the codes of a neighbourhood's letters not yet used, printed again with a reminder's words
and the closing date. Printing is recorded as a batch (``LetterBatch``) and changes no code: printing twice gives
two batches of the same codes."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.access.permissions import may_manage_waves
from indicators.places.models import Neighbourhood
from surveys.models import Invitation, Wave
from surveys.models.fielding import LetterBatch
from surveys.services.codes import code_unseal


@dataclass(frozen=True)
class Reminders:
    batch: LetterBatch
    codes: list[str]  # in the order the codes were made

    @property
    def not_reprinted(self) -> int:
        return self.batch.not_reprinted


def reminders_print(*, wave: Wave, neighbourhood: Neighbourhood, printed_by=None) -> Reminders:
    """The unused codes of one neighbourhood of an open wave, to print as reminders; recorded as a batch.

    ``printed_by`` None is the system (commands, the demo); a person must manage waves in that neighbourhood."""
    if printed_by is not None and not (
        may_manage_waves(printed_by)
        and Neighbourhood.objects.visible_to(printed_by).filter(pk=neighbourhood.pk).exists()
    ):
        raise PermissionDenied("You can only print reminders for neighbourhoods you look after.")
    if not wave.neighbourhoods.filter(pk=neighbourhood.pk).exists():
        raise ValidationError(f"{neighbourhood.display_name} is not part of {wave}.")
    today = timezone.localdate()
    if wave.has_closed(today):
        raise ValidationError(
            "This wave has closed: a reminder would ask residents to use a code that no longer works."
        )
    if today < wave.opens_on:
        raise ValidationError(
            f"This wave opens on {wave.opens_on:%-d %B %Y}: there is nothing to remind anyone of yet."
        )
    unused = list(
        Invitation.objects.filter(wave=wave, neighbourhood=neighbourhood, used=False)
        .order_by("pk")
        .values_list("sealed_code", "code_hash")
    )
    if not unused:
        raise ValidationError(
            f"Every code sent to {neighbourhood.display_name} has been used (or none was made): no reminders to print."
        )
    codes = [code for sealed, hashed in unused if sealed and (code := code_unseal(sealed, hashed))]
    if not codes:
        raise ValidationError(
            f"The {len(unused)} unused codes of {neighbourhood.display_name} were made before codes were kept for "
            "reminders, so they cannot be printed again. Send a reminder without the code, or make new codes."
        )
    with transaction.atomic():
        batch = LetterBatch.objects.create(
            wave=wave,
            neighbourhood=neighbourhood,
            kind=LetterBatch.Kind.REMINDER,
            letters=len(codes),
            not_reprinted=len(unused) - len(codes),
            printed_by=printed_by,
        )
    return Reminders(batch=batch, codes=codes)
