"""Results per question as the page shows them and as the downloads write them (one long table)."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.engine.selectors.answers import QuestionResult
from indicators.monitoring.exports import Column, Table, number, text, withheld
from indicators.places.models import Neighbourhood
from surveys.models import Factor, Wave

FACTOR_NAMES = dict(Factor.choices)
# Said once for a question whose answers are each held back, for their own reasons, rather than on every row.
ALL_HELD_BACK = "Each answer comes from too few residents, or would reveal one that does"


@dataclass(frozen=True)
class OptionLine:
    label: str
    residents: str
    share: str
    width: float  # the bar, 0 to 100
    change: str
    change_words: str
    withheld: bool
    reason: str


def _change_words(change: float | None) -> str:
    if change is None:
        return ""
    rounded = round(change)
    if rounded == 0:
        return "no change"
    return f"{'up' if rounded > 0 else 'down'} {abs(rounded)} points"


def option_lines(result: QuestionResult) -> list[OptionLine]:
    lines = []
    for o in result.options:
        change = number(o.change, digits=0, signed=True, missing="") if o.change is not None else None
        lines.append(
            OptionLine(
                label=o.label,
                residents="" if o.withheld else f"{o.count:,}",
                share="" if o.withheld else f"{round(o.share):.0f}%",
                width=0.0 if o.withheld else round(o.share, 1),
                change=change.text if change else "",
                change_words=_change_words(o.change),
                withheld=o.withheld,
                reason=o.withheld_reason,
            )
        )
    return lines


def question_blocks(results: list[QuestionResult]) -> list[dict]:
    """Each question with its factor's name, what it reports and its options, for the page."""
    return [
        {
            "result": r,
            "factor": FACTOR_NAMES.get(r.factor, r.factor),
            "lines": option_lines(r),
            "whole": r.withheld_whole or (ALL_HELD_BACK if all(o.withheld for o in r.options) else ""),
            "has_change": any(o.change is not None for o in r.options),
        }
        for r in results
    ]


def answers_table(neighbourhood: Neighbourhood, waves: list[tuple[Wave, list[QuestionResult]]]) -> Table:
    """Every wave's results per question in one long table: a row per option."""
    rows = []
    for wave, results in waves:
        for r in results:
            for o in r.options:
                rows.append(
                    [
                        text(wave.name),
                        text(r.key),
                        text(r.text),
                        text("choose any" if r.multiple else "choose one"),
                        text(o.label),
                        number(r.answered, digits=0, missing="withheld"),
                        withheld(o.withheld_reason) if o.withheld else number(o.count, digits=0),
                        withheld(o.withheld_reason) if o.withheld else number(o.share, digits=1),
                        number(o.change, digits=1, signed=True, missing="not shown then (withheld, or not asked)")
                        if not o.withheld
                        else withheld(o.withheld_reason),
                        text(r.previous_wave.name if r.previous_wave else ""),
                    ]
                )
    return Table(
        key="answers",
        caption=f"How residents of {neighbourhood.display_name} answered each question, wave by wave",
        columns=[
            Column("Wave"),
            Column("Question key"),
            Column("Question"),
            Column("Answers"),
            Column("Answer"),
            Column("Residents who answered the question", numeric=True),
            Column("Residents who chose this answer", numeric=True),
            Column("Share of those who answered (%)", numeric=True),
            Column("Change since the previous wave (points)", numeric=True),
            Column("Previous wave"),
        ],
        rows=rows,
        source="Residents' survey responses, counted by Rebalance. Answers in residents' own words are not included.",
        empty="No results per question yet: no wave here has completed responses.",
    )
