"""Responses out, one row per completed response, as CSV or XLSX.

Scoped to the neighbourhoods the user looks after. Free-text answers are left
out unless the user is an admin and asks for them. Cells that a spreadsheet
would run as a formula are defused.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.core.exceptions import PermissionDenied

from indicators.access.permissions import may_export_free_text, may_export_responses
from indicators.core.spreadsheets import SafeCsvWriter, append_row
from indicators.places.models import Neighbourhood
from surveys.models import Question, QuestionKind, Response, ResponseStatus, Wave
from surveys.selectors import version_questions

FIXED_COLUMNS = [
    "response",
    "wave",
    "neighbourhood",
    "local_authority",
    "channel",
    "completed_on",
    "language",
    "synthetic",
]


def export_columns(*, questions: list[Question], include_free_text: bool) -> list[Question]:
    return [q for q in questions if include_free_text or q.kind != QuestionKind.TEXT]


def export_rows(*, user, wave: Wave, include_free_text: bool = False) -> Iterator[list]:
    """The header, then one row per completed response in the user's neighbourhoods."""
    if not may_export_responses(user):
        raise PermissionDenied("Only officers and admins export responses.")
    if include_free_text and not may_export_free_text(user):
        raise PermissionDenied("Only admins can export free-text answers.")
    questions = export_columns(questions=version_questions(wave.survey_version_id), include_free_text=include_free_text)
    yield FIXED_COLUMNS + [q.key for q in questions]
    labels = {o.pk: o.label for q in questions for o in q.options.all()}
    codes_to_labels = {q.pk: {o.code: o.label for o in q.options.all()} for q in questions}
    responses = (
        Response.objects.filter(
            wave=wave, status=ResponseStatus.COMPLETED, neighbourhood__in=Neighbourhood.objects.visible_to(user)
        )
        .select_related("neighbourhood__local_authority")
        .prefetch_related("answers")
        .order_by("neighbourhood__name", "pk")
    )
    for response in responses.iterator(chunk_size=500):
        answers = {a.question_id: a for a in response.answers.all()}
        row = [
            response.pk,
            wave.name,
            response.neighbourhood.name,
            response.neighbourhood.local_authority.code,
            response.channel,
            response.completed_at.date().isoformat() if response.completed_at else "",
            response.language,
            "yes" if response.synthetic else "no",
        ]
        for q in questions:
            a = answers.get(q.pk)
            if a is None:
                row.append("")
            elif a.option_id:
                row.append(labels.get(a.option_id, ""))
            elif a.choices:
                row.append("; ".join(codes_to_labels[q.pk].get(c, c) for c in a.choices))
            elif a.number is not None:
                row.append(a.number)
            else:
                row.append(a.text)
        yield row


def export_csv(*, user, wave: Wave, include_free_text: bool = False) -> bytes:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    for row in export_rows(user=user, wave=wave, include_free_text=include_free_text):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM so that Excel reads UTF-8


def export_xlsx(*, user, wave: Wave, include_free_text: bool = False) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    for row in export_rows(user=user, wave=wave, include_free_text=include_free_text):
        append_row(sheet, row)
    notes = workbook.create_sheet("Questions")
    append_row(notes, ["key", "factor", "kind", "scored", "reverse_scored", "text", "source"])
    for q in version_questions(wave.survey_version_id):
        if include_free_text or q.kind != QuestionKind.TEXT:
            append_row(notes, [q.key, q.factor, q.kind, q.scored, q.reverse_scored, q.text, q.source])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def codes_csv(*, wave: Wave, rows: list[tuple[str, str, str]]) -> bytes:
    """Mail-merge file for freshly made codes: (neighbourhood, code, url)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["wave", "neighbourhood", "code", "survey_url", "closes_on"])
    for neighbourhood, code, url in rows:
        writer.writerow([wave.name, neighbourhood, code, url, wave.closes_on.isoformat()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
