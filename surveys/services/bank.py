"""The question bank: loading the default items, a council's own items, and questions made from items.

Copy-on-use with a link: a question made from an item copies its wording, options and scores (the resident
pages, answers and the engine read only the question, as before) and keeps ``bank_item``; the builder refuses
a linked question whose scoring (factor, kind, scored, reverse scoring, range, option codes and scores)
differs from the item's (surveys.services.bank_scoring). An item's scoring never changes once a question uses
it, so every questionnaire that asks it scores it alike; a different scoring is a new item.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from surveys.models import BankItem, BankOption, BankSource, Question, QuestionKind, SurveyVersion
from surveys.services.bank_scoring import scoring_of_item, scoring_of_question
from surveys.services.questionnaire import _option_specs, _scores, number_bound, number_rules_check, question_create

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


def bank_item_spec(*, item: BankItem) -> dict[str, Any]:
    """The item as a question spec for surveys.services.questionnaire.question_create, linked to the item."""
    options = []
    for o in item.options.all():
        # Stored scores carry the reversal; the builder reverses points again, so give it them unreversed.
        points = None if o.score is None else (100 - o.score if item.reverse_scored else o.score)
        options.append(
            {
                "code": o.code,
                "label": o.label,
                "points": points if item.scored else o.position,
                "exclusive": o.exclusive,
                "translations": o.translations,
            }
        )
    return {
        "key": item.key,
        "factor": item.factor,
        "kind": item.kind,
        "text": item.text,
        "hint": item.hint,
        "scored": item.scored,
        "reverse_scored": item.reverse_scored,
        "min": item.min_value,
        "max": item.max_value,
        "decimal_places": item.decimal_places,
        "max_length": item.max_length,
        "demographic": item.demographic,
        "source": item.source,
        "translations": item.translations,
        "options": options,
        "bank_item": item,
    }


@transaction.atomic
def question_add_from_bank(
    *, version: SurveyVersion, item: BankItem, position: int | None = None, page: int | None = None, key: str = ""
) -> Question:
    """A question made from a bank item, at the end of the version unless a position is given."""
    spec = bank_item_spec(item=item)
    if key:
        spec["key"] = key
    if version.questions.filter(key=spec["key"]).exists():
        raise ValidationError({"key": f"This questionnaire already has a question '{spec['key']}'."})
    if page is not None:
        spec["page"] = page
    elif position is None:
        last = version.questions.order_by("-page").values_list("page", flat=True).first()
        spec["page"] = (last or 0) + 1
    return question_create(version=version, spec=spec, position=position)


SOURCE_KINDS = (
    # The first words of a source, and its kind: how the default questionnaire's sources are sorted.
    ("Community Life Survey", BankSource.COMMUNITY_LIFE),
    ("ONS personal wellbeing", BankSource.ONS4),
    ("General Self-Efficacy", BankSource.GSE),
    ("Understanding Society", BankSource.UNDERSTANDING_SOCIETY),
    ("Crime Survey", BankSource.CRIME_SURVEY),
    ("Census", BankSource.CENSUS),
)


def source_kind_of(source: str) -> str:
    for start, kind in SOURCE_KINDS:
        if source.startswith(start):
            return kind
    return BankSource.OWN


@transaction.atomic
def bank_item_create(*, spec: dict[str, Any], owner=None, created_by=None, source_kind: str = "") -> BankItem:
    """One item from a question spec (points, as surveys/data/default_questionnaire.json gives them)."""
    item = BankItem(
        key=spec["key"],
        owner=owner,
        source_kind=source_kind or source_kind_of(spec.get("source", "")),
        source=spec.get("source", "") or "Our own",
        factor=spec["factor"],
        kind=spec["kind"],
        text=spec["text"],
        hint=spec.get("hint", ""),
        scored=spec.get("scored", spec["kind"] not in ("multiple", "text")),
        reverse_scored=spec.get("reverse_scored", False),
        min_value=number_bound(spec.get("min")),
        max_value=number_bound(spec.get("max")),
        decimal_places=spec.get("decimal_places", 0),
        max_length=spec.get("max_length", 500),
        demographic=spec.get("demographic", ""),
        translations=spec.get("translations", {}),
        created_by=created_by,
    )
    number_rules_check(kind=item.kind, decimal_places=item.decimal_places, low=item.min_value, high=item.max_value)
    item.full_clean(validate_constraints=False)
    if BankItem.objects.filter(owner=owner, key=item.key).exists():
        raise ValidationError({"key": f"The bank already has an item '{item.key}' for this owner."})
    item.save()
    options = _option_specs(spec=spec, kind=item.kind)
    if item.kind in QuestionKind.with_options() and len(options) < 2:
        raise ValidationError({"options": f"A {item.kind} item needs at least two answers."})
    if item.kind not in QuestionKind.with_options() and options:
        raise ValidationError({"options": f"A {item.kind} item has no answers to choose from."})
    for o in options:
        if not CODE.match(o["code"]):
            raise ValidationError(
                {"options": f"The code '{o['code']}' should be letters, digits, - or _ (40 at most)."}
            )
    scores = _item_scores(item=item, options=options)
    BankOption.objects.bulk_create(
        BankOption(
            item=item,
            code=o["code"],
            position=i,
            label=o["label"],
            score=scores[i - 1],
            exclusive=o.get("exclusive", False),
            translations=o.get("translations", {}),
        )
        for i, o in enumerate(options, start=1)
    )
    return item


@transaction.atomic
def bank_load_default(*, specs: list[dict[str, Any]]) -> dict[str, BankItem]:
    """The default questionnaire's items (specs from its file) as shared bank items; safe to run again.

    An existing item keeps its scoring (it may be in use) and takes the file's wordings and translations, so
    that a corrected or newly translated wording reaches the bank. Questions of any version with the
    same key and the same scoring but no link yet are linked, so questionnaires loaded before the bank was
    join it.
    """
    items = {i.key: i for i in BankItem.objects.filter(owner__isnull=True, key__in=[s["key"] for s in specs])}
    for spec in specs:
        if spec["key"] not in items:
            items[spec["key"]] = bank_item_create(spec=spec)
        else:
            _wording_refresh(item=items[spec["key"]], spec=spec)
    bank_link_matching(items=items)
    return items


def _item_scores(*, item: BankItem, options: list[dict[str, Any]]) -> list[int | None]:
    """Final scores given as ``score`` (a staff member's own item) are kept as they are, once checked;
    ``points`` (the default questionnaire's file) are scaled to 0 to 100 as the builder does."""
    if not any("score" in o for o in options):
        points = [o.get("points") for o in options]
        return _scores(points, reverse=item.reverse_scored) if item.scored else [None] * len(options)
    scores = [o.get("score") for o in options]
    known = [s for s in scores if s is not None]
    if known and not item.scored:
        raise ValidationError({"options": f"A {item.kind} item is not scored, so its answers take no scores."})
    if known and (len(known) < 2 or min(known) != 0 or max(known) != 100):
        raise ValidationError(
            {"options": f"Scores run from 0 (the lowest answer) to 100 (the highest); these are {sorted(known)}."}
        )
    return scores


def _wording_refresh(*, item: BankItem, spec: dict[str, Any]) -> None:
    item.text, item.hint = spec["text"], spec.get("hint", "")
    item.translations = spec.get("translations", {})
    item.save(update_fields=["text", "hint", "translations"])
    by_code = {o["code"]: o for o in _option_specs(spec=spec, kind=item.kind)}
    for option in item.options.all():
        if option.code in by_code:
            option.label = by_code[option.code]["label"]
            option.translations = by_code[option.code].get("translations", {})
            option.save(update_fields=["label", "translations"])


def bank_link_matching(*, items: dict[str, BankItem]) -> int:
    """Link unlinked questions to the shared item of their key where they score exactly alike; how many."""
    linked = 0
    scoring = {key: scoring_of_item(item) for key, item in items.items()}
    unlinked = Question.objects.filter(bank_item__isnull=True, key__in=list(items)).prefetch_related("options")
    for question in unlinked:
        if scoring_of_question(question) == scoring[question.key]:
            Question.objects.filter(pk=question.pk).update(bank_item=items[question.key])
            linked += 1
    return linked
