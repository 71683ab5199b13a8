"""Writing places, pairs and staff: the one way to change them, used by admin, commands and seeds."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.access.models import Assignment, Role, StaffProfile
from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood, SmallArea
from indicators.places.selectors import area_ids_by_code


def validate_neighbourhood_areas(*, local_authority: LocalAuthority, small_areas: Iterable[SmallArea]) -> None:
    """A neighbourhood lies inside one local authority."""
    outside = sorted(a.code for a in small_areas if a.local_authority_id != local_authority.pk)
    if outside:
        raise ValidationError(
            {"small_areas": f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not in {local_authority}."}
        )


@transaction.atomic
def neighbourhood_create(
    *,
    name: str,
    local_authority: LocalAuthority,
    small_area_codes: Iterable[str],
    description: str = "",
    known_as: str = "",
    kinds: Iterable[str] | None = None,
) -> Neighbourhood:
    codes = list(dict.fromkeys(small_area_codes))
    ids = area_ids_by_code(codes, kinds=kinds)
    areas = list(SmallArea.objects.filter(pk__in=ids.values()))
    missing = sorted(set(codes) - set(ids))
    if missing:
        raise ValidationError({"small_areas": f"Unknown small area codes: {', '.join(missing)}."})
    validate_neighbourhood_areas(local_authority=local_authority, small_areas=areas)
    neighbourhood = Neighbourhood.objects.create(
        name=name, local_authority=local_authority, description=description, known_as=known_as.strip()
    )
    neighbourhood.small_areas.set(areas)
    return neighbourhood


def matched_pair_check(*, first: Neighbourhood, second: Neighbourhood, reason: str, pair_id: int | None = None) -> None:
    """The rules of a pair, for the service and the admin form alike (``pair_id``: the pair being edited)."""
    if first.pk == second.pk:
        raise ValidationError("A neighbourhood cannot be matched with itself.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why these two neighbourhoods were matched."})
    others = MatchedPair.objects.exclude(pk=pair_id) if pair_id else MatchedPair.objects.all()
    if others.filter(first__in=[first, second], second__in=[first, second]).exists():
        raise ValidationError(f"{first} and {second} are already a matched pair.")


def matched_pair_create(*, first: Neighbourhood, second: Neighbourhood, reason: str) -> MatchedPair:
    matched_pair_check(first=first, second=second, reason=reason)
    return MatchedPair.objects.create(first=first, second=second, reason=reason.strip())


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: str,
    email: str = "",
    local_authorities: Iterable[LocalAuthority] = (),
    neighbourhoods: Iterable[Neighbourhood] = (),
):
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role '{role}'."})
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=email,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    StaffProfile.objects.create(user=user, role=role)
    Assignment.objects.bulk_create(
        [Assignment(user=user, local_authority=la) for la in local_authorities]
        + [Assignment(user=user, neighbourhood=n) for n in neighbourhoods]
    )
    return user
