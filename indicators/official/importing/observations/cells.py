"""One cell at a time: a value (a number, or a marker standing in for one) and the status of an observation."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.observations.layout import Layout
from indicators.official.models import ObservationStatus

AREA_CODE = re.compile(r"^[EWSNK]\d{8}$")
NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$")
GROUPED_NUMBER = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
MAX_INTEGER_DIGITS = 12

# APS and Nomis query-tool markers, in the value cell or the status cell.
MARKERS = {
    "!": ObservationStatus.NO_ESTIMATE,
    "*": ObservationStatus.UNRELIABLE,
    "~": ObservationStatus.BELOW_500,
    "-": ObservationStatus.MISSING,
    "..": ObservationStatus.MISSING,
    ":": ObservationStatus.MISSING,
}

# Nomis OBS_STATUS codes.
STATUS_CODES = {
    "A": ObservationStatus.NORMAL,
    "B": ObservationStatus.BREAK,
    "E": ObservationStatus.ESTIMATED,
    "F": ObservationStatus.ESTIMATED,
    "I": ObservationStatus.ESTIMATED,
    "M": ObservationStatus.MISSING,
    "N": ObservationStatus.UNRELIABLE,
    "P": ObservationStatus.PROVISIONAL,
    "Q": ObservationStatus.MISSING,
    "S": ObservationStatus.MISSING,
    "U": ObservationStatus.UNRELIABLE,
    "X": ObservationStatus.MISSING,
    "R": ObservationStatus.ROUNDED,
}
# OBS_STATUS_NAME, as Nomis words them (compared case-insensitively), back to the code.
STATUS_NAMES = {
    "normal value": "A",
    "normal": "A",
    "break in series": "B",
    "estimated value": "E",
    "forecast value": "F",
    "imputed value": "I",
    "missing value; suppressed": "M",
    "not significant": "N",
    "provisional value": "P",
    "missing value; data cannot exist": "Q",
    "missing value": "Q",
    "missing": "Q",
    "strike": "S",
    "low reliability": "U",
    "missing value; data exists but was not collected": "X",
    "rounded": "R",
}


def unusual_value(raw: str, line: int, column: str) -> tuple[str, str]:
    """(value, marker) for a value cell that is not a plain short number: a marker, or a number to tidy."""
    if raw in MARKERS:
        return "", raw
    return checked_value(raw, line, column), ""


def checked_value(raw: str, line: int, column: str) -> str:
    """A decimal string, checked, at most four decimal places."""
    if not NUMBER.match(raw):
        if GROUPED_NUMBER.match(raw):  # Excel's "1,234"
            raw = raw.replace(",", "")
        else:
            raise ImportFileError(f"'{raw}' is not a number", line, column)
    if raw[0] == "+":
        raw = raw[1:]
    whole, _, fraction = raw.lstrip("-").partition(".")
    if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS:
        raise ImportFileError(f"'{raw}' is too large", line, column)
    if len(fraction) > 4:
        raw = str(Decimal(raw).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))
    return raw


def cell_status(code: str, name: str, marker: str, has_value: bool, layout: Layout, line: int) -> tuple[str, str]:
    """(status, status code kept from the file); a status that says "normal value" needs a value."""
    status = _status(code, name, marker, has_value, layout, line)
    if status[0] == ObservationStatus.NORMAL and not has_value:
        raise ImportFileError(
            "the value is empty but its status says it is a normal value", line, layout.header[layout.value]
        )
    return status


def _status(code: str, name: str, marker: str, has_value: bool, layout: Layout, line: int) -> tuple[str, str]:
    if marker:
        return MARKERS[marker], marker
    if code:
        if code in MARKERS:
            return MARKERS[code], code
        status = STATUS_CODES.get(code.upper())
        if status is None:
            raise ImportFileError(f"'{code}' is not a status code we know", line, layout.name(layout.status_code))
        return status, code.upper()
    if name:
        if name in MARKERS:
            return MARKERS[name], name
        folded = " ".join(name.split()).casefold()
        found = STATUS_NAMES.get(folded)
        if found is None:
            raise ImportFileError(f"'{name}' is not a status we know", line, layout.name(layout.status_name))
        return STATUS_CODES[found], found
    return (ObservationStatus.NORMAL, "") if has_value else (ObservationStatus.MISSING, "")
