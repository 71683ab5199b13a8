"""Starting, answering, completing and withdrawing responses.

Every channel (web pages, open link, API, paper) goes through these functions,
so the same checks apply everywhere. One response per invitation code is
enforced twice: the invitation row is locked while a response completes (or,
on the API's path, marked used by the same statement that writes the response,
only if it was not used yet), and ``Response.invitation`` is unique in the database.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import re
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indicators.access import role_of
from indicators.db import prepared_cursor
from indicators.models import Neighbourhood, Role
from surveys.models import Answer, Channel, Invitation, Response, ResponseStatus, SurveyVersion, Wave
from surveys.selectors import version_questions_for
from surveys.services.answering import (
    AnswerErrors,
    Cleaned,
    answer_clean,
    answers_clean_all,
    as_list,
    codes_from_answers,
    is_shown,
    shown_questions,
)
from surveys.services.codes import code_hash, code_normalise
from surveys.services.hooks import dispatch_response_completed
from surveys.services.waves import invitation_find


class CodeProblem(Exception):  # noqa: N818 (a resident-facing outcome, not a fault)
    """Why a code cannot be used now. ``kind`` picks the page or API error shown."""

    WRONG = "wrong_code"
    USED = "used_code"
    WITHDRAWN = "withdrawn"
    CLOSED = "wave_closed"
    NOT_OPEN = "wave_not_open"
    OTHER_WAVE = "other_wave"
    NO_OPEN_LINK = "no_open_link"

    def __init__(self, kind: str, invitation: Invitation | None = None):
        super().__init__(kind)
        self.kind = kind
        self.invitation = invitation


def _check_invitation(
    invitation: Invitation | None, *, wave: Wave | None, today: datetime.date | None = None
) -> Invitation:
    if invitation is None:
        raise CodeProblem(CodeProblem.WRONG)
    if wave is not None and invitation.wave_id != wave.pk:
        raise CodeProblem(CodeProblem.OTHER_WAVE, invitation)
    if invitation.wave.has_closed(today):
        raise CodeProblem(CodeProblem.CLOSED, invitation)
    if not invitation.wave.is_open(today):
        raise CodeProblem(CodeProblem.NOT_OPEN, invitation)
    if invitation.used:
        try:  # the response often comes with the invitation (select_related): no second query then
            withdrawn = invitation.response.status == ResponseStatus.WITHDRAWN
        except Response.DoesNotExist:
            withdrawn = False
        raise CodeProblem(CodeProblem.WITHDRAWN if withdrawn else CodeProblem.USED, invitation)
    return invitation


def code_check(*, code: str, wave: Wave | None = None, today: datetime.date | None = None) -> Invitation:
    """The invitation for a code that can be used now, or CodeProblem. Changes nothing."""
    return _check_invitation(invitation_find(code=code), wave=wave, today=today)


def response_start(*, invitation: Invitation, language: str = "en") -> Response:
    """The resident's response for a code: the one already started, or a new one."""
    existing = Response.objects.filter(invitation=invitation).first()
    if existing is not None:
        if existing.status != ResponseStatus.IN_PROGRESS:
            raise CodeProblem(CodeProblem.USED, invitation)
        return existing
    try:
        with transaction.atomic():
            return Response.objects.create(
                wave=invitation.wave,
                neighbourhood=invitation.neighbourhood,
                invitation=invitation,
                channel=Channel.WEB,
                language=language,
            )
    except IntegrityError:  # the same code started at the same moment elsewhere: share that response
        return Response.objects.get(invitation=invitation)


def response_start_open(*, wave: Wave, neighbourhood: Neighbourhood, language: str = "en") -> Response:
    """A response through the wave's open link (no code), for the neighbourhood the resident chose."""
    if not wave.open_link:
        raise CodeProblem(CodeProblem.NO_OPEN_LINK)
    if wave.has_closed():
        raise CodeProblem(CodeProblem.CLOSED)
    if not wave.is_open():
        raise CodeProblem(CodeProblem.NOT_OPEN)
    if not wave.neighbourhoods.filter(pk=neighbourhood.pk).exists():
        raise ValidationError({"neighbourhood": "Choose one of the neighbourhoods listed."})
    return Response.objects.create(wave=wave, neighbourhood=neighbourhood, channel=Channel.OPEN_LINK, language=language)


def _assert_answerable(response: Response) -> None:
    if response.status != ResponseStatus.IN_PROGRESS:
        raise CodeProblem(CodeProblem.USED, response.invitation)
    if response.wave.has_closed():
        raise CodeProblem(CodeProblem.CLOSED)


def _locked(pk: int) -> Response:
    """The response, its row locked until the transaction ends (its wave and code only read)."""
    return (
        Response.objects.select_for_update(of=("self",)).select_related("wave__survey_version", "invitation").get(pk=pk)
    )


def _answer_from(response: Response, cleaned: Cleaned) -> Answer:
    return Answer(
        response=response,
        question=cleaned.question,
        option_id=cleaned.option_id,
        choices=cleaned.choices,
        number=cleaned.number,
        text=cleaned.text,
        score=cleaned.score,
    )


ANSWER_COLUMNS = ["response_id", "question_id", "option_id", "choices", "number", "text", "score"]


def _answers_insert(response: Response, cleaned: list[Cleaned]) -> None:
    """A new response's answers in one go. On PostgreSQL a COPY of plain rows: on the busiest path the
    ORM's bulk insert (a model and 7 bound parameters per answer) cost more than the rest of a submission."""
    if connection.vendor != "postgresql":
        Answer.objects.bulk_create(_answer_from(response, c) for c in cleaned)
        return
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Answer._meta.db_table} ({', '.join(ANSWER_COLUMNS)}) FROM STDIN") as copy,
    ):
        for c in cleaned:
            choices = json.dumps(c.choices) if c.choices else "[]"
            copy.write_row((response.pk, c.question.pk, c.option_id, choices, c.number, c.text, c.score))


def stored_answers(response: Response) -> dict[int, Answer]:
    return {a.question_id: a for a in response.answers.select_related("option")}


@transaction.atomic
def page_answers_save(*, response: Response, page: int, raw: Mapping[str, list[str]]) -> None:
    """Check and keep the answers given on one page. On any error nothing is saved (AnswerErrors)."""
    response = _locked(response.pk)
    _assert_answerable(response)
    questions = version_questions_for(response.wave.survey_version)
    stored = stored_answers(response)
    codes = codes_from_answers(stored.values())
    errors: dict[str, str] = {}
    keep: list[Cleaned] = []
    drop: list[int] = []
    shown_ids: set[int] = set()
    for question in questions:
        if not is_shown(question, codes, shown_ids):
            if question.page == page:
                drop.append(question.pk)
            continue
        shown_ids.add(question.pk)
        if question.page != page:
            continue
        try:
            cleaned = answer_clean(question=question, raw=as_list(raw.get(question.key)))
        except ValueError as exc:
            errors[question.key] = str(exc)
            continue
        if cleaned is None:
            drop.append(question.pk)
            codes.pop(question.pk, None)
        else:
            keep.append(cleaned)
            codes[question.pk] = cleaned.codes
    if errors:
        raise AnswerErrors(errors)
    Answer.objects.filter(response=response, question_id__in=drop + [c.question.pk for c in keep]).delete()
    Answer.objects.bulk_create(_answer_from(response, c) for c in keep)


def _invitation_read(hashed: str, *, lock: bool) -> Invitation | None:
    """The invitation with this code hash, with its wave and survey version, or None.

    With ``lock``, its row stays locked until the transaction ends (a second submission of the same
    code waits, then finds it used), and any response started with the code comes too. Without,
    that response is read only if asked for: each table joined cost PostgreSQL as much as the lookup.
    """
    if connection.vendor != "postgresql":
        found = Invitation.objects.select_related("wave__survey_version").filter(code_hash=hashed)
        return (found.select_for_update(of=("self",)).select_related("response") if lock else found).first()
    # One plain statement: compiling the ORM's version of it cost a quarter of a whole API submission.
    with prepared_cursor() as cursor:
        cursor.execute(_invitation_sql(lock), [hashed])
        row = cursor.fetchone()
    if row is None:
        return None
    invitation, wave, version, *started = _split_row(row, _JOINED if lock else _JOINED[:3])
    Wave.survey_version.field.set_cached_value(wave, version)
    Invitation.wave.field.set_cached_value(invitation, wave)
    if lock:
        Invitation.response.related.set_cached_value(invitation, started[0])
        if started[0] is not None:
            Response.invitation.field.set_cached_value(started[0], invitation)
    return invitation


_JOINED = ((Invitation, "i"), (Wave, "w"), (SurveyVersion, "v"), (Response, "r"))


@functools.cache
def _invitation_sql(lock: bool) -> str:
    joined = _JOINED if lock else _JOINED[:3]
    columns = ", ".join(f"{alias}.{f.column}" for model, alias in joined for f in model._meta.concrete_fields)
    # Only table and column names from the models go into the text; the code hash is a parameter.
    return (
        f"SELECT {columns} FROM {Invitation._meta.db_table} i"  # noqa: S608
        f" JOIN {Wave._meta.db_table} w ON w.id = i.wave_id"
        f" JOIN {SurveyVersion._meta.db_table} v ON v.id = w.survey_version_id"
        + (f" LEFT JOIN {Response._meta.db_table} r ON r.invitation_id = i.id" if lock else "")
        + " WHERE i.code_hash = %s"
        + (" FOR UPDATE OF i" if lock else "")
    )


def _split_row(row: tuple, joined) -> list:
    """One model instance per joined table (None for a missing response), as the ORM would build them."""
    out = []
    start = 0
    for model, _alias in joined:
        fields = model._meta.concrete_fields
        values = list(row[start : start + len(fields)])
        start += len(fields)
        if values[0] is None:  # the primary key: no row on the outer join's side
            out.append(None)
            continue
        for i, f in enumerate(fields):
            if hasattr(f, "from_db_value") and values[i] is not None:
                values[i] = f.from_db_value(values[i], None, connection)
        out.append(model.from_db(connection.alias, [f.attname for f in fields], values))
    return out


def _use_invitation(response: Response) -> None:
    """Mark the response's code used; CodeProblem if it already was (the database has the last word)."""
    if response.invitation_id is not None:
        with connection.cursor() as cursor:  # plain SQL: the ORM's update() cost more than the write
            cursor.execute(
                f"UPDATE {Invitation._meta.db_table} SET used = %s WHERE id = %s AND used = %s",  # noqa: S608
                [True, response.invitation_id, False],
            )
            used = cursor.rowcount
        if not used:
            raise CodeProblem(CodeProblem.USED, response.invitation)


def _copy_demographics(response: Response, cleaned: list[Cleaned]) -> None:
    for answer in cleaned:
        if answer.question.demographic and answer.option_code:
            setattr(response, answer.question.demographic, answer.option_code)


def _new_completed(*, neighbourhood_id: int, completed_at: datetime.datetime | None, cleaned: list[Cleaned], **fields):
    """A completed response not yet written, with the demographics its answers give."""
    response = Response(
        neighbourhood_id=neighbourhood_id,
        status=ResponseStatus.COMPLETED,
        completed_at=completed_at or timezone.now(),
        **fields,
    )
    _copy_demographics(response, cleaned)
    return response


def _notify(response: Response) -> None:
    dispatch_response_completed(
        response_id=response.pk, wave_id=response.wave_id, neighbourhood_id=response.neighbourhood_id
    )


def _finish(
    response: Response,
    *,
    now: datetime.datetime | None = None,
    cleaned: list[Cleaned] | None = None,
    notify: bool = True,
) -> Response:
    """Mark complete, use up the code, copy demographics and hand on to the engine. Inside a transaction."""
    _use_invitation(response)
    if cleaned is not None:
        _copy_demographics(response, cleaned)
    else:
        for answer in response.answers.select_related("question", "option").filter(question__demographic__gt=""):
            if answer.option_id:
                setattr(response, answer.question.demographic, answer.option.code)
    response.status = ResponseStatus.COMPLETED
    response.completed_at = now or timezone.now()
    response.save(update_fields=["status", "completed_at", "age_band", "sex"])
    if notify:
        _notify(response)
    return response


@transaction.atomic
def response_complete(*, response: Response) -> Response:
    """Submit a response answered page by page. Safe to call twice: the second call changes nothing."""
    response = _locked(response.pk)
    if response.status == ResponseStatus.COMPLETED:
        return response
    _assert_answerable(response)
    questions = version_questions_for(response.wave.survey_version)
    stored = stored_answers(response)
    shown = shown_questions(questions, codes_from_answers(stored.values()))
    shown_ids = {q.pk for q in shown}
    hidden = [qid for qid in stored if qid not in shown_ids]
    missing = {q.key: "Answer this question" for q in shown if q.required and q.pk not in stored}
    if missing:
        raise AnswerErrors(missing)
    if hidden:
        Answer.objects.filter(response=response, question_id__in=hidden).delete()
    return _finish(response)


def response_missing_questions(*, response: Response) -> list:
    """Required questions the resident still has to answer, in order."""
    questions = version_questions_for(response.wave.survey_version)
    stored = stored_answers(response)
    shown = shown_questions(questions, codes_from_answers(stored.values()))
    return [q for q in shown if q.required and q.pk not in stored]


def response_submit(
    *,
    raw: Mapping[str, object],
    channel: str,
    code: str | None = None,
    wave: Wave | None = None,
    neighbourhood: Neighbourhood | None = None,
    language: str = "en",
    entered_by=None,
    synthetic: bool = False,
    completed_at: datetime.datetime | None = None,
    notify: bool = True,
) -> Response:
    """A whole response in one go: the API (with a code), paper entry and demo data.

    ``notify=False`` is for bulk loads that tell the engine once at the end.
    """
    # What the response takes from the caller as it is, whichever way it is written.
    fields = {
        "channel": channel,
        "language": language,
        "entered_by": entered_by,
        "synthetic": synthetic,
        "completed_at": completed_at,
    }
    try:
        if code is not None and connection.vendor == "postgresql":
            done = _submit_code_in_one_statement(raw=raw, code=code, wave=wave, notify=notify, **fields)
            if done is not None:
                return done
        return _submit(raw=raw, code=code, wave=wave, neighbourhood=neighbourhood, notify=notify, **fields)
    except IntegrityError as exc:
        # The code's row lock makes this all but impossible; the unique invitation is the last word.
        if code is not None and "invitation" in str(exc):
            raise CodeProblem(CodeProblem.USED, invitation_find(code=code)) from None
        raise


def _submit_code_in_one_statement(
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
        _notify(response)
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
    invitation = _check_invitation(_invitation_read(hashed, lock=False), wave=wave, today=today)
    version = invitation.wave.survey_version
    cleaned = answers_clean_all(questions=version_questions_for(version), raw=raw)
    response = _write_completed(hashed, version, cleaned, wave=wave, today=today, fields=fields)
    if response is None:  # changed since it was read: used by another submission, most likely
        _check_invitation(_invitation_read(hashed, lock=False), wave=wave, today=today)
        raise CodeProblem(CodeProblem.USED, invitation)
    _recent.version = version
    return response


def _write_completed(
    hashed: str, version: SurveyVersion, cleaned: list[Cleaned], *, wave: Wave | None, today, fields: dict
) -> Response | None:
    """Mark the code used and write the response and its answers, in one statement, only if the code
    is unused, for ``version`` (and ``wave``, if given), and its wave open ``today``. Else None, and
    nothing written. In a savepoint inside a transaction, so that a refused write leaves the caller's."""
    response = _new_completed(neighbourhood_id=None, cleaned=cleaned, **fields)  # the code decides where
    values = [hashed, version.pk, today, wave.pk if wave is not None else None]
    values += [f.get_db_prep_save(f.pre_save(response, True), connection) for f in _response_fields()]
    # The answers as one JSON document: quoting six arrays of parameters cost more than the statement.
    rows = [
        {
            "question_id": c.question.id,
            "option_id": c.option_id,
            "choices": c.choices,
            "number": c.number,
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
    (written_wave,) = _split_row(row[3:], ((Wave, "w"),))
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


@transaction.atomic
def _submit(
    *,
    raw: Mapping[str, object],
    code: str | None,
    wave: Wave | None,
    neighbourhood: Neighbourhood | None,
    notify: bool,
    **fields,
) -> Response:
    invitation = None
    started = None
    if code is not None:
        normalised = code_normalise(code)
        found = None if normalised is None else _invitation_read(code_hash(normalised), lock=True)
        invitation = _check_invitation(found, wave=wave)
        wave, neighbourhood, neighbourhood_id = invitation.wave, None, invitation.neighbourhood_id
        try:
            started = invitation.response
        except Response.DoesNotExist:
            started = None
    elif wave is None or neighbourhood is None:
        raise ValidationError("A response needs a code, or a wave and a neighbourhood.")
    else:
        neighbourhood_id = neighbourhood.pk
    cleaned = answers_clean_all(questions=version_questions_for(wave.survey_version), raw=raw)
    if started is not None:  # started on the web, finished here: the answers sent now win
        started.answers.all().delete()
        started.channel, started.language = fields["channel"], fields["language"]
        started.save(update_fields=["channel", "language"])
        Answer.objects.bulk_create(_answer_from(started, c) for c in cleaned)
        return _finish(started, now=fields["completed_at"], cleaned=cleaned, notify=notify)
    # A new response is written complete in one statement (paper entry, demo data; on SQLite the API too).
    response = _new_completed(
        wave=wave, neighbourhood_id=neighbourhood_id, invitation=invitation, cleaned=cleaned, **fields
    )
    if neighbourhood is not None:  # the caller's instance: reading it later costs no query
        response.neighbourhood = neighbourhood
    _use_invitation(response)
    response.save(force_insert=True)
    _answers_insert(response, cleaned)
    if notify:
        _notify(response)
    return response


PAPER_GRACE_DAYS = 28


def paper_response_create(
    *, user, wave: Wave, neighbourhood: Neighbourhood | None, raw: Mapping[str, object], code: str = ""
) -> Response:
    """An officer types in a paper questionnaire for a neighbourhood they look after.

    With the code printed on the questionnaire, the code is used up (and the neighbourhood is the code's),
    so the same household cannot also answer online.
    """
    if role_of(user) not in (Role.ADMIN, Role.OFFICER):
        raise PermissionDenied("Only officers and admins enter paper questionnaires.")
    if code.strip():
        invitation = code_check(code=code, wave=wave)
        if neighbourhood is not None and invitation.neighbourhood_id != neighbourhood.pk:
            raise ValidationError({"neighbourhood": "The code belongs to another neighbourhood."})
        neighbourhood = invitation.neighbourhood
    if neighbourhood is None:
        raise ValidationError({"neighbourhood": "Choose the neighbourhood the questionnaire came from."})
    if not Neighbourhood.objects.visible_to(user).filter(pk=neighbourhood.pk).exists():
        raise PermissionDenied("You can only enter questionnaires for neighbourhoods you look after.")
    if not wave.neighbourhoods.filter(pk=neighbourhood.pk).exists():
        raise ValidationError({"neighbourhood": f"{neighbourhood} is not part of {wave}."})
    today = timezone.localdate()
    grace = getattr(settings, "SURVEY_PAPER_GRACE_DAYS", PAPER_GRACE_DAYS)
    if today < wave.opens_on or today > wave.closes_on + datetime.timedelta(days=grace):
        raise ValidationError(
            f"Paper questionnaires for {wave} can be entered from it opening until {grace} days after it closes."
        )
    if code.strip():
        return response_submit(raw=raw, channel=Channel.PAPER, code=code, wave=wave, entered_by=user)
    return response_submit(raw=raw, channel=Channel.PAPER, wave=wave, neighbourhood=neighbourhood, entered_by=user)


@transaction.atomic
def response_withdraw(*, response: Response) -> Response:
    """The resident takes back what they gave: answers deleted, the code stays used."""
    response = _locked(response.pk)
    if response.wave.has_closed():
        raise CodeProblem(CodeProblem.CLOSED)
    if response.status == ResponseStatus.WITHDRAWN:
        return response
    response.answers.all().delete()
    if response.invitation_id:
        Invitation.objects.filter(pk=response.invitation_id).update(used=True)
    response.status = ResponseStatus.WITHDRAWN
    response.withdrawn_at = timezone.now()
    response.age_band = response.sex = ""
    response.save(update_fields=["status", "withdrawn_at", "age_band", "sex"])
    # The engine recounts the neighbourhood without it (the same hand-over as a completion).
    _notify(response)
    return response
