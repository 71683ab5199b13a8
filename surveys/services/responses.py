"""Starting, answering, completing and withdrawing responses.

Every channel (web pages, open link, API, paper) goes through these functions,
so the same checks apply everywhere. One response per invitation code is
enforced twice: the invitation row is locked while a response completes (or,
on the API's path, marked used by the same statement that writes the response,
only if it was not used yet), and ``Response.invitation`` is unique in the database.
Looking codes up is in ``code_lookup``, that one statement in ``completed``.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from indicators.access.permissions import may_enter_paper
from indicators.places.models import Neighbourhood
from surveys.models import Answer, Channel, Invitation, Response, ResponseStatus, Wave
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
from surveys.services.submission.code_lookup import (
    CodeProblem,
    code_check,  # noqa: F401 (the resident views and tests take it from here)
    invitation_check,
    invitation_read,
)
from surveys.services.submission.completed import (
    ANSWER_COLUMNS,
    copy_demographics,
    new_completed,
    notify_engine,
    submit_code_in_one_statement,
)
from surveys.services.waves import invitation_find


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
def page_answers_save(*, response: Response, page: int, raw: Mapping[str, list[str]], partial: bool = False) -> None:
    """Check and keep the answers given on one page. On any error nothing is saved (AnswerErrors).

    ``partial`` (saving to come back later): a required question left blank waits for the resident's return."""
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
        given = as_list(raw.get(question.key))
        try:
            cleaned = None if partial and not given else answer_clean(question=question, raw=given)
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
        copy_demographics(response, cleaned)
    else:
        for answer in response.answers.select_related("question", "option").filter(question__demographic__gt=""):
            if answer.option_id:
                setattr(response, answer.question.demographic, answer.option.code)
    response.status = ResponseStatus.COMPLETED
    response.completed_at = now or timezone.now()
    response.save(update_fields=["status", "completed_at", "age_band", "sex"])
    if notify:
        notify_engine(response)
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
            done = submit_code_in_one_statement(raw=raw, code=code, wave=wave, notify=notify, **fields)
            if done is not None:
                return done
        return _submit(raw=raw, code=code, wave=wave, neighbourhood=neighbourhood, notify=notify, **fields)
    except IntegrityError as exc:
        # The code's row lock makes this all but impossible; the unique invitation is the last word.
        if code is not None and "invitation" in str(exc):
            raise CodeProblem(CodeProblem.USED, invitation_find(code=code)) from None
        raise


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
        found = None if normalised is None else invitation_read(code_hash(normalised), lock=True)
        invitation = invitation_check(found, wave=wave)
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
    response = new_completed(
        wave=wave, neighbourhood_id=neighbourhood_id, invitation=invitation, cleaned=cleaned, **fields
    )
    if neighbourhood is not None:  # the caller's instance: reading it later costs no query
        response.neighbourhood = neighbourhood
    _use_invitation(response)
    response.save(force_insert=True)
    _answers_insert(response, cleaned)
    if notify:
        notify_engine(response)
    return response


PAPER_GRACE_DAYS = 28


def paper_response_create(
    *, user, wave: Wave, neighbourhood: Neighbourhood | None, raw: Mapping[str, object], code: str = ""
) -> Response:
    """An officer types in a paper questionnaire for a neighbourhood they look after.

    With the code printed on the questionnaire, the code is used up (and the neighbourhood is the code's),
    so the same household cannot also answer online.
    """
    if not may_enter_paper(user):
        raise PermissionDenied("Only officers and admins enter paper questionnaires.")
    if code.strip():
        invitation = invitation_find(code=code)
        if (
            invitation is None
            or not Neighbourhood.objects.visible_to(user).filter(pk=invitation.neighbourhood_id).exists()
        ):
            # Another authority's code reads as a made-up one: nothing tells the officer it exists elsewhere.
            raise CodeProblem(CodeProblem.WRONG)
        invitation = invitation_check(invitation, wave=wave)
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
    notify_engine(response)
    return response
