"""Questions as the items the form templates show, for residents' pages and for staff typing in paper."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from surveys.models import Question


def question_items(
    questions: Iterable[Question],
    raw_by_key: Mapping[str, Sequence[str]],
    errors: Mapping[str, str],
    lang: str,
) -> list[dict[str, Any]]:
    """Each question in ``lang`` with its error and what was given (codes ticked, or a typed value)."""
    items = []
    for q in questions:
        selected = raw_by_key.get(q.key, [])
        items.append(
            {
                "q": q,
                "text": q.text_in(lang),
                "hint": q.hint_in(lang),
                "error": errors.get(q.key, ""),
                "value": selected[0] if selected and not q.has_options else "",
                "options": [
                    {"code": o.code, "label": o.label_in(lang), "checked": o.code in selected, "exclusive": o.exclusive}
                    for o in q.options.all()
                ],
            }
        )
    return items
