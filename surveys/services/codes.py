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


# --- Sealing: so that a reminder can print a code again ---------------------------------------------------------
# A code is kept, besides its hash, sealed with a second key (SURVEY_CODE_SEAL_KEY, else derived from SECRET_KEY for
# this purpose alone): each of its 12 characters is shifted along the alphabet by a keyed pad (HMAC-SHA256 of the
# code's hash), a one-time pad since no two codes share a hash. The database alone gives nothing away; unsealing
# checks the result against the stored hash, so a changed or foreign value is never printed as a code.


def _seal_key() -> bytes:
    configured = getattr(settings, "SURVEY_CODE_SEAL_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"rebalance.surveys.invitation-code-seal", hashlib.sha256).digest()


def _pad(hashed: str) -> list[int]:
    # 256 is a multiple of 32, so each byte mod 32 is uniform over the alphabet.
    return [b % len(ALPHABET) for b in hmac.new(_seal_key(), hashed.encode(), hashlib.sha256).digest()[:LENGTH]]


def code_seal(normalised: str, hashed: str) -> str:
    return "".join(
        ALPHABET[(ALPHABET.index(ch) + p) % len(ALPHABET)] for ch, p in zip(normalised, _pad(hashed), strict=True)
    )


def code_unseal(sealed: str, hashed: str) -> str | None:
    """The code in its printed form, or None when the sealed value does not open to the code with this hash."""
    if len(sealed) != LENGTH or any(ch not in ALPHABET for ch in sealed):
        return None
    raw = "".join(
        ALPHABET[(ALPHABET.index(ch) - p) % len(ALPHABET)] for ch, p in zip(sealed, _pad(hashed), strict=True)
    )
    return code_format(raw) if hmac.compare_digest(code_hash(raw), hashed) else None
