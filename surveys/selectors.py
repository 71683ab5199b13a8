"""Reads for surveys. Everything that serves a user is scoped through Neighbourhood.objects.visible_to."""

from __future__ import annotations

from django.db.models import Case, Count, F, Q, QuerySet, Value, When

from indicators.access.permissions import may_see_everything
from indicators.places.models import Neighbourhood
from surveys.models import BankItem, Factor, Question, Response, ResponseStatus, Survey, Wave


def version_questions(version_id: int) -> list[Question]:
    """A version's questions in order, with their options and skip-logic parents loaded."""
    return list(
        Question.objects.filter(version_id=version_id)
        .select_related("show_if_question")
        .prefetch_related("options")
        .order_by("position")
    )


_FROZEN_QUESTIONS: dict[tuple[int, object], list[Question]] = {}


def version_questions_for(version) -> list[Question]:
    """Like version_questions, kept in memory once the version is frozen (it can no longer change).

    Keyed by id and creation time, so that a reused id (a test database) never finds another version's questions.
    """
    key = (version.pk, version.created_at)
    cached = _FROZEN_QUESTIONS.get(key)
    if cached is not None:
        return cached
    questions = version_questions(version.pk)
    if version.is_frozen:
        if len(_FROZEN_QUESTIONS) > 64:
            _FROZEN_QUESTIONS.clear()
        _FROZEN_QUESTIONS[key] = questions
    return questions


def pages_of(questions: list[Question]) -> list[int]:
    return sorted({q.page for q in questions})


def wave_list(*, user) -> QuerySet[Wave]:
    return Wave.objects.visible_to(user).select_related("survey_version__survey").order_by("-opens_on", "name")


def wave_detail(*, user, pk: int) -> Wave:
    return wave_list(user=user).get(pk=pk)


def survey_list(*, user) -> QuerySet[Survey]:
    """Surveys fielded in a place the user sees; admins see every survey."""
    surveys = Survey.objects.prefetch_related("versions")
    if may_see_everything(user):
        return surveys
    return surveys.filter(versions__waves__in=Wave.objects.visible_to(user)).distinct()


def response_counts(*, user, wave: Wave | None = None) -> QuerySet:
    """Responses per wave and neighbourhood, by status and channel: counts only, never answers."""
    responses = Response.objects.filter(neighbourhood__in=Neighbourhood.objects.visible_to(user))
    if wave is not None:
        responses = responses.filter(wave=wave)
    completed = Q(status=ResponseStatus.COMPLETED)
    return (
        responses.values("wave_id", "wave__name", "neighbourhood_id", "neighbourhood__name")
        .annotate(
            completed=Count("pk", filter=completed),
            in_progress=Count("pk", filter=Q(status=ResponseStatus.IN_PROGRESS)),
            withdrawn=Count("pk", filter=Q(status=ResponseStatus.WITHDRAWN)),
            web=Count("pk", filter=completed & Q(channel="web")),
            paper=Count("pk", filter=completed & Q(channel="paper")),
            api=Count("pk", filter=completed & Q(channel="api")),
            open_link=Count("pk", filter=completed & Q(channel="open_link")),
        )
        .order_by("wave__name", "neighbourhood__name")
    )


def invitation_counts(*, wave: Wave, neighbourhoods: QuerySet) -> dict[int, int]:
    rows = wave.invitations.filter(neighbourhood__in=neighbourhoods).values("neighbourhood_id").annotate(n=Count("pk"))
    return {r["neighbourhood_id"]: r["n"] for r in rows}


def bank_items(*, user, factor: str = "", source_kind: str = "", search: str = "") -> QuerySet[BankItem]:
    """The question bank items the user may use: shared ones and their councils' own, options loaded."""
    items = BankItem.objects.usable_by(user).select_related("owner").prefetch_related("options")
    if factor:
        items = items.filter(factor=factor)
    if source_kind:
        items = items.filter(source_kind=source_kind)
    if search:
        items = items.filter(Q(text__icontains=search) | Q(key__icontains=search) | Q(source__icontains=search))
    # The report's order of factors, shared items first, then in the order they were added (the default file's).
    factor_order = Case(*(When(factor=f, then=Value(i)) for i, f in enumerate(Factor.values)))
    return items.order_by(factor_order, F("owner__name").asc(nulls_first=True), "pk")


def bank_item_for(*, user, pk: int) -> BankItem:
    """One item the user may use; BankItem.DoesNotExist otherwise."""
    return bank_items(user=user).get(pk=pk)
