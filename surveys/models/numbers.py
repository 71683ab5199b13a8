"""Numbers answered to number questions: how many decimal places, how wide, and how they are shown."""

from __future__ import annotations

from decimal import Decimal

# Number questions: how many decimal places an answer may have (0: whole numbers), and the width of the columns
# that hold numbers (Question.min_value and max_value, Answer.number, BankItem's bounds).
MAX_DECIMAL_PLACES = 3
NUMBER_DIGITS = 15


def number_shown(value: Decimal | int | None) -> str:
    """A stored number as residents and staff read it: 2.5 and 7, never 2.500 or 7.000, nor 1E+2."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def number_value(value: Decimal | int | None) -> Decimal | int | None:
    """A stored number for a download: a whole number as an int, else the decimal without trailing zeros."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else value.normalize()


def number_rule(*, places: int, low, high) -> str:
    """What a number question or bank item accepts, in words for staff: "numbers with up to 2 decimal places from
    0.5 to 10", "whole numbers of 0 or more"."""
    what = f"numbers with up to {places} decimal place{'s' if places != 1 else ''}" if places else "whole numbers"
    low, high = number_shown(low), number_shown(high)
    if low and high:
        return f"{what} from {low} to {high}"
    if low:
        return f"{what} of {low} or more"
    if high:
        return f"{what} of {high} or less"
    return what
