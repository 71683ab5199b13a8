"""The default questionnaire, read from surveys/data: what it builds, and what the loader refuses.

``data/default_questionnaire_built.json`` is every stored field of the survey, its version, its questions and their
options as the loader builds them. When the questionnaire changes on purpose, rewrite it with
``UPDATE_GOLDEN=1 pytest tests/surveys/test_default_questionnaire.py`` and read the diff before committing it.
"""

import json
import os
from pathlib import Path

import pytest

from surveys.models import Option, Question, Survey, SurveyVersion
from surveys.services.default_questionnaire import default_questionnaire_load

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "data" / "default_questionnaire_built.json"
SKIP = {"id", "created_at", "survey", "version", "question"}


def _fields(obj, model) -> dict:
    out = {}
    for field in model._meta.concrete_fields:
        if field.name in SKIP:
            continue
        if field.name == "show_if_question":
            out["show_if_question"] = obj.show_if_question.key if obj.show_if_question else None
            continue
        out[field.name] = getattr(obj, field.attname)
    return out


def built_dump(version: SurveyVersion) -> dict:
    """Every stored field, in the questionnaire's order, with keys in place of ids."""
    questions = version.questions.select_related("show_if_question").prefetch_related("options").order_by("position")
    return {
        "survey": _fields(version.survey, Survey),
        "version": _fields(version, SurveyVersion),
        "questions": [
            {**_fields(q, Question), "options": [_fields(o, Option) for o in q.options.order_by("position")]}
            for q in questions
        ],
    }


def test_the_loader_builds_exactly_the_questionnaire_pinned_in_the_golden_file():
    dump = built_dump(default_questionnaire_load())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(dump, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert dump == json.loads(GOLDEN.read_text(encoding="utf-8"))
