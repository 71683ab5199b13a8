"""Whether a question scores exactly as the bank item it was made from (models only, so the builder can ask)."""

from __future__ import annotations

from surveys.models import BankItem, Question

# What decides an answer's score, and which answers are accepted: two questions agreeing on these score every
# answer alike.
SCORING_FIELDS = ("factor", "kind", "scored", "reverse_scored", "min_value", "max_value", "decimal_places")


def scoring_of_item(item: BankItem) -> dict:
    return {
        **{f: getattr(item, f) for f in SCORING_FIELDS},
        "options": [(o.code, o.score, o.exclusive) for o in item.options.order_by("position")],
    }


def scoring_of_question(question: Question) -> dict:
    return {
        **{f: getattr(question, f) for f in SCORING_FIELDS},
        "options": [(o.code, o.score, o.exclusive) for o in question.options.order_by("position")],
    }


def scoring_differences(question: Question) -> list[str]:
    """What in the question's scoring differs from its bank item's, in words; empty when it matches or has none."""
    if question.bank_item_id is None:
        return []
    ours, theirs = scoring_of_question(question), scoring_of_item(question.bank_item)
    out = [f"{f} is {ours[f]!r}, the bank's {theirs[f]!r}" for f in SCORING_FIELDS if ours[f] != theirs[f]]
    if ours["options"] != theirs["options"]:
        out.append(f"options (code, score, exclusive) are {ours['options']}, the bank's {theirs['options']}")
    return out
