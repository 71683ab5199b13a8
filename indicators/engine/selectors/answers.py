"""Reads of the results per question: the engine's AnswerShare rows, never the answers themselves."""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.engine.models import AnswerShare
from indicators.places.models import Neighbourhood
from surveys.models import Option, Question, QuestionKind, Wave


@dataclass(frozen=True)
class OptionResult:
    code: str
    label: str
    count: int | None
    share: float | None
    change: float | None
    withheld: bool
    withheld_reason: str


@dataclass
class QuestionResult:
    key: str
    text: str
    kind: str
    factor: str
    answered: int | None
    previous_wave: Wave | None = None
    options: list[OptionResult] = field(default_factory=list)

    @property
    def withheld_whole(self) -> str:
        """The reason when every option is withheld for one reason (too few answered, or skip logic)."""
        reasons = {o.withheld_reason for o in self.options}
        return reasons.pop() if len(reasons) == 1 and all(o.withheld for o in self.options) else ""

    @property
    def multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE


def answer_waves(*, user, neighbourhood: Neighbourhood) -> list[Wave]:
    """The waves with results per question for a neighbourhood the user may see, oldest first."""
    shown = AnswerShare.objects.visible_to(user).filter(neighbourhood=neighbourhood).values("wave_id")
    return list(Wave.objects.filter(pk__in=shown).select_related("survey_version__survey").order_by("opens_on", "pk"))


def _grouped(rows) -> dict[int, list[QuestionResult]]:
    """AnswerShare rows (ordered by wave, question position, option position) as each wave's question results."""
    rows = list(rows)
    question_ids = {row.question_id for row in rows}
    labels = {
        (o.question_id, o.code): o.label
        for o in Option.objects.filter(question_id__in=question_ids).only("question_id", "code", "label")
    }
    waves: dict[int, dict[int, QuestionResult]] = {}
    for row in rows:
        q = row.question
        results = waves.setdefault(row.wave_id, {})
        result = results.get(q.pk)
        if result is None:
            result = results[q.pk] = QuestionResult(
                key=q.key, text=q.text, kind=q.kind, factor=q.factor, answered=row.answered
            )
        if row.previous_wave is not None:
            result.previous_wave = row.previous_wave
        result.options.append(
            OptionResult(
                code=row.option_code,
                label=labels.get((q.pk, row.option_code), row.option_code),
                count=row.count,
                share=row.share,
                change=row.change,
                withheld=row.withheld,
                withheld_reason=row.withheld_reason,
            )
        )
    return {wave_id: list(results.values()) for wave_id, results in waves.items()}


def _rows(user, neighbourhood: Neighbourhood):
    return (
        AnswerShare.objects.visible_to(user)
        .filter(neighbourhood=neighbourhood)
        .select_related("question", "previous_wave")
        .order_by("wave_id", "question__position", "option_position")
    )


def answer_results(*, user, neighbourhood: Neighbourhood, wave: Wave) -> list[QuestionResult]:
    """Each question of the wave, in the questionnaire's order, with its options' counts and shares as the engine
    decided them (withheld ones empty, with the reason)."""
    return _grouped(_rows(user, neighbourhood).filter(wave=wave)).get(wave.pk, [])


def answer_results_by_wave(*, user, neighbourhood: Neighbourhood) -> list[tuple[Wave, list[QuestionResult]]]:
    """Every wave's results per question, oldest wave first, in a fixed number of queries (for the downloads)."""
    waves = answer_waves(user=user, neighbourhood=neighbourhood)
    results = _grouped(_rows(user, neighbourhood))
    return [(w, results.get(w.pk, [])) for w in waves]


def free_text_questions(*, wave: Wave) -> list[Question]:
    """The wave's questions answered in residents' own words: named on the page, their answers never shown."""
    return list(Question.objects.filter(version_id=wave.survey_version_id, kind=QuestionKind.TEXT).order_by("position"))
