"""Waves and invitation codes."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from indicators.access.permissions import may_manage_waves, may_see_everything
from indicators.places.models import Neighbourhood
from surveys.models import Invitation, SurveyVersion, Wave
from surveys.models.fielding import LetterBatch
from surveys.services.codes import code_generate, code_hash, code_normalise, code_seal

MAX_INVITATIONS_PER_BATCH = 5000


def _can_manage(user, neighbourhoods: Iterable[Neighbourhood]) -> bool:
    if user is None:  # commands and seeds run as the system
        return True
    if not may_manage_waves(user):
        return False
    visible = set(Neighbourhood.objects.visible_to(user).values_list("pk", flat=True))
    return all(n.pk in visible for n in neighbourhoods)


@transaction.atomic
def wave_create(
    *,
    survey_version: SurveyVersion,
    name: str,
    neighbourhoods: Iterable[Neighbourhood],
    opens_on: datetime.date,
    closes_on: datetime.date,
    open_link: bool = False,
    synthetic: bool = False,
    created_by=None,
) -> Wave:
    neighbourhoods = list(neighbourhoods)
    if not survey_version.questions.exists():
        # Residents would be shown a survey with nothing to answer, and every response would be empty.
        raise ValidationError(
            {
                "survey_version": f"{survey_version} has no questions yet, so it cannot be fielded. Add its "
                "questions in the questionnaire editor first, or choose another version."
            }
        )
    if not neighbourhoods:
        raise ValidationError({"neighbourhoods": "Choose at least one neighbourhood."})
    if closes_on < opens_on:
        raise ValidationError({"closes_on": "The wave must close on or after the day it opens."})
    if not _can_manage(created_by, neighbourhoods):
        raise PermissionDenied("You can only field surveys in neighbourhoods you look after.")
    slug = f"{slugify(name)[:40] or 'wave'}-{secrets.token_hex(3)}"
    wave = Wave.objects.create(
        survey_version=survey_version,
        name=name.strip(),
        slug=slug,
        opens_on=opens_on,
        closes_on=closes_on,
        open_link=open_link,
        synthetic=synthetic,
        created_by=created_by,
    )
    wave.neighbourhoods.set(neighbourhoods)
    return wave


def invitations_create(
    *, wave: Wave, neighbourhood: Neighbourhood, count: int, created_by=None, codes: list[str] | None = None
) -> list[tuple[Invitation, str]]:
    """Make ``count`` codes for one neighbourhood of a wave, recorded as an invitation batch. The codes are returned
    once; only their hash is kept, and a sealed copy for reminders (``codes.code_seal``).

    ``codes`` is for demo data only, where published codes are wanted.
    """
    if not 1 <= count <= MAX_INVITATIONS_PER_BATCH:
        raise ValidationError({"count": f"Make between 1 and {MAX_INVITATIONS_PER_BATCH} codes at a time."})
    if not wave.neighbourhoods.filter(pk=neighbourhood.pk).exists():
        raise ValidationError({"neighbourhood": f"{neighbourhood} is not part of {wave}."})
    if not _can_manage(created_by, [neighbourhood]):
        raise PermissionDenied("You can only make codes for neighbourhoods you look after.")
    if wave.has_closed():
        raise ValidationError("This wave has closed; codes for it would not work.")
    for _attempt in range(3):
        try:
            with transaction.atomic():
                batch = (wave.invitations.aggregate(m=Max("batch"))["m"] or 0) + 1
                made = codes or [code_generate() for _ in range(count)]
                invitations = Invitation.objects.bulk_create(_invitation(wave, neighbourhood, c, batch) for c in made)
                LetterBatch.objects.create(
                    wave=wave,
                    neighbourhood=neighbourhood,
                    kind=LetterBatch.Kind.INVITATION,
                    letters=len(made),
                    printed_by=created_by,
                )
                return list(zip(invitations, made, strict=True))
        except IntegrityError:  # a 60-bit collision: astronomically unlikely, but cheap to retry
            continue
    raise ValidationError("Could not make unique codes; try again.")


def _invitation(wave: Wave, neighbourhood: Neighbourhood, code: str, batch: int) -> Invitation:
    normalised = code_normalise(code)
    hashed = code_hash(normalised)
    return Invitation(
        wave=wave,
        neighbourhood=neighbourhood,
        code_hash=hashed,
        sealed_code=code_seal(normalised, hashed),
        batch=batch,
    )


def invitation_find(*, code: str) -> Invitation | None:
    normalised = code_normalise(code)
    if normalised is None:
        return None
    return Invitation.objects.select_related("wave", "neighbourhood").filter(code_hash=code_hash(normalised)).first()


def survey_url_for_code(*, code: str) -> str:
    """The address a letter's QR code opens: the start page with the code filled in."""
    from urllib.parse import urlencode

    from django.urls import reverse

    base = settings.SURVEY_PUBLIC_URL.rstrip("/")
    return f"{base}{reverse('surveys:start')}?{urlencode({'code': code})}"


def wave_may_manage(*, user, wave: Wave) -> bool:
    return may_see_everything(user) or (
        may_manage_waves(user)
        and wave.neighbourhoods.filter(pk__in=Neighbourhood.objects.visible_to(user).values("pk")).exists()
    )
