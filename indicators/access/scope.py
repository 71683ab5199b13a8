"""Who may see which place: the one rule every page, export, API and task uses.

Admins see everything. Officers and estate managers see the local authorities
and neighbourhoods they are assigned to. Anyone else, including anonymous
visitors, sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from indicators.access.models import Assignment, Role


@dataclass(frozen=True)
class Scope:
    everything: bool
    local_authority_ids: QuerySet | list
    neighbourhood_ids: QuerySet | list


NOTHING = Scope(everything=False, local_authority_ids=[], neighbourhood_ids=[])


def role_of(user) -> str | None:
    if not user or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile else None


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


def scope_for(user) -> Scope:
    """The places the user looks after, read once per request: the ids are kept on the user object,
    which Django makes afresh for every request, so a change of role or assignment is seen at the
    next one. Plain id lists keep every scoped query small to build and to plan; a page asks a dozen
    times, and cloning subqueries into each query cost more than the queries themselves."""
    role = role_of(user)
    if role is None:
        return NOTHING
    kept = getattr(user, "_rebalance_scope", None)
    if kept is not None and kept[0] == role:
        return kept[1]
    scope = _scope(user, role)
    user._rebalance_scope = (role, scope)
    return scope


def _scope(user, role: str) -> Scope:
    if role == Role.ADMIN:
        return Scope(everything=True, local_authority_ids=[], neighbourhood_ids=[])
    rows = list(Assignment.objects.filter(user=user).values_list("local_authority_id", "neighbourhood_id"))
    return Scope(
        everything=False,
        local_authority_ids=sorted({la for la, _ in rows if la is not None}),
        neighbourhood_ids=sorted({n for _, n in rows if n is not None}),
    )
