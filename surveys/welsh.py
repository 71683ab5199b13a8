"""Whether Welsh wording residents see is our own translation, not yet checked by a translator.

The default questionnaire's Welsh, the privacy notice's (locale/cy), the letters' (surveys/services/
letter_wording.py) and the accessibility statement's (templates/help/accessibility_cy.html, shown to anyone
who chose Welsh) are our own. Until a translator has checked them, residents reading them are told so, in
Welsh and in English. For the questionnaire the mark is in the data: ``welsh_checked`` in
surveys/data/default_questionnaire.json; a question shows the note while its Welsh is one of that file's
unchecked wordings (so a copy, a bank item or an export and import of it keeps the note, and a council's own
Welsh does not get it). For the privacy notice, the letters and the accessibility statement it is
``NOTICES_CHECKED`` here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "default_questionnaire.json"

# Set to True once a translator has checked the privacy notice's Welsh (locale/cy/LC_MESSAGES/django.po), the
# letters' (surveys/services/letter_wording.py) and the accessibility statement's
# (templates/help/accessibility_cy.html).
NOTICES_CHECKED = False

NOTE_CY = "Ein cyfieithiad ni yw’r Gymraeg yma. Nid yw cyfieithydd wedi’i gwirio eto."
NOTE_EN = "This Welsh is our own translation. A translator has not checked it yet."


def _welsh_texts(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "translations" and isinstance(value, dict):
                yield from (text for text in value.get("cy", {}).values() if isinstance(text, str))
            else:
                yield from _welsh_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _welsh_texts(item)


@lru_cache(maxsize=1)
def unchecked_wordings() -> frozenset[str]:
    """The default questionnaire's Welsh wordings, while the file says they are unchecked."""
    document = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if document.get("welsh_checked", False):
        return frozenset()
    return frozenset(_welsh_texts(document))


def items_unchecked(items: Iterable[dict]) -> bool:
    """Whether any question item a page shows (surveys.views.items) carries unchecked Welsh."""
    wordings = unchecked_wordings()
    for item in items:
        translations = (item["q"].translations or {}).get("cy", {})
        if any(text in wordings for text in translations.values()):
            return True
    return False
