"""Invitation codes: unguessable, easy to type from a letter, stored only as a keyed hash.

A code is 12 characters from a 32-character alphabet without look-alikes
(no 0/O, 1/I), drawn with ``secrets``: 60 bits. It is printed grouped as
``K7QM-4RTX-9HPC``, and accepted in any case, with or without dashes and spaces.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LENGTH = 12
GROUP = 4
BITS = 60  # LENGTH * log2(len(ALPHABET))


def code_generate() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return code_format(raw)


def code_format(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def code_normalise(typed: str) -> str | None:
    """The canonical form of what a resident typed, or None when it cannot be a code."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch not in " -\t\u2010\u2011\u2012\u2013\u2014")
    if len(cleaned) != LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def _key() -> bytes:
    configured = getattr(settings, "SURVEY_CODE_HASH_KEY", "")
    if configured:
        return configured.encode()
    # Derived from SECRET_KEY, separated from its other uses by a purpose string.
    return hmac.new(settings.SECRET_KEY.encode(), b"rebalance.surveys.invitation-code", hashlib.sha256).digest()


def code_hash(normalised: str) -> str:
    return hmac.new(_key(), normalised.encode(), hashlib.sha256).hexdigest()
