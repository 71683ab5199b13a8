"""Results per question: how many residents chose each option, per neighbourhood and wave (set-based SQL),
then what may be shown (a pass over the counts), then the change since the same place's previous wave.

The disclosure rule is the factor scores' (REBALANCE_DISCLOSURE_MIN_RESPONSES, "T" below), applied so that no
withheld count can be worked out from the counts that are shown and the number who answered:

- a question answered by fewer than T residents is withheld whole;
- single answers (one option each) add up to the number who answered, so besides every count from 1 to T − 1
  (primary), the smallest shown counts are withheld too (secondary) until the withheld counts add up to at least
  T: their total, which subtraction gives away, is then never a small group, and no single withheld count is
  the difference of shown ones. If no such set exists, or only noughts would be left, the whole question is
  withheld;
- a multiple-choice option is withheld when those who chose it, or those who did not, number 1 to T − 1;
- a question shown only after an earlier answer (skip logic) is withheld whole, its number too, wherever one of
  those earlier answers is withheld: otherwise its number would give that count away;
- the factor's score in the place and wave (its mean, shown on the neighbourhood page) is a sum of its scored
  questions' counts: where it, the shown counts and the numbers who answered leave only one possibility for a
  withheld count, the rest of that question is withheld, then the factor's other scored questions, until none
  is left with one possibility (``services/answer_factors.py`` says exactly what can be worked out, and why).

Number and free-text questions have no rows: numbers are not options, and free text is for administrators only.
Everything here is safe to run twice: each run deletes and rewrites its scope inside one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from indicators.engine.models import AnswerShare
from indicators.engine.services.answer_factors import Unknowns, pinned
from indicators.engine.services.factors.sql import scope, tables, write_rows
from surveys.models import Option, Question, QuestionKind, Wave

SHOWN_KINDS = list(QuestionKind.with_options())
SHARE_COLUMNS = [
    "wave_id",
    "neighbourhood_id",
    "question_id",
    "option_code",
    "option_position",
    "answered",
    "count",
    "share",
    "withheld",
    "withheld_reason",
    "previous_wave_id",
    "change",
    "computed_at",
]


def _counts_sql(where: str) -> tuple[str, str]:
    """Two statements: residents per option of single-answer questions, and per chosen code of multiple-choice
    ones (the codes are a JSON list: PostgreSQL's and SQLite's own functions unpack it); and residents who
    answered each question."""
    t = tables()
    kinds = ", ".join(f"'{k}'" for k in SHOWN_KINDS)
    options = Option._meta.db_table
    if connection.vendor == "postgresql":
        unpack, element, length = "jsonb_array_elements_text(a.choices) AS c(code)", "c.code", "jsonb_array_length"
    else:
        unpack, element, length = "json_each(a.choices) AS c", "c.value", "json_array_length"
    base = f"""
        FROM {t["answer"]} a
        JOIN {t["response"]} r ON r.id = a.response_id
        JOIN {t["question"]} q ON q.id = a.question_id
        WHERE r.status = 'completed' AND q.kind IN ({kinds}) {where}
    """
    chosen = f"""
        SELECT r.wave_id, r.neighbourhood_id, a.question_id, o.code, COUNT(*)
        {base.replace("WHERE", f"JOIN {options} o ON o.id = a.option_id WHERE", 1)} AND q.kind <> 'multiple'
        GROUP BY r.wave_id, r.neighbourhood_id, a.question_id, o.code
        UNION ALL
        SELECT r.wave_id, r.neighbourhood_id, a.question_id, {element}, COUNT(*)
        {base.replace("WHERE", f"CROSS JOIN {unpack} WHERE", 1)} AND q.kind = 'multiple'
        GROUP BY r.wave_id, r.neighbourhood_id, a.question_id, {element}
    """
    answered = f"""
        SELECT r.wave_id, r.neighbourhood_id, a.question_id, COUNT(*)
        {base} AND (a.option_id IS NOT NULL OR (q.kind = 'multiple' AND {length}(a.choices) > 0))
        GROUP BY r.wave_id, r.neighbourhood_id, a.question_id
    """
    return chosen, answered


@dataclass
class _Question:
    """One question in one neighbourhood and wave: its options in order, their counts, what is withheld."""

    answered: int
    counts: dict[str, int]
    withheld: dict[str, str] = field(default_factory=dict)  # option code → reason
    whole: str = ""  # the reason the whole question is withheld, if it is


def _primary_and_secondary(group: _Question, *, multiple: bool, threshold: int) -> None:
    n = group.answered
    if n < threshold:
        group.whole = f"Fewer than {threshold} residents answered"
        return
    small = f"Fewer than {threshold} residents"
    if multiple:
        for code, count in group.counts.items():
            if 0 < count < threshold:
                group.withheld[code] = f"{small} chose it"
            elif 0 < n - count < threshold:
                group.withheld[code] = f"{small} did not choose it"
        return
    for code, count in group.counts.items():
        if 0 < count < threshold:
            group.withheld[code] = f"{small} chose it"
    if not group.withheld:
        return
    # Secondary: withhold the smallest shown counts until the withheld ones add up to at least the threshold.
    hidden = sum(group.counts[c] for c in group.withheld)
    shown = sorted((count, code) for code, count in group.counts.items() if code not in group.withheld and count)
    while hidden < threshold and shown:
        count, code = shown.pop(0)
        group.withheld[code] = "Held back with a smaller count, so that it cannot be worked out by subtraction"
        hidden += count
    if hidden < threshold:
        group.whole = "Every answer held back, so that a small group cannot be worked out by subtraction"
    elif all(code in group.withheld for code, count in group.counts.items() if count):
        # Only noughts would be left: they would say nothing but where the held-back residents are not.
        group.whole = f"No answer here was chosen by {threshold} or more residents"


FACTOR_REASON = "Held back so that it cannot be worked out from its factor's score and the other figures"


def _factor_check(groups: dict[tuple, _Question], questions: dict[int, Question], scores: dict[int, dict]) -> None:
    """Withhold more of a factor's scored questions in a place and wave wherever its score, with what is shown,
    leaves a withheld count only one possible value (see ``answer_factors``)."""
    per_factor: dict[tuple, list[tuple]] = defaultdict(list)
    for key in groups:
        question = questions[key[2]]
        if question.scored and question.factor != "about_you" and question.kind != QuestionKind.MULTIPLE:
            per_factor[(*key[:2], question.factor)].append(key)
    for keys in per_factor.values():
        keys.sort(key=lambda k: questions[k[2]].position)
        while True:
            unknowns, known_total = [], 0
            for key in keys:
                group, points = groups[key], scores[key[2]]
                hidden = list(points) if group.whole else [code for code in points if code in group.withheld]
                if not hidden:
                    continue
                total = sum(group.counts.get(code, 0) for code in hidden)
                known_total += sum(group.counts.get(code, 0) * (points[code] or 0) for code in hidden)
                unknowns.append(Unknowns(key, tuple(points[code] for code in hidden), total))
            stuck = pinned(unknowns, known_total) if unknowns else set()
            # The stuck question's own shown answers first, then the factor's other questions in order.
            target = next((k for k in keys if k in stuck and not groups[k].whole), None)
            if stuck and target is None:
                target = next((k for k in keys if not groups[k].whole), None)
            if target is None:
                break  # nothing stuck, or nothing left to withhold but the factor's own figure
            groups[target].whole = FACTOR_REASON


def _disclose(
    groups: dict[tuple, _Question], questions: dict[int, Question], scores: dict[int, dict], threshold: int
) -> None:
    """Decide what is withheld: each question's own counts, then beside its factor's score, then skip logic in
    the questionnaire's order (so that a question sees its parent's final state).

    ``scores``: each question's options in order, code to score (None for an answer without one)."""
    order = sorted(groups, key=lambda key: questions[key[2]].position)
    for key in order:
        multiple = questions[key[2]].kind == QuestionKind.MULTIPLE
        _primary_and_secondary(groups[key], multiple=multiple, threshold=threshold)
    _factor_check(groups, questions, scores)
    for key in order:
        question = questions[key[2]]
        group = groups[key]
        parent_id = question.show_if_question_id
        if group.whole or parent_id is None:
            continue
        parent = groups.get((*key[:2], parent_id))
        if parent is None or parent.whole or any(code in parent.withheld for code in question.show_if_values):
            group.whole = "Asked only after an earlier answer that is withheld here, so its number would reveal it"


def _previous(wave: Wave, neighbourhood_ids: set[int]) -> dict[tuple, tuple[int, float | None, bool]]:
    """For each neighbourhood, question key and option code: the latest earlier wave's share (same survey)."""
    earlier = Wave.objects.filter(survey_version__survey_id=wave.survey_version.survey_id, opens_on__lt=wave.opens_on)
    rows = (
        AnswerShare.objects.filter(wave__in=earlier, neighbourhood_id__in=neighbourhood_ids)
        .order_by("wave__opens_on", "wave_id")
        .values_list("neighbourhood_id", "question__key", "option_code", "wave_id", "share", "withheld")
    )
    latest_wave: dict[tuple, int] = {}
    out: dict[tuple, tuple[int, float | None, bool]] = {}
    for place, key, code, wave_id, share, withheld in rows:  # later waves overwrite earlier ones
        latest_wave[(place, key)] = wave_id
        out[(place, key, code)] = (wave_id, share, withheld)
    # Compare only with the question's latest earlier wave, not an option that last appeared in an older one.
    return {k: v for k, v in out.items() if latest_wave[k[:2]] == v[0]}


def _read_counts(where: str, params: list) -> tuple[dict[tuple, dict[str, int]], dict[tuple, int]]:
    chosen_sql, answered_sql = _counts_sql(where)
    counts: dict[tuple, dict[str, int]] = defaultdict(dict)
    answered: dict[tuple, int] = {}
    with connection.cursor() as cursor:
        cursor.execute(chosen_sql, params + params)
        for wave_id, place, question_id, code, n in cursor.fetchall():
            counts[(wave_id, place, question_id)][code] = n
        cursor.execute(answered_sql, params)
        for wave_id, place, question_id, n in cursor.fetchall():
            answered[(wave_id, place, question_id)] = n
    return counts, answered


@transaction.atomic
def answers_refresh(*, wave_id: int, neighbourhood_id: int | None = None) -> int:
    """Rewrite one wave's results per question (one neighbourhood's, or every one's), with each option's change
    since the same neighbourhood's previous wave. Run waves in date order: a change reads the wave before.
    Returns the number of rows written."""
    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    threshold = settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    where, params, orm = scope(wave_id, neighbourhood_id)
    counts, answered = _read_counts(where, params)
    question_ids = {key[2] for key in answered}
    questions = {
        q.pk: q for q in Question.objects.filter(pk__in=question_ids).prefetch_related("options").order_by("position")
    }
    groups = {key: _Question(answered=n, counts=dict(counts.get(key, {}))) for key, n in answered.items()}
    scores = {pk: {o.code: o.score for o in q.options.all()} for pk, q in questions.items()}
    _disclose(groups, questions, scores, threshold)
    previous = _previous(wave, {key[1] for key in groups})
    now = timezone.now()
    rows = []
    for (w, place, question_id), group in groups.items():
        question = questions[question_id]
        for option in question.options.all():
            count = group.counts.get(option.code, 0)
            reason = group.whole or group.withheld.get(option.code, "")
            share = None if reason else 100.0 * count / group.answered
            before = previous.get((place, question.key, option.code))
            change = None
            if share is not None and before is not None and not before[2]:
                change = share - before[1]
            rows.append(
                (
                    w,
                    place,
                    question_id,
                    option.code,
                    option.position,
                    None if group.whole.startswith("Asked only") else group.answered,
                    None if reason else count,
                    share,
                    bool(reason),
                    reason,
                    before[0] if before else None,
                    change,
                    now,
                )
            )
    AnswerShare.objects.filter(**orm).delete()
    write_rows(AnswerShare._meta.db_table, SHARE_COLUMNS, rows)
    return len(rows)


def answers_refresh_following(*, wave_id: int, neighbourhood_id: int) -> None:
    """After a neighbourhood's wave changed: its own results, and the next wave's changes measured from them."""
    answers_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood_id)
    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    following = (
        Wave.objects.filter(survey_version__survey_id=wave.survey_version.survey_id, opens_on__gt=wave.opens_on)
        .order_by("opens_on")
        .values_list("pk", flat=True)
        .first()
    )
    if following:
        answers_refresh(wave_id=following, neighbourhood_id=neighbourhood_id)
