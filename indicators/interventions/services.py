"""Writing interventions: the one way to record, change, accept, decline or delete one. Each change is audited.

Every function takes the acting ``user`` and checks, before anything is written, that the user may act on every
neighbourhood involved (``permissions``); a refusal raises ``PermissionDenied``, bad input ``ValidationError``
with the field it concerns, so forms and the API can say what is wrong and where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from indicators.core.report_vocabulary import FACTOR_KEYS, RECOMMENDATION_KEYS
from indicators.core.text import is_storable
from indicators.interventions import permissions
from indicators.interventions.models import (
    Intervention,
    InterventionFactor,
    InterventionRecommendation,
    Status,
)
from indicators.places.models import Neighbourhood

OBJECT_TYPE = "interventions.intervention"
EARLIEST = dt.date(1990, 1, 1)  # older than any series Rebalance holds: a year typed wrong
YEARS_AHEAD = 10  # a planned programme may start later; a start further off is a typing error

TEXT_LIMITS = {"title": 160, "lead_organisation": 160, "description": 5000}


def _clean_text(errors: dict, field: str, value: str, *, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = "Enter this: it cannot be left empty."
    elif not is_storable(value):
        errors[field] = "This has a hidden or broken character that cannot be saved (it may show as �)."
    elif len(value) > TEXT_LIMITS[field]:
        errors[field] = f"Keep this to {TEXT_LIMITS[field]} characters or fewer (it has {len(value)})."
    return value


def _clean_date(errors: dict, field: str, value, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors[field] = "Enter a date, for example 2024-03-01."
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            errors[field] = f"{str(value)[:20]!r} is not a date: write it as year-month-day, e.g. 2024-03-01."
            return None
    latest = timezone.localdate().replace(year=timezone.localdate().year + YEARS_AHEAD)
    if not EARLIEST <= value <= latest:
        errors[field] = f"Give a date between {EARLIEST:%Y} and {latest:%Y}."
        return None
    return value


def _clean_keys(errors: dict, field: str, values: Iterable[str], known: list[str]) -> list[str]:
    keys = list(dict.fromkeys(str(v) for v in values or ()))
    unknown = [k for k in keys if k not in known]
    if unknown:
        errors[field] = f"Unknown: {', '.join(k[:40] for k in unknown[:5])}. Choose from: {', '.join(known)}."
    return [k for k in known if k in keys]  # the vocabulary's order


def _validate(
    *,
    title,
    description,
    lead_organisation,
    start_date,
    end_date,
    neighbourhoods,
    factors,
    recommendations,
) -> dict:
    errors: dict = {}
    cleaned = {
        "title": _clean_text(errors, "title", title, required=True),
        "description": _clean_text(errors, "description", description, required=False),
        "lead_organisation": _clean_text(errors, "lead_organisation", lead_organisation, required=True),
        "start_date": _clean_date(errors, "start_date", start_date, required=True),
        "end_date": _clean_date(errors, "end_date", end_date, required=False),
        "factors": _clean_keys(errors, "factors", factors, FACTOR_KEYS),
        "recommendations": _clean_keys(errors, "recommendations", recommendations, RECOMMENDATION_KEYS),
    }
    if cleaned["start_date"] and cleaned["end_date"] and cleaned["end_date"] < cleaned["start_date"]:
        errors["end_date"] = (
            f"The end ({cleaned['end_date']:%-d %B %Y}) is before the start ({cleaned['start_date']:%-d %B %Y}): "
            "an intervention ends on or after the day it starts."
        )
    if not (errors.get("factors") or errors.get("recommendations") or cleaned["factors"] or cleaned["recommendations"]):
        errors["factors"] = "Choose at least one of the report's factors or recommendations that this addresses."
    places = list(dict.fromkeys(neighbourhoods or ()))
    if not places:
        errors["neighbourhoods"] = "Choose at least one neighbourhood that this covers."
    cleaned["neighbourhoods"] = places
    if errors:
        raise ValidationError(errors)
    return cleaned


def _snapshot(intervention: Intervention) -> dict:
    return {
        "title": intervention.title,
        "lead_organisation": intervention.lead_organisation,
        "start_date": intervention.start_date.isoformat() if intervention.start_date else None,
        "end_date": intervention.end_date.isoformat() if intervention.end_date else None,
        "status": intervention.status,
        "neighbourhoods": sorted(intervention.neighbourhoods.values_list("pk", flat=True)),
        "factors": intervention.factor_keys,
        "recommendations": intervention.recommendation_keys,
        "description_length": len(intervention.description),
    }


def _set_links(intervention: Intervention, cleaned: dict) -> None:
    intervention.neighbourhoods.set(cleaned["neighbourhoods"])
    InterventionFactor.objects.filter(intervention=intervention).exclude(factor__in=cleaned["factors"]).delete()
    have = set(InterventionFactor.objects.filter(intervention=intervention).values_list("factor", flat=True))
    InterventionFactor.objects.bulk_create(
        [InterventionFactor(intervention=intervention, factor=k) for k in cleaned["factors"] if k not in have]
    )
    links = InterventionRecommendation.objects.filter(intervention=intervention)
    links.exclude(recommendation__in=cleaned["recommendations"]).delete()
    have = set(links.values_list("recommendation", flat=True))
    InterventionRecommendation.objects.bulk_create(
        [
            InterventionRecommendation(intervention=intervention, recommendation=k)
            for k in cleaned["recommendations"]
            if k not in have
        ]
    )


def _check_places(user, places: list[Neighbourhood]) -> None:
    if not permissions.covers_only_own_places(user, places):
        raise ValidationError(
            {"neighbourhoods": "You can only choose neighbourhoods you look after; one or more of these is not yours."}
        )


@transaction.atomic
def intervention_create(
    *,
    user,
    title: str,
    lead_organisation: str,
    start_date: dt.date | str,
    neighbourhoods: Iterable[Neighbourhood],
    end_date: dt.date | str | None = None,
    description: str = "",
    factors: Iterable[str] = (),
    recommendations: Iterable[str] = (),
) -> Intervention:
    """Record an intervention: accepted at once from an officer or admin, a proposal from an estate manager."""
    if not permissions.may_add(user):
        raise PermissionDenied("Only officers, admins and estate managers record interventions.")
    cleaned = _validate(
        title=title,
        description=description,
        lead_organisation=lead_organisation,
        start_date=start_date,
        end_date=end_date,
        neighbourhoods=neighbourhoods,
        factors=factors,
        recommendations=recommendations,
    )
    _check_places(user, cleaned["neighbourhoods"])
    recorded = permissions.may_record(user)
    intervention = Intervention.objects.create(
        title=cleaned["title"],
        description=cleaned["description"],
        lead_organisation=cleaned["lead_organisation"],
        start_date=cleaned["start_date"],
        end_date=cleaned["end_date"],
        status=Status.ACCEPTED if recorded else Status.PROPOSED,
        decided_by=user if recorded else None,
        decided_at=timezone.now() if recorded else None,
        created_by=user,
    )
    _set_links(intervention, cleaned)
    audit_record(
        actor=user,
        action=Action.ADD,
        object_type=OBJECT_TYPE,
        object_id=intervention.pk,
        summary=f"{'recorded' if recorded else 'proposed'}: {intervention.title}",
        detail={"after": _snapshot(intervention)},
    )
    return intervention


_UNSET = object()


@transaction.atomic
def intervention_update(
    *,
    user,
    intervention: Intervention,
    title=_UNSET,
    lead_organisation=_UNSET,
    start_date=_UNSET,
    end_date=_UNSET,
    neighbourhoods=_UNSET,
    description=_UNSET,
    factors=_UNSET,
    recommendations=_UNSET,
) -> Intervention:
    """Change what is given and keep the rest. An officer or admin for all its places (old and new), or its
    proposer while it is still a proposal."""
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if not permissions.may_change(user, intervention):
        raise PermissionDenied("You can change only interventions in the places you look after.")
    before = _snapshot(intervention)

    def given(value, current):
        return current if value is _UNSET else value

    cleaned = _validate(
        title=given(title, intervention.title),
        description=given(description, intervention.description),
        lead_organisation=given(lead_organisation, intervention.lead_organisation),
        start_date=given(start_date, intervention.start_date),
        end_date=given(end_date, intervention.end_date),
        neighbourhoods=given(neighbourhoods, list(intervention.neighbourhoods.all())),
        factors=given(factors, intervention.factor_keys),
        recommendations=given(recommendations, intervention.recommendation_keys),
    )
    _check_places(user, cleaned["neighbourhoods"])
    for field in ("title", "description", "lead_organisation", "start_date", "end_date"):
        setattr(intervention, field, cleaned[field])
    intervention.save()
    _set_links(intervention, cleaned)
    after = _snapshot(intervention)
    changed = sorted(k for k in after if after[k] != before[k])
    audit_record(
        actor=user,
        action=Action.CHANGE,
        object_type=OBJECT_TYPE,
        object_id=intervention.pk,
        summary=f"changed {', '.join(changed) or 'nothing'}: {intervention.title}",
        detail={"before": before, "after": after, "changed": changed},
    )
    return intervention


def _decide(*, user, intervention: Intervention, status: str, note: str) -> Intervention:
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if intervention.status != Status.PROPOSED:
        raise ValidationError(
            {"status": f"This was already {intervention.get_status_display().lower()}: only a proposal is decided."}
        )
    if not permissions.may_decide(user, intervention):
        raise PermissionDenied("Only an officer for every place it covers, or an admin, decides a proposal.")
    errors: dict = {}
    note = _clean_text(errors, "description", note, required=False)
    if errors:
        raise ValidationError({"decision_note": errors["description"]})
    intervention.status = status
    intervention.decided_by = user
    intervention.decided_at = timezone.now()
    intervention.decision_note = note
    intervention.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    audit_record(
        actor=user,
        action=Action.CHANGE,
        object_type=OBJECT_TYPE,
        object_id=intervention.pk,
        summary=f"{status}: {intervention.title}",
        detail={"status": {"before": Status.PROPOSED, "after": status}, "note": note[:300]},
    )
    return intervention


@transaction.atomic
def intervention_accept(*, user, intervention: Intervention, note: str = "") -> Intervention:
    """Accept an estate manager's proposal: from now on it counts (charts, exports, estimates)."""
    return _decide(user=user, intervention=intervention, status=Status.ACCEPTED, note=note)


@transaction.atomic
def intervention_decline(*, user, intervention: Intervention, note: str = "") -> Intervention:
    """Decline a proposal: it is kept, with the reason, for its proposer to see, and counts nowhere."""
    return _decide(user=user, intervention=intervention, status=Status.DECLINED, note=note)


@transaction.atomic
def intervention_delete(*, user, intervention: Intervention) -> None:
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if not permissions.may_change(user, intervention):
        raise PermissionDenied("You can delete only interventions in the places you look after.")
    before = _snapshot(intervention)
    pk, title = intervention.pk, intervention.title
    intervention.delete()
    audit_record(
        actor=user,
        action=Action.DELETE,
        object_type=OBJECT_TYPE,
        object_id=pk,
        summary=f"deleted: {title}",
        detail={"before": before},
    )
