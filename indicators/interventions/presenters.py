"""Interventions in words for pages, exports and charts: dates in words, the report's names for keys, and the
shaded periods a chart draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from django.utils import timezone

from indicators.core.report_vocabulary import FACTOR_LABELS, RECOMMENDATION_LABELS
from indicators.interventions import permissions, selectors
from indicators.interventions.models import Intervention, Status

STATUS_TAGS = {Status.PROPOSED: "neutral", Status.ACCEPTED: "good", Status.DECLINED: "none"}
STATUS_WORDS = {
    Status.PROPOSED: "Proposed: waiting for an officer",
    Status.ACCEPTED: "Recorded",
    Status.DECLINED: "Declined",
}


def in_words(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def period_words(intervention: Intervention, today: dt.date | None = None) -> str:
    """'from 1 April 2022 to 31 March 2023', 'from 1 April 2022, still running', 'starts on 1 May 2027'."""
    today = today or timezone.localdate()
    start, end = intervention.start_date, intervention.end_date
    if start > today:
        return f"starts on {in_words(start)}" + (f", ends on {in_words(end)}" if end else "")
    if end is None:
        return f"from {in_words(start)}, still running"
    if end < today:
        return f"from {in_words(start)} to {in_words(end)} (ended)"
    return f"from {in_words(start)} to {in_words(end)}"


def row(intervention: Intervention, *, user) -> dict:
    """Everything a page shows of one intervention, and what the user may do with it."""
    places = list(intervention.neighbourhoods.all())
    return {
        "pk": intervention.pk,
        "title": intervention.title,
        "description": intervention.description,
        "lead_organisation": intervention.lead_organisation,
        "status": intervention.status,
        "status_words": STATUS_WORDS[intervention.status],
        "status_tag": STATUS_TAGS[intervention.status],
        "start_date": intervention.start_date,
        "end_date": intervention.end_date,
        "period": period_words(intervention),
        "neighbourhoods": places,
        "factors": [FACTOR_LABELS[k] for k in intervention.factor_keys],
        "recommendations": [RECOMMENDATION_LABELS[k] for k in intervention.recommendation_keys],
        "created_by": intervention.created_by.get_username() if intervention.created_by else "",
        "created_at": intervention.created_at,
        "decided_by": intervention.decided_by.get_username() if intervention.decided_by else "",
        "decided_at": intervention.decided_at,
        "decision_note": intervention.decision_note,
        "may_change": permissions.may_change(user, intervention),
        "may_decide": permissions.may_decide(user, intervention),
    }


def addresses_words(intervention: Intervention) -> str:
    """What it addresses, in one line: the factors' names, then the recommendations'."""
    return "; ".join(
        [FACTOR_LABELS[k] for k in intervention.factor_keys]
        + [RECOMMENDATION_LABELS[k] for k in intervention.recommendation_keys]
    )


MARK_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O, which read as 1 and 0


def _position(day: dt.date, starts: Sequence[dt.date]) -> float:
    """Where a day falls on an axis of periods that begin on ``starts``: the index of its period plus the
    share of that period gone by (the last period is taken to be as long as the one before it)."""
    if day <= starts[0]:
        return 0.0
    for i in range(len(starts) - 1):
        if starts[i] <= day < starts[i + 1]:
            return i + (day - starts[i]).days / max(1, (starts[i + 1] - starts[i]).days)
    last = len(starts) - 1
    step = (starts[-1] - starts[-2]).days if len(starts) > 1 else 30
    return min(float(last), last + (day - starts[-1]).days / max(1, step))


def chart_marks(
    interventions: Iterable[Intervention], starts: Sequence[dt.date], letters: Mapping[int, str] | None = None
) -> list[dict]:
    """The shaded periods for a chart whose x positions are periods beginning on ``starts`` (in order): one per
    intervention that overlaps the chart, lettered A, B, C in order of start (or by ``letters``, so that a page's
    charts share them), with its key in words."""
    if not starts:
        return []
    marks = []
    for intervention in sorted(interventions, key=lambda i: (i.start_date, i.title, i.pk)):
        end = intervention.end_date
        if intervention.start_date > starts[-1] or (end is not None and end < starts[0]):
            continue  # wholly outside the chart
        letter = letters[intervention.pk] if letters else MARK_LETTERS[len(marks) % len(MARK_LETTERS)]
        before = intervention.start_date < starts[0]
        marks.append(
            {
                "pk": intervention.pk,
                "letter": letter,
                "start": _position(intervention.start_date, starts),
                "end": _position(end, starts) if end is not None else float(len(starts) - 1),
                "title": intervention.title,
                "words": f"{letter}: {intervention.title}, {period_words(intervention)}"
                + (" (it began before the chart does)" if before else ""),
            }
        )
    return marks


def with_marks(chart: dict, marks: list[dict]) -> dict:
    """The chart spec with the shaded periods added, and its summary saying what they are."""
    if not marks:
        return chart
    said = "; ".join(m["words"] for m in marks)
    summary = (chart.get("summary") or "").rstrip()
    return {**chart, "marks": marks, "summary": f"{summary} Shaded: {said}.".strip()}


def with_panel_marks(spec: dict, factor_marks: Mapping[str, list[dict]]) -> dict:
    """The small multiples' spec with each factor's shaded periods in its panel and the key of them all, said
    once above the panels (in words, so it needs no repeating in the summary)."""
    if not factor_marks:
        return spec
    panels = [{**p, "marks": factor_marks.get(p["key"], [])} for p in spec["panels"]]
    key = sorted({m["letter"]: m for ms in factor_marks.values() for m in ms}.values(), key=lambda m: m["start"])
    return {**spec, "panels": panels, "marks": key}


def neighbourhood_panel(*, user, neighbourhood, starts: Sequence[dt.date], wave_starts: Sequence[dt.date] = ()) -> dict:
    """The neighbourhood page's list of what was done there, the shaded periods for its chart of periods
    beginning on ``starts``, and for each factor's small chart (waves opening on ``wave_starts``) those of the
    interventions that address that factor: the same letters everywhere."""
    # One query for all: the recorded ones are listed and shaded, the proposals only counted.
    every = list(selectors.interventions_for_neighbourhood(user=user, neighbourhood=neighbourhood, accepted_only=False))
    shown = [i for i in every if i.status == Status.ACCEPTED]
    proposed = sum(1 for i in every if i.status == Status.PROPOSED)
    marks = chart_marks(shown, starts)
    letters = {m["pk"]: m["letter"] for m in marks}
    # Those not on the worklessness chart but on a wave's chart take the next letters, in order of start.
    for i in sorted(shown, key=lambda i: (i.start_date, i.title, i.pk)):
        if i.pk not in letters and chart_marks([i], wave_starts):
            letters[i.pk] = MARK_LETTERS[len(letters) % len(MARK_LETTERS)]
    factor_marks = {
        key: chart_marks([i for i in shown if key in i.factor_keys and i.pk in letters], wave_starts, letters)
        for key in FACTOR_LABELS
    }
    rows = [{**row(i, user=user), "letter": letters.get(i.pk, "")} for i in shown]
    return {
        "rows": rows,
        "marks": marks,
        "factor_marks": {k: v for k, v in factor_marks.items() if v},
        "proposed": proposed,
        "neighbourhood_pk": neighbourhood.pk,
        "may_add": permissions.may_add(user),
        "may_record": permissions.may_record(user),
    }
