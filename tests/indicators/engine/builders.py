"""Small, explicit builders for the engine's tests: surveys, waves, responses and official figures.

The survey side goes through the surveys' services: questionnaires by ``version_create``, waves by
``wave_create`` (as the system), and every response by ``response_submit`` as a paper questionnaire
typed in by staff, so each answer carries the option and score the services give it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.access.models import Role
from indicators.official.models import Import, Indicator, Observation, Period
from surveys.models import Channel, Question, Response, Survey, SurveyVersion, Wave
from surveys.services.questionnaire import version_create
from surveys.services.responses import response_submit
from surveys.services.waves import wave_create
from tests.factories import staff

_seq = itertools.count(1)

DONT_KNOW = "dont-know"
AGE_BANDS = ("16-34", "35-64", "65-plus")
SEXES = ("female", "male")
CLERK = "paper.clerk"


def _item(factor: str, i: int) -> dict:
    return {
        "key": f"{factor}-{i}",
        "factor": factor,
        "kind": "scale",
        "text": f"{factor} item {i}",
        "required": False,  # residents answer whichever items a test gives them
        "source": "test",
        # Points 0 to 100 score 0 to 100 (the lowest point scores 0, the highest 100), so a resident can
        # score any whole number on an item; "don't know" answers it without a score.
        "options": [{"code": str(p), "label": str(p), "points": p} for p in range(101)]
        + [{"code": DONT_KNOW, "label": "Don't know", "points": None}],
    }


def _demographic(key: str, codes: tuple[str, ...]) -> dict:
    """The submission copies the answer onto the response (age_band, sex), where weighting reads it."""
    return {
        "key": key,
        "factor": "about_you",
        "kind": "single",
        "text": key,
        "required": False,
        "scored": False,
        "demographic": key,
        "source": "test",
        "options": [{"code": c, "label": c} for c in codes],
    }


def survey(factors=("confidence",), per_factor: int = 2) -> tuple[SurveyVersion, dict[str, list[Question]]]:
    n = next(_seq)
    # No service makes a survey (the default questionnaire and the surveys' factories make it like this).
    own = Survey.objects.create(slug=f"s{n}", name=f"Survey {n}")
    specs = [_item(factor, i) for factor in factors for i in range(per_factor)]
    specs += [_demographic("age_band", AGE_BANDS), _demographic("sex", SEXES)]
    version = version_create(survey=own, questions=specs)
    questions: dict[str, list[Question]] = {factor: [] for factor in factors}
    for question in version.questions.exclude(factor="about_you").order_by("position"):
        questions[question.factor].append(question)
    return version, questions


def wave(version: SurveyVersion, neighbourhoods, *, opens: dt.date) -> Wave:
    return wave_create(
        survey_version=version,
        name=f"Wave {next(_seq)}",
        neighbourhoods=neighbourhoods,
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=60),
    )


def _clerk():
    """Paper questionnaires are typed in by staff (the database insists); an admin may do any neighbourhood."""
    return get_user_model().objects.filter(username=CLERK).first() or staff(Role.ADMIN, username=CLERK)


@contextmanager
def _during(w: Wave) -> Iterator[None]:
    """Paper questionnaires are typed in while a wave runs (or just after), and most waves here are past
    or to come: the clock stands at noon on the wave's first day, so the service stamps the response then."""
    noon = timezone.make_aware(dt.datetime.combine(w.opens_on, dt.time(12)))
    with mock.patch.object(timezone, "now", return_value=noon):
        yield


def _paper(w: Wave, neighbourhood, answers: dict[Question, int | None], *, clerk, age_band="", sex="") -> Response:
    raw = {q.key: DONT_KNOW if s is None else str(int(s)) for q, s in answers.items()}
    raw.update((key, code) for key, code in (("age_band", age_band), ("sex", sex)) if code)
    # response_submit as paper_response_create ends in it, without the clerk's permission and date
    # checks (two queries a response, which made the engine tests over twice as slow).
    return response_submit(raw=raw, channel=Channel.PAPER, wave=w, neighbourhood=neighbourhood, entered_by=clerk)


def respond(w: Wave, neighbourhood, answers: dict[Question, int | None], *, age_band="", sex="") -> Response:
    """One resident's questionnaire; an answer of None is "don't know" (answered, with no score)."""
    with _during(w):
        return _paper(w, neighbourhood, answers, clerk=_clerk(), age_band=age_band, sex=sex)


def residents(w: Wave, neighbourhood, questions: list[Question], scores: list[float], **demographics) -> None:
    """One resident per score, answering every question with it, so that their factor score is it."""
    clerk = _clerk()
    with _during(w):
        for score in scores:
            _paper(w, neighbourhood, dict.fromkeys(questions, int(score)), clerk=clerk, **demographics)


# --- official figures ----------------------------------------------------------


def month(year: int, m: int) -> Period:
    start = dt.date(year, m, 1)
    end, label = Period.describe(Period.Kind.MONTH, start)
    return Period.objects.get_or_create(kind=Period.Kind.MONTH, start=start, defaults={"end": end, "label": label})[0]


def year(y: int) -> Period:
    start = dt.date(y, 1, 1)
    end, label = Period.describe(Period.Kind.YEAR, start)
    return Period.objects.get_or_create(kind=Period.Kind.YEAR, start=start, defaults={"end": end, "label": label})[0]


def figures(indicator_slug: str, period: Period, values: dict) -> None:
    """values: {small_area: value}."""
    indicator = Indicator.objects.get(slug=indicator_slug)
    source = Import.objects.create(indicator=indicator, format="generated", source="test", file_name="test.csv")
    Observation.objects.bulk_create(
        Observation(indicator=indicator, period=period, small_area=area, value=Decimal(str(v)), source_import=source)
        for area, v in values.items()
    )
