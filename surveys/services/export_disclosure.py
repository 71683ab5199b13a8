"""Disclosure control for per-respondent exports: no combination of "about you" answers singles anyone out.

Age band, sex, employment, tenure and years at address (every "about you" question, and any question that is
copied onto the response as a demographic) are quasi-identifiers: together, in a neighbourhood of a few dozen
respondents, they can point at one household. Within each neighbourhood, every combination of them that goes out
in an officer's export is shared by at least k respondents (k = REBALANCE_DISCLOSURE_MIN_RESPONSES).

The rule, one step at a time, the same answer for the same rows every time:
1. A neighbourhood with fewer than k respondents gets every such column left out.
2. Otherwise, while some respondent's combination is shared by fewer than k, the column with the rarest answer
   in that neighbourhood (the value that the fewest respondents share) is coarsened by one step: age bands and
   numbers go to wider bands first, and any column's last step is to leave it out. On a tie, the column with
   more different answers goes first, then the one further right.
A blank cell is one shared value, whether the resident skipped the question or the column was left out.
Coarsening never changes what a cell says, only how precisely: "16 to 24" becomes "16 to 34", never "35 to 54".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

LEFT_OUT = "left out"
# Age bands are widened to these (the lower ages at which a wider band starts): 16 to 34, 35 to 54, 55 or over.
AGE_CUTS = (35, 55)
# Numbers (years at the address) are put in these bands: under 5, 5 to 9, 10 to 19, 20 or more.
NUMBER_CUTS = (5, 10, 20)
AGE_CODE = re.compile(r"^(\d+)_(\d+|plus)$")


@dataclass(frozen=True)
class Step:
    name: str  # plain words for the notes: "as given", "in wider bands", "left out"
    show: Callable[[Any], Any]  # raw answer (an option code, a number, or None) -> the cell


@dataclass(frozen=True)
class QuasiIdentifier:
    key: str
    steps: tuple[Step, ...]


def _blank(_raw: Any) -> str:
    return ""


def _as_given(labels: dict[str, str]) -> Callable[[Any], Any]:
    def show(raw: Any) -> Any:
        if raw is None:
            return ""
        if isinstance(raw, tuple):  # a multiple choice: its labels, in order
            return "; ".join(labels.get(code, code) for code in raw)
        return labels.get(raw, raw) if isinstance(raw, str) else raw

    return show


def _band_label(low: int, high: int | None) -> str:
    return f"{low} or over" if high is None else f"{low} to {high}"


def _wider_age_bands(options: Sequence[tuple[str, str]]) -> Callable[[Any], Any] | None:
    """Codes such as ``16_24`` and ``75_plus`` grouped at AGE_CUTS; None when the codes are not age bands."""
    bands: dict[str, tuple[int, int | None]] = {}
    for code, _label in options:
        match = AGE_CODE.match(code)
        if match:
            bands[code] = (int(match[1]), None if match[2] == "plus" else int(match[2]))
    if len(bands) < 2:
        return None

    def group(low: int) -> int:
        return sum(low >= cut for cut in AGE_CUTS)

    members: dict[int, list[tuple[int, int | None]]] = {}
    for low, high in bands.values():
        members.setdefault(group(low), []).append((low, high))
    wide = {}
    for g, spans in members.items():
        highs = [h for _, h in spans]
        wide[g] = _band_label(min(low for low, _ in spans), None if None in highs else max(highs))
    labels = dict(options)

    def show(raw: Any) -> Any:
        if raw in bands:
            return wide[group(bands[raw][0])]
        return "" if raw is None else labels.get(raw, raw)  # "Prefer not to say" stays as it is

    return show


def _number_bands(raw: Any, *, whole: bool = True) -> str:
    if raw is None or raw == "":
        return ""
    value = float(raw)
    lows = [0, *NUMBER_CUTS]
    for low, high in zip(lows, [*NUMBER_CUTS, None], strict=True):
        if high is None:
            return f"{low} or more"
        if value < high:
            if low == 0:
                return f"under {high}"
            # "5 to 9" holds every whole number below 10, but 9.5 is not "5 to 9".
            return f"{low} to {high - 1}" if whole else f"{low} to under {high}"
    raise AssertionError("unreachable")


def _decimal_bands(raw: Any) -> str:
    return _number_bands(raw, whole=False)


def quasi_identifier(
    *, key: str, kind: str, demographic: str, options: Sequence[tuple[str, str]], decimal_places: int = 0
) -> QuasiIdentifier:
    """The steps a column goes through, from as given to left out."""
    steps = [Step("as given", _as_given(dict(options)))]
    if demographic == "age_band" and (wider := _wider_age_bands(options)):
        steps.append(Step("in wider bands (" + ", ".join(_wide_names(options, wider)) + ")", wider))
    elif kind == "number" and decimal_places:
        steps.append(Step("in bands (under 5, 5 to under 10, 10 to under 20, 20 or more)", _decimal_bands))
    elif kind == "number":
        steps.append(Step("in bands (under 5, 5 to 9, 10 to 19, 20 or more)", _number_bands))
    steps.append(Step(LEFT_OUT, _blank))
    return QuasiIdentifier(key=key, steps=tuple(steps))


def _wide_names(options: Sequence[tuple[str, str]], wider: Callable[[Any], Any]) -> list[str]:
    return list(dict.fromkeys(wider(code) for code, _ in options if AGE_CODE.match(code)))


@dataclass
class Coarsened:
    """One neighbourhood's outcome: the cells to write, and each column's step (0 is as given)."""

    cells: list[list[Any]]
    levels: dict[str, int]

    def changes(self, columns: Sequence[QuasiIdentifier]) -> dict[str, str]:
        """Column key -> what was done to it, for the columns that did not go out as given."""
        return {c.key: c.steps[self.levels[c.key]].name for c in columns if self.levels[c.key]}


def _cells(columns: Sequence[QuasiIdentifier], levels: dict[str, int], raws: Sequence[Sequence[Any]]):
    return [[c.steps[levels[c.key]].show(raw) for c, raw in zip(columns, row, strict=True)] for row in raws]


def coarsen(*, columns: Sequence[QuasiIdentifier], raws: Sequence[Sequence[Any]], k: int) -> Coarsened:
    """Coarsen one neighbourhood's quasi-identifiers until every combination is shared by at least ``k`` rows.

    ``raws`` holds each respondent's raw answers in the order of ``columns`` (None where not answered).
    """
    levels = {c.key: 0 for c in columns}
    if len(raws) < k:
        levels = {c.key: len(c.steps) - 1 for c in columns}
        return Coarsened(cells=_cells(columns, levels, raws), levels=levels)
    while True:
        cells = _cells(columns, levels, raws)
        counts = Counter(tuple(_key(v) for v in row) for row in cells)
        if min(counts.values(), default=k) >= k:
            return Coarsened(cells=cells, levels=levels)
        # The column with the rarest answer goes first; on a tie, the one with more different answers, then the
        # one further right. A column showing one value for everybody cannot help and is left as it is.
        candidates = []
        for i, c in enumerate(columns):
            values = Counter(_key(row[i]) for row in cells)
            if levels[c.key] < len(c.steps) - 1 and len(values) > 1:
                candidates.append(((min(values.values()), -len(values), -i), c.key))
        if not candidates:  # every row alike already: n >= k respondents share the one combination
            return Coarsened(cells=cells, levels=levels)
        _, key = min(candidates)
        levels[key] += 1


def _key(value: Any) -> Any:
    # 4 and 4.0 are one value; a blank is one value.
    return "" if value is None else value
