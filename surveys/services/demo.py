"""Demo survey data: a wave in the demo neighbourhoods with codes and SYNTHETIC responses.

Every response made here is marked ``synthetic=True`` and the wave is named and
flagged as synthetic, so no page, export or figure can pass it off as real.
Idempotent: a second run finds the demo wave and leaves it alone.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.places.models import MatchedPair, Neighbourhood
from surveys.models import Channel, QuestionKind, Wave
from surveys.selectors import version_questions
from surveys.services.answering import is_shown
from surveys.services.codes import ALPHABET, LENGTH, code_format
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.responses import response_submit
from surveys.services.waves import invitation_find, invitations_create, wave_create

DEMO_WAVE_NAME = "Demo wave (synthetic responses)"


def _synthetic_answers(questions, rng: random.Random, lean: float) -> dict:
    raw: dict = {}
    codes: dict[int, set[str]] = {}
    shown: set[int] = set()
    for q in questions:
        if not is_shown(q, codes, shown):
            continue
        shown.add(q.pk)
        options = list(q.options.all())
        if q.kind == QuestionKind.TEXT:
            continue  # no made-up free text
        if q.kind == QuestionKind.NUMBER:
            raw[q.key] = rng.randint(q.min_value or 0, min(q.max_value or 40, 40))
            continue
        if q.kind == QuestionKind.MULTIPLE:
            chosen = rng.sample([o.code for o in options if not o.exclusive], k=rng.randint(1, 2))
            raw[q.key], codes[q.pk] = chosen, set(chosen)
            continue
        # Lean towards the better end by a neighbourhood-specific amount, so the demo factors differ.
        scored = [o for o in options if o.score is not None]
        if scored and rng.random() < 0.9:
            target = lean * 100
            weights = [1 / (1 + abs((o.score or 0) - target) / 25) for o in scored]
            option = rng.choices(scored, weights=weights)[0]
        else:
            option = rng.choice(options)
        raw[q.key], codes[q.pk] = option.code, {option.code}
    return raw


def demo_codes(neighbourhood: Neighbourhood, count: int) -> list[str]:
    """Published, reproducible codes for the demo wave only (never for a real wave)."""
    rng = random.Random(f"rebalance-demo-{neighbourhood.pk}")  # noqa: S311 (published on purpose)
    return [code_format("".join(rng.choice(ALPHABET) for _ in range(LENGTH))) for _ in range(count)]


@dataclass(frozen=True)
class DemoSurvey:
    wave: Wave
    codes: list[tuple[str, str]]  # (neighbourhood, code) still unused, to try the pages with


# Two closed waves before the open one, so that the demo shows change over time. A neighbourhood
# "improves" or "lags" by how its residents' answers lean from wave to wave.
EARLIER_WAVES = [("Spring 2024 (synthetic responses)", 730), ("Spring 2025 (synthetic responses)", 365)]


def _demo_neighbourhoods() -> list[Neighbourhood]:
    """Both sides of the demo's matched pairs, and the estate manager's neighbourhoods."""
    sides = MatchedPair.objects.values_list("first_id", "second_id")
    ids = {n for pair in sides for n in pair}
    managed = Neighbourhood.objects.filter(assignments__user__username="manager.liverpool").values_list("pk", flat=True)
    chosen = Neighbourhood.objects.filter(Q(pk__in=ids) | Q(pk__in=list(managed))).order_by(
        "local_authority__name", "name"
    )
    return list(chosen) or list(Neighbourhood.objects.order_by("local_authority__name", "name")[:6])


def _leans(neighbourhoods: list[Neighbourhood]) -> dict[int, tuple[float, float]]:
    """(starting lean, change per wave): first sides of pairs improve, second sides drift down."""
    firsts = set(MatchedPair.objects.values_list("first_id", flat=True))
    seconds = set(MatchedPair.objects.values_list("second_id", flat=True))
    leans = {}
    for i, n in enumerate(neighbourhoods):
        start = 0.35 + 0.1 * (i % 3)
        step = 0.08 if n.pk in firsts else -0.03 if n.pk in seconds else 0.02
        leans[n.pk] = (start, step)
    return leans


def _synthetic_response_submit(
    *, wave: Wave, neighbourhood: Neighbourhood, questions, rng: random.Random, lean: float
) -> None:
    """One made-up response, completed at some time in the wave's first fortnight.

    It goes in without a code (channel "paper", marked synthetic), so every demo code is still free
    for someone trying the survey pages."""
    raw = _synthetic_answers(questions, rng, lean)
    noon = timezone.make_aware(datetime.datetime.combine(wave.opens_on, datetime.time(12)))
    response_submit(
        raw=raw,
        channel=Channel.PAPER,
        wave=wave,
        neighbourhood=neighbourhood,
        synthetic=True,
        completed_at=noon + datetime.timedelta(minutes=rng.randint(10, 20000)),
        notify=False,
    )


def seed_surveys(
    *,
    neighbourhoods: list[Neighbourhood] | None = None,
    responses_each: int = 18,
    codes_each: int = 20,
    seed: int = 2010,
) -> DemoSurvey:
    """Three synthetic waves (two closed, one open) without handing each response to the engine:
    the caller recomputes the figures once at the end."""
    existing = Wave.objects.filter(name=DEMO_WAVE_NAME, synthetic=True).first()
    if existing is not None:
        return DemoSurvey(wave=existing, codes=_unused(existing, codes_each))
    version = default_questionnaire_load()
    neighbourhoods = neighbourhoods or _demo_neighbourhoods()
    if not neighbourhoods:
        raise ValueError("Seed the places first: there are no neighbourhoods.")
    today = timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (made-up demo data, not security)
    questions = version_questions(version.pk)
    leans = _leans(neighbourhoods)
    schedule = [(name, today - datetime.timedelta(days=days), 42) for name, days in EARLIER_WAVES]
    schedule.append((DEMO_WAVE_NAME, today - datetime.timedelta(days=14), 42))
    with transaction.atomic():
        for number, (name, opens_on, length) in enumerate(schedule):
            current = name == DEMO_WAVE_NAME
            wave = wave_create(
                survey_version=version,
                name=name,
                neighbourhoods=neighbourhoods,
                opens_on=opens_on,
                closes_on=opens_on + datetime.timedelta(days=length),
                open_link=current,
                synthetic=True,
            )
            for i, neighbourhood in enumerate(neighbourhoods):
                if current:
                    invitations_create(
                        wave=wave,
                        neighbourhood=neighbourhood,
                        count=codes_each,
                        codes=demo_codes(neighbourhood, codes_each),
                    )
                start, step = leans[neighbourhood.pk]
                lean = min(max(start + step * number, 0.05), 0.95)
                # Some neighbourhoods get too few answers to show, so the demo shows withheld figures too.
                count = 6 if (i + number) % 7 == 0 else max(responses_each + rng.randint(-4, 6), 1)
                for _ in range(count):
                    _synthetic_response_submit(
                        wave=wave, neighbourhood=neighbourhood, questions=questions, rng=rng, lean=lean
                    )
    return DemoSurvey(wave=wave, codes=_unused(wave, codes_each))


def _unused(wave: Wave, codes_each: int, per_neighbourhood: int = 2) -> list[tuple[str, str]]:
    out = []
    for neighbourhood in wave.neighbourhoods.order_by("name"):
        free = [c for c in demo_codes(neighbourhood, codes_each) if not _used(c)]
        out += [(neighbourhood.name, c) for c in free[:per_neighbourhood]]
    return out


def _used(code: str) -> bool:
    invitation = invitation_find(code=code)
    return invitation is None or invitation.used
