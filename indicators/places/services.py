"""Writing places, pairs and staff: the one way to change them, used by admin, commands and seeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.access.models import Assignment, Role, StaffProfile
from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood, SmallArea
from indicators.places.selectors import area_ids_by_code, area_ids_inside


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
    small_area_codes: Iterable[str] = (),
    small_area_ids: Iterable[int] = (),
    description: str = "",
    known_as: str = "",
    kinds: Iterable[str] | None = None,
) -> Neighbourhood:
    codes = list(dict.fromkeys(small_area_codes))
    ids = area_ids_by_code(codes, kinds=kinds)
    areas = list(SmallArea.objects.filter(pk__in=[*ids.values(), *small_area_ids]))
    missing = sorted(set(codes) - set(ids))
    if missing:
        raise ValidationError({"small_areas": f"Unknown small area codes: {', '.join(missing)}."})
    validate_neighbourhood_areas(local_authority=local_authority, small_areas=areas)
    neighbourhood = Neighbourhood.objects.create(
        name=name, local_authority=local_authority, description=description, known_as=known_as.strip()
    )
    neighbourhood.small_areas.set(areas)
    return neighbourhood


@dataclass(frozen=True)
class AreaRecord:
    """One checked area from a file, ready to store. ``where`` names it for messages (``line 4``, ``feature 2``)."""

    code: str
    name: str
    authority_code: str
    authority_id: int
    line: int | None
    where: str
    boundary: dict | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    members: tuple[str, ...] | None = None  # a custom area's LSOA codes, when listed


@dataclass
class AreasStored:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    members: int = 0


STORE_BATCH = 500


@transaction.atomic
def areas_store(
    *,
    kind: str,
    records: list[AreaRecord],
    member_kinds: Iterable[str] = SmallArea.LSOA_KINDS,
    progress: Callable[[int, int], None] | None = None,
) -> AreasStored:
    """Create or update areas of one kind by code (name, authority, outline, a custom area's LSOAs), all or none.

    Areas the file does not name are left as they are. A custom area's LSOAs are those listed, or else those of
    its authority whose centres lie inside its outline; either way they must lie in its authority (as a
    neighbourhood's must). Storing the same records again changes nothing. ``progress(done, total)`` is told how
    many records are written (or found unchanged) after each batch.
    """
    result = AreasStored()
    held = {a.code: a for a in SmallArea.objects.filter(kind=kind, code__in=[r.code for r in records])}
    fields = ["name", "local_authority_id", "boundary", "latitude", "longitude"]
    created, changed = [], []
    for record in records:
        values = {"name": record.name, "local_authority_id": record.authority_id}
        if record.boundary is not None:
            values |= {"boundary": record.boundary, "latitude": record.latitude, "longitude": record.longitude}
        area = held.get(record.code)
        if area is None:
            created.append(SmallArea(code=record.code, kind=kind, **values))
        elif any(getattr(area, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(area, f, v)
            changed.append(area)
    unchanged = len(records) - len(created) - len(changed)
    # In batches, so that a long file's progress moves while it is written.
    for start in range(0, len(created), STORE_BATCH):
        SmallArea.objects.bulk_create(created[start : start + STORE_BATCH])
        if progress:
            progress(unchanged + start + len(created[start : start + STORE_BATCH]), len(records))
    for start in range(0, len(changed), STORE_BATCH):
        SmallArea.objects.bulk_update(changed[start : start + STORE_BATCH], fields)
        if progress:
            progress(unchanged + len(created) + start + len(changed[start : start + STORE_BATCH]), len(records))
    result.created, result.updated = len(created), len(changed)
    if kind == SmallArea.Kind.CUSTOM:
        members_changed = _custom_members(records, list(member_kinds), result)
        changed_codes = {a.code for a in changed} | {a.code for a in created}
        result.updated += len(members_changed - changed_codes)
    result.unchanged = len(records) - result.created - result.updated
    return result


def _custom_members(records: list[AreaRecord], member_kinds: list[str], result: AreasStored) -> set[str]:
    """Set each custom area's LSOAs; the codes of those whose set changed."""
    areas = {
        a.code: a for a in SmallArea.objects.filter(kind=SmallArea.Kind.CUSTOM, code__in=[r.code for r in records])
    }
    listed = {c for r in records if r.members for c in r.members}
    ids = area_ids_by_code(listed, kinds=member_kinds) if listed else {}
    authority_of = dict(SmallArea.objects.filter(pk__in=ids.values()).values_list("pk", "local_authority_id"))
    names = dict(LocalAuthority.objects.values_list("pk", "name"))
    through = SmallArea.members.through
    before: dict[int, set[int]] = {}
    for from_id, to_id in through.objects.filter(from_smallarea_id__in=[a.pk for a in areas.values()]).values_list(
        "from_smallarea_id", "to_smallarea_id"
    ):
        before.setdefault(from_id, set()).add(to_id)
    changed: set[str] = set()
    for record in records:
        area = areas[record.code]
        if record.members is not None:
            unknown = [c for c in record.members if c not in ids]
            if unknown:
                raise ValidationError(f"{record.where}: {', '.join(unknown[:5])}: no such LSOA held")
            wanted = {ids[c] for c in record.members}
        else:
            wanted = area_ids_inside(record.boundary, local_authority_id=record.authority_id, kinds=member_kinds)
        outside = sorted(c for c in (record.members or ()) if authority_of[ids[c]] != record.authority_id)
        if outside:
            raise ValidationError(
                f"{record.where}: {', '.join(outside[:5])} {'is' if len(outside) == 1 else 'are'} not in "
                f"{names[record.authority_id]}."
            )
        if not wanted:
            raise ValidationError(f"{record.where}: no LSOA of its authority has its centre inside the outline")
        result.members += len(wanted)
        if wanted != before.get(area.pk, set()):
            area.members.set(wanted)
            changed.add(record.code)
    return changed


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
