"""Building questionnaires. A version with responses is frozen: changes make a new version."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from surveys.models import Factor, Option, Question, QuestionKind, Survey, SurveyVersion, number_shown
from surveys.models.numbers import MAX_DECIMAL_PLACES
from surveys.services.bank_scoring import scoring_differences


def number_bound(value) -> Decimal | None:
    """A number question's bound as given (int, float from JSON, Decimal or text) as an exact Decimal: 0.1, not
    the float nearest it, so that a question and its bank item compare equal."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"min_value": f"'{value}' is not a number."}) from None


def number_rules_check(*, kind: str, decimal_places: int, low: Decimal | None, high: Decimal | None) -> None:
    """A number question's (or bank item's) decimal places and bounds, refused in words before the database's
    checks would refuse them less clearly."""
    if decimal_places and kind != QuestionKind.NUMBER:
        raise ValidationError({"decimal_places": "Only a number question has decimal places."})
    if not 0 <= decimal_places <= MAX_DECIMAL_PLACES:
        raise ValidationError({"decimal_places": f"Choose from 0 to {MAX_DECIMAL_PLACES} decimal places."})
    for name, label, bound in (("min_value", "smallest", low), ("max_value", "largest", high)):
        if bound is not None and bound != round(bound, decimal_places):
            plural = "s" if decimal_places != 1 else ""
            allowed = f"up to {decimal_places} decimal place{plural}" if decimal_places else "whole numbers only"
            raise ValidationError(
                {
                    name: f"The {label} number accepted, {number_shown(bound)}, has more figures after the point "
                    f"than answers may have ({allowed})."
                }
            )
    if low is not None and high is not None and low > high:
        raise ValidationError({"min_value": "The smallest number accepted is above the largest."})


def version_assert_editable(*, version: SurveyVersion) -> None:
    if version.is_frozen:
        raise ValidationError(
            f"{version} already has responses, so its questions can no longer change. Make a new version."
        )


def _scores(points: list[float | None], *, reverse: bool) -> list[int | None]:
    """Scale points to 0 to 100: the lowest 0, the highest 100; reversed items the other way round."""
    known = [p for p in points if p is not None]
    if len(known) < 2:
        return [None if p is None else 100 for p in points]
    low, high = min(known), max(known)
    out: list[int | None] = []
    for p in points:
        if p is None:
            out.append(None)
            continue
        score = round((p - low) / (high - low) * 100)
        out.append(100 - score if reverse else score)
    return out


def _show_if(*, version: SurveyVersion, spec: dict[str, Any], position: int) -> tuple[Question | None, list[str]]:
    """Skip logic: the earlier question that decides whether this one is shown, and the codes that show it."""
    if not spec.get("show_if"):
        return None, []
    key, values = spec["show_if"]
    show_if_question = version.questions.filter(key=key, position__lt=position).first()
    if show_if_question is None:
        raise ValidationError({"show_if": f"Skip logic must point at an earlier question; '{key}' is not one."})
    known = set(show_if_question.options.values_list("code", flat=True))
    if not set(values) <= known:
        raise ValidationError({"show_if": f"'{key}' has no option(s) {sorted(set(values) - known)}."})
    return show_if_question, list(values)


def _option_specs(*, spec: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The spec's options, or the ones a 0 to 10 or yes/no question gets when it lists none."""
    options = spec.get("options", [])
    if kind == QuestionKind.SCALE_0_10 and not options:
        options = [{"code": str(n), "label": str(n), "points": n} for n in range(11)]
        for end, label in ((0, spec.get("low_label")), (10, spec.get("high_label"))):
            if label:
                options[end]["label"] = f"{end}: {label}"
    if kind == QuestionKind.YES_NO and not options:
        options = [{"code": "yes", "label": "Yes", "points": 1}, {"code": "no", "label": "No", "points": 0}]
    return options


def _options_create(*, question: Question, options: list[dict[str, Any]]) -> None:
    if question.has_options and len(options) < 2:
        raise ValidationError({"options": f"A {question.kind} question needs at least two options."})
    if not question.has_options and options:
        raise ValidationError({"options": f"A {question.kind} question has no options."})
    points = [o.get("points") for o in options]
    scores = _scores(points, reverse=question.reverse_scored) if question.scored else [None] * len(options)
    Option.objects.bulk_create(
        Option(
            question=question,
            code=o["code"],
            position=i,
            label=o["label"],
            score=scores[i - 1],
            exclusive=o.get("exclusive", False),
            translations=o.get("translations", {}),
        )
        for i, o in enumerate(options, start=1)
    )


@transaction.atomic
def question_create(*, version: SurveyVersion, spec: dict[str, Any], position: int | None = None) -> Question:
    """Add one question from a spec (see surveys/data/default_questionnaire.json for examples)."""
    version_assert_editable(version=version)
    kind = spec["kind"]
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": f"Unknown question kind '{kind}'."})
    if spec["factor"] not in Factor.values:
        raise ValidationError({"factor": f"Unknown factor '{spec['factor']}'."})
    if position is None:
        last = version.questions.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 1
    show_if_question, show_if_values = _show_if(version=version, spec=spec, position=position)
    question = Question(
        version=version,
        key=spec["key"],
        position=position,
        page=spec.get("page", position),
        factor=spec["factor"],
        kind=kind,
        text=spec["text"],
        hint=spec.get("hint", ""),
        required=spec.get("required", True),
        scored=spec.get("scored", kind not in (QuestionKind.MULTIPLE, QuestionKind.TEXT)),
        reverse_scored=spec.get("reverse_scored", False),
        min_value=number_bound(spec.get("min")),
        max_value=number_bound(spec.get("max")),
        decimal_places=spec.get("decimal_places", 0),
        max_length=spec.get("max_length", 500),
        show_if_question=show_if_question,
        show_if_values=show_if_values,
        demographic=spec.get("demographic", ""),
        source=spec.get("source", "Rebalance"),
        translations=spec.get("translations", {}),
        bank_item=spec.get("bank_item"),
    )
    number_rules_check(
        kind=kind, decimal_places=question.decimal_places, low=question.min_value, high=question.max_value
    )
    question.full_clean()
    question.save()
    _options_create(question=question, options=_option_specs(spec=spec, kind=kind))
    differences = scoring_differences(question)
    if differences:
        # Two councils asking one bank item must score it alike: a different scoring is a different item.
        raise ValidationError(
            {
                "bank_item": f"'{question.key}' is made from bank item '{question.bank_item.key}' but "
                f"scores differently: {'; '.join(differences)}."
            }
        )
    return question


@transaction.atomic
def version_create(*, survey: Survey, questions: Sequence[dict[str, Any]], notes: str = "") -> SurveyVersion:
    last = survey.versions.order_by("-number").values_list("number", flat=True).first()
    version = SurveyVersion.objects.create(survey=survey, number=(last or 0) + 1, notes=notes)
    for position, spec in enumerate(questions, start=1):
        question_create(version=version, spec=spec, position=position)
    return version


def version_spec(*, version: SurveyVersion) -> list[dict[str, Any]]:
    """A version as specs again, to copy into a new version."""
    specs = []
    for q in version.questions.select_related("show_if_question", "bank_item").prefetch_related("options"):
        spec: dict[str, Any] = {
            "key": q.key,
            "page": q.page,
            "factor": q.factor,
            "kind": q.kind,
            "text": q.text,
            "hint": q.hint,
            "required": q.required,
            "scored": q.scored,
            "reverse_scored": q.reverse_scored,
            "min": q.min_value,
            "max": q.max_value,
            "decimal_places": q.decimal_places,
            "max_length": q.max_length,
            "demographic": q.demographic,
            "source": q.source,
            "translations": q.translations,
            "bank_item": q.bank_item,
            "options": [],
        }
        if q.show_if_question:
            spec["show_if"] = (q.show_if_question.key, q.show_if_values)
        options = list(q.options.all())
        for o in options:
            # Stored scores already carry the reversal; copy them as points, unreversed.
            points = None if o.score is None else (100 - o.score if q.reverse_scored else o.score)
            spec["options"].append(
                {
                    "code": o.code,
                    "label": o.label,
                    "points": points if q.scored else o.position,
                    "exclusive": o.exclusive,
                    "translations": o.translations,
                }
            )
        specs.append(spec)
    return specs


@transaction.atomic
def version_copy(*, version: SurveyVersion, notes: str = "") -> SurveyVersion:
    """A new, editable version with the same questions: how a frozen questionnaire changes."""
    return version_create(survey=version.survey, questions=version_spec(version=version), notes=notes)


@transaction.atomic
def question_update(
    *, question: Question, text: str | None = None, hint: str | None = None, required: bool | None = None
) -> Question:
    version_assert_editable(version=question.version)
    if text is not None:
        question.text = text
    if hint is not None:
        question.hint = hint
    if required is not None:
        question.required = required
    question.full_clean()
    question.save()
    return question
