"""Survey factories: a small questionnaire with every question kind and skip logic, waves and codes."""

from __future__ import annotations

import datetime

from django.utils import timezone

from surveys.models import Survey
from surveys.services.questionnaire import version_create
from surveys.services.responses import response_submit
from surveys.services.waves import invitations_create, wave_create
from tests.factories import NeighbourhoodFactory

SMALL_QUESTIONNAIRE = [
    {
        "key": "satisfied",
        "page": 1,
        "factor": "housing_environment",
        "kind": "scale",
        "text": "How satisfied are you with your area?",
        "options": [
            {"code": "very", "label": "Very satisfied", "points": 3},
            {"code": "fairly", "label": "Fairly satisfied", "points": 2},
            {"code": "not", "label": "Not satisfied", "points": 1},
        ],
        "translations": {"cy": {"text": "Pa mor fodlon ydych chi â’ch ardal?"}},
    },
    {
        "key": "move",
        "page": 1,
        "factor": "retention",
        "kind": "yes_no",
        "text": "Do you expect to move?",
        "reverse_scored": True,
    },
    {
        "key": "why_move",
        "page": 2,
        "factor": "retention",
        "kind": "multiple",
        "text": "Why?",
        "show_if": ("move", ["yes"]),
        "options": [
            {"code": "work", "label": "Work", "points": None},
            {"code": "home", "label": "A bigger home", "points": None},
            {"code": "none", "label": "No reason", "points": None, "exclusive": True},
        ],
    },
    {
        "key": "life",
        "page": 3,
        "factor": "confidence",
        "kind": "scale_0_10",
        "text": "How satisfied are you with your life?",
    },
    {
        "key": "plans",
        "page": 3,
        "factor": "aspiration",
        "kind": "single",
        "text": "What do you hope to do?",
        "options": [
            {"code": "work", "label": "Work", "points": 1},
            {"code": "study", "label": "Study", "points": 1},
        ],
        "scored": False,
    },
    {
        "key": "years",
        "page": 4,
        "factor": "about_you",
        "kind": "number",
        "text": "Years at this address?",
        "min": 0,
        "max": 100,
        "required": False,
    },
    {
        "key": "hopes",
        "page": 4,
        "factor": "aspiration",
        "kind": "text",
        "text": "In your own words",
        "required": False,
        "max_length": 50,
    },
    {
        "key": "age",
        "page": 4,
        "factor": "about_you",
        "kind": "single",
        "text": "Age?",
        "demographic": "age_band",
        "options": [
            {"code": "16_34", "label": "16 to 34", "points": None},
            {"code": "35_plus", "label": "35 or over", "points": None},
        ],
        "scored": False,
    },
]

# Complete answers to SMALL_QUESTIONNAIRE, as the API takes them.
GOOD_ANSWERS = {"satisfied": "very", "move": "no", "life": "7", "plans": "study", "age": "35_plus", "years": 4}


def version_factory(questions=None, slug: str = "test-survey"):
    survey, _ = Survey.objects.get_or_create(slug=slug, defaults={"name": "Test survey"})
    return version_create(survey=survey, questions=questions or SMALL_QUESTIONNAIRE)


def wave_factory(
    *, version=None, neighbourhoods=None, open_link=False, opens_in_days=-1, closes_in_days=10, name="Spring wave"
):
    today = timezone.localdate()
    return wave_create(
        survey_version=version or version_factory(),
        name=name,
        neighbourhoods=neighbourhoods or [NeighbourhoodFactory()],
        opens_on=today + datetime.timedelta(days=opens_in_days),
        closes_on=today + datetime.timedelta(days=closes_in_days),
        open_link=open_link,
    )


def codes_for(wave, count: int = 1, neighbourhood=None) -> list[str]:
    neighbourhood = neighbourhood or wave.neighbourhoods.first()
    return [code for _inv, code in invitations_create(wave=wave, neighbourhood=neighbourhood, count=count)]


def submit_in_another_wave(version):
    """A response to ``version`` in a wave of its own: on PostgreSQL the next code is tried against it first."""
    other = wave_factory(version=version, name="Another wave")
    return response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(other)[0])
