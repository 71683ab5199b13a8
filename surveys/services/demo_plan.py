"""The demo's plan: when its synthetic waves run, what they are called, and how each place's residents lean.

Everything here is made up on purpose and reproducible: the same place gets the same story on every machine.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from surveys.models.questionnaire import REPORT_FACTORS

SYNTHETIC_NOTE = "(synthetic responses)"
# Councils often survey in spring and autumn; six weeks is a usual fieldwork window.
SEASON_STARTS = ((3, 1), (9, 1))
FIELDWORK_DAYS = 41
# The wave open today began a fortnight ago and runs about eight weeks, so its codes work on the day of the demo.
CURRENT_STARTED_DAYS_AGO = 14
CURRENT_LENGTH_DAYS = 55


@dataclass(frozen=True)
class WavePlan:
    opens_on: datetime.date
    closes_on: datetime.date
    open_link: bool
    current: bool

    @property
    def name(self) -> str:
        return f"{months_name(self.opens_on, self.closes_on)} {SYNTHETIC_NOTE}"


def months_name(opens_on: datetime.date, closes_on: datetime.date) -> str:
    """ "March–April 2026", or "December 2026–January 2027" when the wave runs over a year end."""
    first, last = f"{opens_on:%B}", f"{closes_on:%B}"
    if opens_on.year != closes_on.year:
        return f"{first} {opens_on.year}–{last} {closes_on.year}"
    if first == last:
        return f"{first} {opens_on.year}"
    return f"{first}–{last} {opens_on.year}"


def current_plan(today: datetime.date) -> WavePlan:
    opens_on = today - datetime.timedelta(days=CURRENT_STARTED_DAYS_AGO)
    return WavePlan(opens_on, opens_on + datetime.timedelta(days=CURRENT_LENGTH_DAYS), open_link=True, current=True)


def demo_schedule(today: datetime.date, earlier: int = 2) -> list[WavePlan]:
    """The last ``earlier`` spring or autumn waves that closed before the current one opened, then the current one."""
    current = current_plan(today)
    seasons = []
    for year in range(today.year - 2, today.year + 1):
        for month, day in SEASON_STARTS:
            opens_on = datetime.date(year, month, day)
            closes_on = opens_on + datetime.timedelta(days=FIELDWORK_DAYS)
            if closes_on < current.opens_on:
                seasons.append((opens_on, closes_on))
    past = seasons[-earlier:] if earlier else []
    # The older wave was paper only; from the next one residents could also answer through an open link.
    plans = [WavePlan(o, c, open_link=i > 0, current=False) for i, (o, c) in enumerate(past)]
    return [*plans, current]


def unit(*parts: object) -> float:
    """A stable number in [0, 1) for the given parts."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# How far a factor moves from one wave to the next, on the 0 to 1 lean: most hold, some rise or fall clearly.
STEPS = (-0.12, -0.06, 0.0, 0.0, 0.0, 0.06, 0.12)


def factor_leans(place: str, wave_number: int, bias: float = 0.0) -> dict[str, float]:
    """How a place's residents lean on each factor at a wave, 0 (worst) to 1 (best).

    Each place has a level of its own, one factor clearly weaker and one clearly stronger than the rest, and
    each factor its own direction of travel; ``bias`` tilts every direction (a pair's improving side)."""
    base = 0.42 + 0.2 * unit(place, "base")
    weak = REPORT_FACTORS[int(unit(place, "weak") * len(REPORT_FACTORS))]
    others = [f for f in REPORT_FACTORS if f != weak]
    strong = others[int(unit(place, "strong") * len(others))]
    leans = {}
    for factor in REPORT_FACTORS:
        offset = (unit(place, factor, "offset") - 0.5) * 0.12
        offset += -0.26 if factor == weak else 0.15 if factor == strong else 0.0
        step = STEPS[int(unit(place, factor, "step") * len(STEPS))] + bias
        leans[factor] = min(max(base + offset + step * wave_number, 0.15), 0.85)
    return leans


# Every seventh neighbourhood in a wave, a different one each wave, has too few answers to publish.
WITHHELD_EVERY = 7
# A door-to-door survey of a neighbourhood of a few thousand people usually brings in 40 to 90 answers: enough
# for most answers to most questions to be shown, while the rarer answers of a long scale are still withheld.
TYPICAL_RESPONSES = 40
SPREAD = 1.25  # a neighbourhood's count runs from the typical one to 2.25 times it (40 to 90)


def response_count(place: str, position: int, wave_number: int, *, typical: int, threshold: int) -> int:
    """How many residents answered: ``typical`` to 2.25 times it, but in one neighbourhood in ``WITHHELD_EVERY``
    (by ``position`` in the wave's list) too few to publish (below ``threshold``), and in another just over it,
    so that withheld figures and answers withheld question by question both show."""
    turn = (position + wave_number) % WITHHELD_EVERY
    if turn == 0:
        return max(threshold - 2 - int(unit(place, wave_number, "short") * 4), 3)
    if turn == 3:
        return threshold + 2 + int(unit(place, wave_number, "thin") * 6)
    return typical + int(unit(place, wave_number, "count") * typical * SPREAD)
