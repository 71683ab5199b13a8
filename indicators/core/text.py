"""Text the database can store: no NUL character and no lone surrogate.

PostgreSQL refuses a NUL in text and JSON columns, and a lone surrogate (half of a UTF-16 pair, which JSON's
``\\ud800`` can produce) cannot be written as UTF-8 at all, so either would fail on the way into the database
or on the way out in a page. Every place that takes text from outside asks here first and refuses such text
with a message, before anything is stored or echoed.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# For residents: a browser shows a NUL or a broken character as �, so the message points to that.
UNSTORABLE_MESSAGE = _(
    "This has a hidden or broken character that cannot be saved (it may show as �); delete it and try again"
)


def is_storable(value: str) -> bool:
    return UNSTORABLE.search(value) is None


def all_storable(value: Any) -> bool:
    """Whether every string in a parsed JSON value (keys too, at any depth) is storable."""
    pending = [value]
    while pending:  # a loop, not recursion: the value may be as deep as the parser allows
        item = pending.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return False
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return True


def shown(value: str) -> str:
    """The text with each unstorable character written as its escape (``\\u0000``), safe to quote back."""
    return UNSTORABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def validate_storable(value: Any) -> None:
    """A form and serializer validator: refuses text the database cannot store."""
    if isinstance(value, str) and not is_storable(value):
        raise ValidationError(UNSTORABLE_MESSAGE, code="unstorable")
