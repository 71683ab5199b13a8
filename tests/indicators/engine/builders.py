"""Small, explicit builders for the engine's tests: surveys, waves, responses and official figures."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from indicators.official.models import Import, Indicator, Observation, Period
from surveys.models import Answer, Question, Response, Survey, SurveyVersion, Wave

_seq = itertools.count(1)


def survey(factors=("confidence",), per_factor: int = 2) -> tuple[SurveyVersion, dict[str, list[Question]]]:
    n = next(_seq)
    version = SurveyVersion.objects.create(survey=Survey.objects.create(slug=f"s{n}", name=f"Survey {n}"), number=1)
    questions: dict[str, list[Question]] = {}
    position = itertools.count(1)
    for factor in factors:
        questions[factor] = [
            Question.objects.create(
                version=version,
                key=f"{factor}-{i}",
                position=(p := next(position)),
                page=p,
                factor=factor,
                kind="scale",
                text=f"{factor} item {i}",
                source="test",
            )
            for i in range(per_factor)
        ]
    return version, questions


def wave(version: SurveyVersion, neighbourhoods, *, opens: dt.date) -> Wave:
    n = next(_seq)
    w = Wave.objects.create(
        survey_version=version,
        name=f"Wave {n}",
        slug=f"wave-{n}",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=60),
    )
    w.neighbourhoods.set(neighbourhoods)
    return w


def respond(w: Wave, neighbourhood, answers: dict[Question, int | None], *, age_band="", sex="") -> Response:
    response = Response.objects.create(
        wave=w,
        neighbourhood=neighbourhood,
        channel="web",
        status="completed",
        completed_at=timezone.now(),
        age_band=age_band,
        sex=sex,
    )
    Answer.objects.bulk_create(Answer(response=response, question=q, score=s) for q, s in answers.items())
    return response


def residents(w: Wave, neighbourhood, questions: list[Question], scores: list[float], **demographics) -> None:
    """One resident per score, answering every question with it, so that their factor score is it."""
    for score in scores:
        respond(w, neighbourhood, dict.fromkeys(questions, int(score)), **demographics)


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
