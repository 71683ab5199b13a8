"""The default questionnaire, read from surveys/data: what it builds, and what the loader refuses.

``data/default_questionnaire_built.json`` is every stored field of the survey, its version, its questions and their
options as the loader builds them. When the questionnaire changes on purpose, rewrite it with
``UPDATE_GOLDEN=1 pytest tests/surveys/test_default_questionnaire.py`` and read the diff before committing it.
"""

import json
import os
from decimal import Decimal
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
        if field.name == "bank_item":
            out["bank_item"] = obj.bank_item.key if obj.bank_item else None
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, Decimal):  # a number question's bound: JSON has no decimals
            value = int(value) if value == value.to_integral_value() else str(value)
        out[field.name] = value
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


def test_a_few_facts_of_the_built_questionnaire_hold_without_the_golden_file():
    dump = built_dump(default_questionnaire_load())
    questions = {q["key"]: q for q in dump["questions"]}
    assert len(questions) == 40
    assert [q["page"] for q in dump["questions"]] == sorted(q["page"] for q in dump["questions"])
    assert max(q["page"] for q in dump["questions"]) == 14
    assert [k for k, q in questions.items() if q["show_if_question"]] == ["move_reasons", "support_useful"]
    assert questions["support_useful"]["show_if_values"] == ["yes"]
    assert {k for k, q in questions.items() if q["reverse_scored"]} == {
        "litter_problem",
        "expect_move",
        "ons_anxious_yesterday",
    }
    assert [(o["code"], o["score"]) for o in questions["litter_problem"]["options"]] == [
        ("very_big", 0),
        ("fairly_big", 33),
        ("not_very_big", 67),
        ("not_a_problem", 100),
    ]
    assert [o["score"] for o in questions["pull_together"]["options"]] == [100, 67, 33, 0, None]
    assert questions["still_here_in_five_years"]["options"][0]["translations"] == {"cy": {"label": "Cytuno’n gryf"}}
    assert questions["ons_worthwhile"]["translations"]["cy"]["hint"].startswith("Mae 0 yn golygu")
    assert not questions["ons_worthwhile"]["scored"]
    assert questions["years_at_address"]["min_value"] == 0
    assert questions["years_at_address"]["max_value"] == 100
    assert questions["gse_10"]["source"] == "General Self-Efficacy Scale (Schwarzer and Jerusalem, 1995)"
    assert sum(len(q["options"]) for q in dump["questions"]) == 192
