"""A code's invitation, found by its keyed hash, and what stands in the way of using it.

On PostgreSQL the invitation, its wave and survey version (and, with the row locked, any response
started with the code) come back from one plain statement, built into model instances as the ORM
would build them.
"""

from __future__ import annotations

import datetime
import functools

from django.db import connection

from config.db.cursors import prepared_cursor
from surveys.models import Invitation, Response, ResponseStatus, SurveyVersion, Wave
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


def invitation_check(
    invitation: Invitation | None, *, wave: Wave | None, today: datetime.date | None = None
) -> Invitation:
    """The invitation, if its code can be used now (and is for ``wave``, if given); else CodeProblem saying why."""
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
    return invitation_check(invitation_find(code=code), wave=wave, today=today)


def invitation_read(hashed: str, *, lock: bool) -> Invitation | None:
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
    invitation, wave, version, *started = split_row(row, _JOINED if lock else _JOINED[:3])
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


def split_row(row: tuple, joined) -> list:
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
