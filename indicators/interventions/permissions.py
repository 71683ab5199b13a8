"""Who may do what with interventions. Each rule is decided here once; services, views, templates and the API ask.

Officers and admins record interventions, and change, accept, decline or delete them, for places they look
after (an admin anywhere). Estate managers see the interventions of their places and may propose one, which
counts only once an officer or admin accepts it; until then they may change or withdraw their own proposal.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied

from indicators.access.models import Role
from indicators.access.permissions import is_staff_member
from indicators.access.scope import role_of, scope_for
from indicators.interventions.models import Intervention, Status

RECORDERS = (Role.ADMIN, Role.OFFICER)


def require_staff(user) -> None:
    """Interventions are staff business: anyone else is refused outright."""
    if not is_staff_member(user):
        raise PermissionDenied("Interventions are for officers, estate managers and admins.")


def covers_only_own_places(user, neighbourhoods: Iterable) -> bool:
    """Whether every neighbourhood is one the user looks after (any, for an admin)."""
    scope = scope_for(user)
    if scope.everything:
        return True
    places = list(neighbourhoods)
    return bool(places) and all(
        n.pk in scope.neighbourhood_ids or n.local_authority_id in scope.local_authority_ids for n in places
    )


def may_record(user) -> bool:
    """Record an intervention that counts at once (for the user's own places)."""
    return role_of(user) in RECORDERS


def may_propose(user) -> bool:
    """Propose an intervention for an officer to accept or decline."""
    return role_of(user) == Role.ESTATE_MANAGER


def may_add(user) -> bool:
    return may_record(user) or may_propose(user)


def may_change(user, intervention: Intervention) -> bool:
    """Change it (or delete it): an officer or admin for all its places; its proposer while it is a proposal."""
    places = list(intervention.neighbourhoods.all())
    if not covers_only_own_places(user, places):
        return False
    if may_record(user):
        return True
    return (
        may_propose(user)
        and intervention.status == Status.PROPOSED
        and intervention.created_by_id is not None
        and intervention.created_by_id == user.pk
    )


def may_decide(user, intervention: Intervention) -> bool:
    """Accept or decline a proposal: an officer or admin for all its places."""
    return (
        intervention.status == Status.PROPOSED
        and may_record(user)
        and covers_only_own_places(user, intervention.neighbourhoods.all())
    )
