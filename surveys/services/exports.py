"""Responses out, one row per completed response, as CSV or XLSX.

Scoped to the neighbourhoods the user looks after. Free-text answers are left
out unless the user is an admin and asks for them. An officer's "about you"
columns go through disclosure control (export_disclosure): within each
neighbourhood, a combination of them shared by fewer than
REBALANCE_DISCLOSURE_MIN_RESPONSES respondents is coarsened or left out, and
the file says what was done. Admins get them as given; the audit entry of
each download records which it was (WaveExport.audit_detail). Cells that a spreadsheet would run as a
formula are defused.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.core.exceptions import PermissionDenied

from indicators.access.permissions import may_export_free_text, may_export_full_demographics, may_export_responses
from indicators.core.spreadsheets import SafeCsvWriter, append_row
from indicators.places.models import Neighbourhood
from surveys.models import Factor, Question, QuestionKind, Response, ResponseStatus, Wave, number_value
from surveys.selectors import version_questions
from surveys.services.export_disclosure import QuasiIdentifier, coarsen, quasi_identifier

FIXED_COLUMNS = [
    "response",
    "wave",
    "neighbourhood",
    "local_authority",
    "channel",
    "completed_on",
    "language",
    "synthetic",
    "about_you_shown",
]
AS_GIVEN = "as given"


def export_columns(*, questions: list[Question], include_free_text: bool) -> list[Question]:
    return [q for q in questions if include_free_text or q.kind != QuestionKind.TEXT]


def is_quasi_identifier(question: Question) -> bool:
    """An "about you" answer, or one copied onto the response as a demographic: it describes the person."""
    return question.kind != QuestionKind.TEXT and (question.factor == Factor.ABOUT_YOU or bool(question.demographic))


@dataclass
class WaveExport:
    """One user's export of a wave. ``rows`` is read once; ``coarsened`` and ``count`` are complete after that."""

    header: list[str]
    rows: Iterator[list]
    full: bool  # the "about you" columns as given (admins)
    k: int
    quasi: list[str]
    coarsened: dict[str, dict[str, str]] = field(default_factory=dict)  # neighbourhood -> column -> what was done
    count: int = 0

    def audit_detail(self) -> dict:
        """What the audit entry of this download records beside who, when and which wave."""
        return {
            "rows": self.count,
            "about_you": "full" if self.full else "coarsened",
            "k": self.k,
            "coarsened": self.coarsened,
        }

    def notes(self) -> list[str]:
        """Plain words on the "about you" columns, for the About sheet."""
        if not self.quasi:
            return ['This questionnaire has no "about you" questions: nothing needed coarsening.']
        columns = ", ".join(self.quasi)
        if self.full:
            return [
                f'The "about you" columns ({columns}) are as residents gave them: this is an admin\'s full export.',
                "Together they can point at one household in a small neighbourhood: keep this file to those who need"
                " it.",
            ]
        lines = [
            f'The "about you" columns ({columns}) can together point at one household in a small neighbourhood.',
            f"So, within each neighbourhood, every combination of them in this file is shared by at least {self.k} "
            "respondents (the disclosure threshold, REBALANCE_DISCLOSURE_MIN_RESPONSES). Where it was not, the "
            "column with the rarest answer was put in wider bands, or left out, one step at a time, until it was; "
            f"a neighbourhood with fewer than {self.k} respondents has none of these columns. A blank cell is "
            "either a question not answered or a column left out.",
            "Ask an admin for the full export if your work needs it; admins' full exports are recorded.",
        ]
        if not self.coarsened:
            return [*lines, "Nothing needed coarsening in this file: every column is as given."]
        for name, changes in self.coarsened.items():
            lines.append(f"{name}: " + "; ".join(f"{key} {what}" for key, what in changes.items()))
        return lines


def _raw(answer, codes: dict[int, str]):
    """The raw answer disclosure control works on: an option code, a number, a tuple of codes, or None."""
    if answer is None:
        return None
    if answer.option_id:
        return codes.get(answer.option_id)
    if answer.choices:
        return tuple(answer.choices)
    if answer.number is not None:
        return number_value(answer.number)
    return answer.text or None


def wave_export(*, user, wave: Wave, include_free_text: bool = False) -> WaveExport:
    """The header, then one row per completed response in the user's neighbourhoods."""
    if not may_export_responses(user):
        raise PermissionDenied("Only officers and admins export responses.")
    if include_free_text and not may_export_free_text(user):
        raise PermissionDenied("Only admins can export free-text answers.")
    questions = export_columns(questions=version_questions(wave.survey_version_id), include_free_text=include_free_text)
    quasi = [q for q in questions if is_quasi_identifier(q)]
    export = WaveExport(
        header=FIXED_COLUMNS + [q.key for q in questions],
        rows=iter(()),
        full=may_export_full_demographics(user),
        k=settings.REBALANCE_DISCLOSURE_MIN_RESPONSES,
        quasi=[q.key for q in quasi],
    )
    export.rows = _rows(export, user=user, wave=wave, questions=questions, quasi=quasi)
    return export


def _rows(export: WaveExport, *, user, wave: Wave, questions: list[Question], quasi: list[Question]):
    labels = {o.pk: o.label for q in questions for o in q.options.all()}
    codes = {o.pk: o.code for q in quasi for o in q.options.all()}
    codes_to_labels = {q.pk: {o.code: o.label for o in q.options.all()} for q in questions}
    columns: list[QuasiIdentifier] = [
        quasi_identifier(
            key=q.key,
            kind=q.kind,
            demographic=q.demographic,
            options=[(o.code, o.label) for o in q.options.all()],
            decimal_places=q.decimal_places,
        )
        for q in quasi
    ]
    at = {q.pk: len(FIXED_COLUMNS) + i for i, q in enumerate(questions)}
    responses = (
        Response.objects.filter(
            wave=wave, status=ResponseStatus.COMPLETED, neighbourhood__in=Neighbourhood.objects.visible_to(user)
        )
        .select_related("neighbourhood__local_authority")
        .prefetch_related("answers")
        .order_by("neighbourhood__name", "neighbourhood_id", "pk")
    )
    for _pk, group in groupby(responses.iterator(chunk_size=500), key=lambda r: r.neighbourhood_id):
        rows, raws = [], []
        for response in group:
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
                "in full" if export.full else AS_GIVEN,
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
                    row.append(number_value(a.number))
                else:
                    row.append(a.text)
            rows.append(row)
            raws.append([_raw(answers.get(q.pk), codes) for q in quasi])
        if columns and not export.full:
            done = coarsen(columns=columns, raws=raws, k=export.k)
            changes = done.changes(columns)
            if changes:
                export.coarsened[rows[0][2]] = changes
                shown = "; ".join(f"{key} {what}" for key, what in changes.items())
                for row, cells in zip(rows, done.cells, strict=True):
                    row[FIXED_COLUMNS.index("about_you_shown")] = shown
                    for q, cell in zip(quasi, cells, strict=True):
                        row[at[q.pk]] = cell
        export.count += len(rows)
        yield from rows


def export_rows(*, user, wave: Wave, include_free_text: bool = False) -> Iterator[list]:
    """The header, then the rows, as one stream (see wave_export)."""
    export = wave_export(user=user, wave=wave, include_free_text=include_free_text)
    yield export.header
    yield from export.rows


def export_csv(*, user, wave: Wave, include_free_text: bool = False) -> tuple[bytes, WaveExport]:
    """The rows as CSV, and what went into them. The about_you_shown column says, on each row, what was done to
    its "about you" cells."""
    export = wave_export(user=user, wave=wave, include_free_text=include_free_text)
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(export.header)
    writer.writerows(export.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8"), export  # BOM so that Excel reads UTF-8


def export_xlsx(*, user, wave: Wave, include_free_text: bool = False) -> tuple[bytes, WaveExport]:
    """The rows, an About sheet saying what was coarsened and why, and the questions; and what went into them."""
    from openpyxl import Workbook

    export = wave_export(user=user, wave=wave, include_free_text=include_free_text)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    append_row(sheet, export.header)
    for row in export.rows:
        append_row(sheet, row)
    about = workbook.create_sheet("About", 0)
    append_row(about, [f"{wave.name}: responses, one row each"])
    for line in export.notes():
        append_row(about, [line])
    notes = workbook.create_sheet("Questions")
    append_row(notes, ["key", "factor", "kind", "scored", "reverse_scored", "text", "source"])
    for q in version_questions(wave.survey_version_id):
        if include_free_text or q.kind != QuestionKind.TEXT:
            append_row(notes, [q.key, q.factor, q.kind, q.scored, q.reverse_scored, q.text, q.source])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), export


def codes_csv(*, wave: Wave, rows: list[tuple[str, str, str]]) -> bytes:
    """Mail-merge file for freshly made codes: (neighbourhood, code, url)."""
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["wave", "neighbourhood", "code", "survey_url", "closes_on"])
    for neighbourhood, code, url in rows:
        writer.writerow([wave.name, neighbourhood, code, url, wave.closes_on.isoformat()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
