"""Demo survey data: synthetic waves in the demo neighbourhoods, with codes and SYNTHETIC responses.

Every response made here is marked ``synthetic=True``, and every wave is flagged synthetic and says so in its
name, so no page, export or figure can pass it off as real. Responses go through the same services as real ones:
web answers use up real invitation codes, paper and open-link answers come in as those channels do.
Idempotent: a second run finds the demo wave open today and leaves everything alone; run on a later day, after
that wave has closed, it opens a new one so that the printed codes work.
"""

from __future__ import annotations

import datetime
import itertools
import math
import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.places.models import MatchedPair, Neighbourhood
from surveys.models import Channel, QuestionKind, Wave
from surveys.selectors import version_questions
from surveys.services.answering import is_shown
from surveys.services.codes import ALPHABET, LENGTH, code_format
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.demo_plan import (
    TYPICAL_RESPONSES,
    WavePlan,
    current_plan,
    demo_schedule,
    factor_leans,
    response_count,
)
from surveys.services.responses import response_submit
from surveys.services.waves import invitation_find, invitations_create, survey_url_for_code, wave_create

# Of a current wave's answers, about this share come in with a letter's code and this share by the open link;
# the rest are paper questionnaires typed in by staff.
WEB_SHARE, OPEN_LINK_SHARE = 0.55, 0.15
# Of an earlier wave with an open link, this share came in by it.
EARLIER_OPEN_LINK_SHARE = 0.3
# The demo logins whose every neighbourhood is surveyed, so that none of their pages is empty.
SURVEYED_EVERYWHERE = ("officer.leeds", "manager.liverpool")


def _synthetic_answers(questions, rng: random.Random, leans: dict[str, float]) -> dict:
    raw: dict = {}
    codes: dict[int, set[str]] = {}
    shown: set[int] = set()
    mood = rng.gauss(0, 0.08)  # a resident's answers hang together a little, as real ones do
    for q in questions:
        if not is_shown(q, codes, shown):
            continue
        shown.add(q.pk)
        options = list(q.options.all())
        if q.kind == QuestionKind.TEXT:
            continue  # no made-up free text
        if q.kind == QuestionKind.NUMBER:
            raw[q.key] = rng.randint(int(q.min_value or 0), int(min(q.max_value or 40, 40)))
            continue
        if q.kind == QuestionKind.MULTIPLE:
            chosen = rng.sample([o.code for o in options if not o.exclusive], k=rng.randint(1, 2))
            raw[q.key], codes[q.pk] = chosen, set(chosen)
            continue
        scored = [o for o in options if o.score is not None]
        if q.factor in leans and scored and rng.random() < 0.92:
            option = _leaning_option(scored, leans[q.factor] + mood, rng)
        else:
            option = rng.choice(options)
        raw[q.key], codes[q.pk] = option.code, {option.code}
    return raw


def _leaning_option(scored: list, lean: float, rng: random.Random):
    """An answer whose expected score is near ``lean`` (0 to 1): for yes or no, yes with that chance; on a
    longer scale, options nearer the lean more often."""
    if len(scored) == 2:
        low, high = sorted(scored, key=lambda o: o.score)
        return high if rng.random() < lean else low
    weights = [math.exp(-abs((o.score or 0) - lean * 100) / 22) for o in scored]
    return rng.choices(scored, weights=weights)[0]


def demo_codes(wave: Wave, neighbourhood: Neighbourhood, count: int) -> list[str]:
    """Published, reproducible codes for a synthetic demo wave only (never for a real wave)."""
    rng = random.Random(f"rebalance-demo-{wave.slug}-{neighbourhood.pk}")  # noqa: S311 (published on purpose)
    return [code_format("".join(rng.choice(ALPHABET) for _ in range(LENGTH))) for _ in range(count)]


@dataclass(frozen=True)
class DemoSurvey:
    wave: Wave  # the demo wave open today
    codes: list[tuple[str, str]]  # (neighbourhood, code) still unused, to try the pages with


@dataclass(frozen=True)
class DemoCode:
    neighbourhood: Neighbourhood
    code: str
    url: str  # the resident's start page with the code filled in


def _demo_neighbourhoods() -> list[Neighbourhood]:
    """Every neighbourhood the demo's Leeds officer and Liverpool estate manager see, and both sides of every
    matched pair (which covers the Tees Valley officer's)."""
    sides = MatchedPair.objects.values_list("first_id", "second_id")
    ids = {n for pair in sides for n in pair}
    for user in get_user_model().objects.filter(username__in=SURVEYED_EVERYWHERE):
        ids |= set(Neighbourhood.objects.visible_to(user).values_list("pk", flat=True))
    chosen = list(Neighbourhood.objects.filter(pk__in=ids).order_by("local_authority__name", "name"))
    return chosen or list(Neighbourhood.objects.order_by("local_authority__name", "name")[:6])


def _biases(neighbourhoods: list[Neighbourhood]) -> dict[int, float]:
    """A pair's first side tends to improve and its second to slip, so the pair pages have a story."""
    firsts = set(MatchedPair.objects.values_list("first_id", flat=True))
    seconds = set(MatchedPair.objects.values_list("second_id", flat=True))
    return {n.pk: 0.04 if n.pk in firsts else -0.04 if n.pk in seconds else 0.0 for n in neighbourhoods}


def _moments(wave: Wave, count: int, rng: random.Random) -> list[datetime.datetime]:
    """When each response came in: some time between the wave's opening and its close (or now, if still open)."""
    start = timezone.make_aware(datetime.datetime.combine(wave.opens_on, datetime.time(9)))
    end = timezone.make_aware(datetime.datetime.combine(wave.closes_on, datetime.time(18)))
    end = min(end, timezone.now() - datetime.timedelta(hours=1))
    span = max((end - start).total_seconds(), 60)
    return sorted(start + datetime.timedelta(seconds=rng.uniform(0, span)) for _ in range(count))


def _channels(plan: WavePlan, count: int, codes_free: int) -> list[str]:
    if plan.current:
        web = min(round(count * WEB_SHARE), codes_free)
        link = round(count * OPEN_LINK_SHARE)
    else:
        web, link = 0, round(count * EARLIER_OPEN_LINK_SHARE) if plan.open_link else 0
    return [Channel.WEB] * web + [Channel.OPEN_LINK] * link + [Channel.PAPER] * (count - web - link)


@dataclass(frozen=True)
class _Fielding:
    questions: list
    rng: random.Random
    typical: int
    codes_each: int


def _field(wave: Wave, plan: WavePlan, number: int, place: tuple[int, Neighbourhood], bias: float, how: _Fielding):
    """One neighbourhood's answers in one wave, each through the service its channel uses."""
    position, neighbourhood = place
    leans = factor_leans(neighbourhood.name, number, bias)
    threshold = settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    count = response_count(neighbourhood.name, position, number, typical=how.typical, threshold=threshold)
    codes = []
    if plan.current:
        codes = demo_codes(wave, neighbourhood, how.codes_each)
        invitations_create(wave=wave, neighbourhood=neighbourhood, count=how.codes_each, codes=codes)
        codes = how.rng.sample(codes, k=len(codes))
    # Keep a few codes unused for people trying the resident pages.
    channels = _channels(plan, count, max(len(codes) - 5, 0))
    how.rng.shuffle(channels)
    for channel, moment in zip(channels, _moments(wave, count, how.rng), strict=True):
        raw = _synthetic_answers(how.questions, how.rng, leans)
        code = codes.pop() if channel == Channel.WEB else None
        response_submit(
            raw=raw,
            channel=channel,
            code=code,
            wave=wave,
            neighbourhood=None if code else neighbourhood,
            synthetic=True,
            completed_at=moment,
            notify=False,
        )


def seed_surveys(
    *,
    neighbourhoods: list[Neighbourhood] | None = None,
    responses_each: int | None = None,
    codes_each: int = 40,
    seed: int = 2010,
) -> DemoSurvey:
    """Synthetic waves named for the months they ran: two earlier ones and one open today. Nothing is handed to the
    engine response by response: the caller recomputes the figures once at the end."""
    today = timezone.localdate()
    demo_waves = Wave.objects.filter(synthetic=True)
    open_now = demo_waves.filter(opens_on__lte=today, closes_on__gte=today).order_by("-opens_on").first()
    if open_now is not None:
        return DemoSurvey(wave=open_now, codes=_unused(open_now, codes_each))
    latest = demo_waves.order_by("-opens_on").first()
    if latest is not None:  # seeded on an earlier day: open a new wave in the same places
        neighbourhoods = neighbourhoods or list(latest.neighbourhoods.order_by("local_authority__name", "name"))
        plans, first_number = [current_plan(today)], demo_waves.count()
    else:
        neighbourhoods = neighbourhoods or _demo_neighbourhoods()
        plans, first_number = demo_schedule(today), 0
    if not neighbourhoods:
        raise ValueError("Seed the places first: there are no neighbourhoods.")
    version = default_questionnaire_load()
    typical = responses_each or max(TYPICAL_RESPONSES, settings.REBALANCE_DISCLOSURE_MIN_RESPONSES + 4)
    how = _Fielding(list(version_questions(version.pk)), random.Random(seed), typical, codes_each)  # noqa: S311
    biases = _biases(neighbourhoods)
    with transaction.atomic():
        for number, plan in enumerate(plans, start=first_number):
            wave = wave_create(
                survey_version=version,
                name=plan.name,
                neighbourhoods=neighbourhoods,
                opens_on=plan.opens_on,
                closes_on=plan.closes_on,
                open_link=plan.open_link,
                synthetic=True,
            )
            for place in enumerate(neighbourhoods):
                _field(wave, plan, number, place, biases[place[1].pk], how)
    return DemoSurvey(wave=wave, codes=_unused(wave, codes_each))


def _unused(wave: Wave, codes_each: int, per_neighbourhood: int = 2) -> list[tuple[str, str]]:
    out = []
    for neighbourhood in wave.neighbourhoods.order_by("local_authority__name", "name"):
        free = (c for c in demo_codes(wave, neighbourhood, codes_each) if not _used(c))
        out += [(str(neighbourhood), c) for c in itertools.islice(free, per_neighbourhood)]
    return out


def demo_codes_for(
    user, *, wave: Wave, how_many: int = 3, codes_each: int = 40, skip: frozenset[str] = frozenset()
) -> list[DemoCode]:
    """A few unused codes of the open demo wave, one each in the first neighbourhoods ``user`` can see; none of
    ``skip`` (codes already handed to someone else)."""
    visible = Neighbourhood.objects.visible_to(user).filter(survey_waves=wave)
    out = []
    for neighbourhood in visible.select_related("local_authority").order_by("local_authority__name", "name"):
        free = next((c for c in demo_codes(wave, neighbourhood, codes_each) if c not in skip and not _used(c)), None)
        if free is not None:
            out.append(DemoCode(neighbourhood, free, survey_url_for_code(code=free)))
        if len(out) == how_many:
            break
    return out


def _used(code: str) -> bool:
    invitation = invitation_find(code=code)
    return invitation is None or invitation.used
