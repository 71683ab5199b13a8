"""Writing a completed response: the response a whole submission makes, and on PostgreSQL the one
statement that marks a code used and writes the new response and its answers together.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import re
from collections.abc import Mapping

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.db.cursors import prepared_cursor
from surveys.models import Answer, Invitation, Response, ResponseStatus, SurveyVersion, Wave
from surveys.selectors import version_questions_for
from surveys.services.answering import AnswerErrors, Cleaned, answers_clean_all
from surveys.services.codes import code_hash, code_normalise
from surveys.services.submission.code_lookup import CodeProblem, invitation_check, invitation_read, split_row
from surveys.signals import dispatch_response_completed

ANSWER_COLUMNS = ["response_id", "question_id", "option_id", "choices", "number", "text", "score"]


def copy_demographics(response: Response, cleaned: list[Cleaned]) -> None:
    for answer in cleaned:
        if answer.question.demographic and answer.option_code:
            setattr(response, answer.question.demographic, answer.option_code)


def new_completed(*, neighbourhood_id: int, completed_at: datetime.datetime | None, cleaned: list[Cleaned], **fields):
    """A completed response not yet written, with the demographics its answers give."""
    response = Response(
        neighbourhood_id=neighbourhood_id,
        status=ResponseStatus.COMPLETED,
        completed_at=completed_at or timezone.now(),
        **fields,
    )
    copy_demographics(response, cleaned)
    return response


def notify_engine(response: Response) -> None:
    dispatch_response_completed(
        response_id=response.pk, wave_id=response.wave_id, neighbourhood_id=response.neighbourhood_id
    )


def submit_code_in_one_statement(
    *, raw: Mapping[str, object], code: str, wave: Wave | None, notify: bool, **fields
) -> Response | None:
    """A new response with a code, on PostgreSQL: the busiest path (kiosks, partner apps).

    One statement marks the code used and, only if it was usable and for the survey version the
    answers were checked against, writes the response and its answers. Two submissions of one code
    at once: the second statement waits on the first's row lock, then finds the code used and writes
    nothing. The answers are first checked against the version of the code before (nearly every code
    sent to a process is for the same one), so most submissions take that one statement; otherwise
    the code is read, its problems named, and the answers checked against its own version. None,
    with nothing written, for a code with a response already started on the web: the locked way of
    _submit finishes that one.
    """
    normalised = code_normalise(code)
    if normalised is None:
        raise CodeProblem(CodeProblem.WRONG)
    hashed, today = code_hash(normalised), timezone.localdate()
    try:
        response = _written_for_recent_version(hashed, raw=raw, wave=wave, today=today, fields=fields)
        if response is None:
            response = _written_after_reading(hashed, raw=raw, wave=wave, today=today, fields=fields)
    except IntegrityError as exc:
        if "invitation" not in str(exc):
            raise
        # A response was started with this code on the web (Response.invitation is unique). Rare, so
        # neither the statement nor the lookup looks for it.
        return None
    if notify:
        notify_engine(response)
    return response


class _Recent:
    """The survey version of the last code this process wrote a response for: only ever a guess,
    which the statement writing a response checks."""

    version: SurveyVersion | None = None


_recent = _Recent()


def _written_for_recent_version(hashed: str, *, raw, wave: Wave | None, today, fields: dict) -> Response | None:
    """The response written as if its code were for the recent version, or None with nothing written:
    no recent version, answers that don't fit it (the code's own version decides, after its problems),
    or a code that is not usable now or not for that version."""
    version = _recent.version
    if version is None:
        return None
    try:
        cleaned = answers_clean_all(questions=version_questions_for(version), raw=raw)
    except AnswerErrors:
        return None
    return _write_completed(hashed, version, cleaned, wave=wave, today=today, fields=fields)


def _written_after_reading(hashed: str, *, raw, wave: Wave | None, today, fields: dict) -> Response:
    """The response written once its code has been read and found usable (else CodeProblem, naming
    what is wrong with it), its answers checked against the code's own version, which becomes the
    recent one."""
    invitation = invitation_check(invitation_read(hashed, lock=False), wave=wave, today=today)
    version = invitation.wave.survey_version
    cleaned = answers_clean_all(questions=version_questions_for(version), raw=raw)
    response = _write_completed(hashed, version, cleaned, wave=wave, today=today, fields=fields)
    if response is None:  # changed since it was read: used by another submission, most likely
        invitation_check(invitation_read(hashed, lock=False), wave=wave, today=today)
        raise CodeProblem(CodeProblem.USED, invitation)
    _recent.version = version
    return response


def _write_completed(
    hashed: str, version: SurveyVersion, cleaned: list[Cleaned], *, wave: Wave | None, today, fields: dict
) -> Response | None:
    """Mark the code used and write the response and its answers, in one statement, only if the code
    is unused, for ``version`` (and ``wave``, if given), and its wave open ``today``. Else None, and
    nothing written. In a savepoint inside a transaction, so that a refused write leaves the caller's."""
    response = new_completed(neighbourhood_id=None, cleaned=cleaned, **fields)  # the code decides where
    values = [hashed, version.pk, today, wave.pk if wave is not None else None]
    values += [f.get_db_prep_save(f.pre_save(response, True), connection) for f in _response_fields()]
    # The answers as one JSON document: quoting six arrays of parameters cost more than the statement.
    rows = [
        {
            "question_id": c.question.id,
            "option_id": c.option_id,
            "choices": c.choices,
            "number": None if c.number is None else str(c.number),  # exact: JSON has no decimal type
            "text": c.text,
            "score": c.score,
        }
        for c in cleaned
    ]
    values.append(json.dumps(rows))
    savepoint = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    with savepoint, prepared_cursor() as cursor:
        cursor.execute(_completed_sql(), values)
        row = cursor.fetchone()
    if row is None:
        return None
    response.pk, response.invitation_id, response.neighbourhood_id = row[:3]
    (written_wave,) = split_row(row[3:], ((Wave, "w"),))
    Wave.survey_version.field.set_cached_value(written_wave, version)
    response.wave = written_wave
    response._state.adding, response._state.db = False, connection.alias
    return response


_FROM_THE_CODE = {"invitation_id": "used.i_id", "neighbourhood_id": "used.i_neighbourhood_id", "wave_id": "used.w_id"}


def _response_fields() -> list:
    """The response's columns given as parameters: all but its key and what its code decides."""
    return [f for f in Response._meta.concrete_fields if not f.primary_key and f.attname not in _FROM_THE_CODE]


@functools.cache
def _completed_sql() -> str:
    def cast(field) -> str:  # without a length: a cast to varchar(n) would cut a value short, not refuse it
        return re.sub(r"\(.*\)$", "", field.cast_db_type(connection))

    answer = {f.column: f for f in Answer._meta.concrete_fields}
    typed = ", ".join(f"{c} {cast(answer[c])}" for c in ANSWER_COLUMNS[1:])
    fields = _response_fields()
    wave_columns = [f.column for f in Wave._meta.concrete_fields]
    returned = ", ".join(f"w.{c} AS w_{c}" for c in wave_columns)
    # Only table and column names and types from the models go into the text; every value is a parameter.
    return (
        f"WITH used AS (UPDATE {Invitation._meta.db_table} i SET used = true"  # noqa: S608
        f" FROM {Wave._meta.db_table} w"
        " WHERE i.code_hash = %s AND NOT i.used AND w.id = i.wave_id AND w.survey_version_id = %s"
        " AND CAST(%s AS date) BETWEEN w.opens_on AND w.closes_on"
        " AND i.wave_id = COALESCE(CAST(%s AS bigint), i.wave_id)"
        f" RETURNING i.id AS i_id, i.neighbourhood_id AS i_neighbourhood_id, {returned}),"
        f" response AS (INSERT INTO {Response._meta.db_table}"
        f" ({', '.join([*_FROM_THE_CODE, *(f.column for f in fields)])})"
        f" SELECT {', '.join([*_FROM_THE_CODE.values(), *(f'CAST(%s AS {cast(f)})' for f in fields)])}"
        " FROM used RETURNING id),"
        f" answers AS (INSERT INTO {Answer._meta.db_table} ({', '.join(ANSWER_COLUMNS)})"
        f" SELECT response.id, {', '.join(f'a.{c}' for c in ANSWER_COLUMNS[1:])}"
        f" FROM response, jsonb_to_recordset(CAST(%s AS jsonb)) AS a({typed}))"
        f" SELECT response.id, used.i_id, used.i_neighbourhood_id, {', '.join(f'used.w_{c}' for c in wave_columns)}"
        " FROM response, used"
    )
