"""Who may see which place: the one rule every page, export, API and task uses.

Admins see everything. Officers and estate managers see the local authorities
and neighbourhoods they are assigned to. Anyone else, including anonymous
visitors, sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class Scope:
    everything: bool
    local_authority_ids: QuerySet | list
    neighbourhood_ids: QuerySet | list


NOTHING = Scope(everything=False, local_authority_ids=[], neighbourhood_ids=[])


def role_of(user) -> str | None:
    from indicators.models import Role

    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile else None


def is_admin(user) -> bool:
    from indicators.models import Role

    return role_of(user) == Role.ADMIN


def scope_for(user) -> Scope:
    from indicators.models import Assignment

    role = role_of(user)
    if role is None:
        return NOTHING
    if is_admin(user):
        return Scope(everything=True, local_authority_ids=[], neighbourhood_ids=[])
    # Subqueries, not lists: the scope is resolved inside the caller's query.
    mine = Assignment.objects.filter(user=user)
    return Scope(
        everything=False,
        local_authority_ids=mine.exclude(local_authority=None).values("local_authority_id"),
        neighbourhood_ids=mine.exclude(neighbourhood=None).values("neighbourhood_id"),
    )
