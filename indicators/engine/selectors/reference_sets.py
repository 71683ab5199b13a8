"""Reference sets: which areas the improvement report's benchmark averages over, and which it counts per authority.

A reference set is written as a short key and names itself, with its size, in the report's output:

- ``deprived[:<edition>][:decile<N>][:<authority code or region slug>]`` — the deprived LSOAs of an IoD edition
  and decile cut (by default the edition and cut in force, ``indicators/places/deprivation.py``), in England or in
  one place. The report counts the deprived LSOAs of every authority.
- ``all:<kind>[:<authority code or region slug>,…]`` — every area of one kind (``lsoa``, ``lsoa11``, ``lsoa21``,
  ``msoa``, ``ward``, ``custom``…) held, in England or in the places listed. The report counts every area of that
  kind in every authority.
- ``list:<file>`` — the areas listed in a file (one code a line, or a CSV whose first column is the code). The report
  counts the listed areas.

``england-deprived``, ``england-all``, ``region:<slug>`` and ``la:<code>`` (the keys used before) still work.
A set that matches no area is an error that says so.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet

from indicators.engine.services.worklessness import EngineError
from indicators.places.deprivation import deprived_set
from indicators.places.models import Deprivation, LocalAuthority, Region, SmallArea

LA_CODE = re.compile(r"^E0[6-9]\d{6}$")
DECILE = re.compile(r"^decile(\d{1,2})$")
AREA_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
LIST_MAX_BYTES = 5_000_000

# Plural names for each kind of area, for the set's name ("all 215 wards held").
PLURAL = {
    "lsoa": "LSOAs",
    "lsoa11": "LSOAs (2011)",
    "lsoa21": "LSOAs (2021)",
    "msoa": "MSOAs",
    "msoa11": "MSOAs (2011)",
    "msoa21": "MSOAs (2021)",
    "ward": "wards",
    "oa21": "output areas",
    "custom": "custom areas",
}


@dataclass(frozen=True)
class ReferenceSet:
    """The benchmark's areas (``members``) and the areas the report counts per authority (``reported``)."""

    key: str
    name: str  # names the set exactly, with its size
    size: int
    noun: str  # what the report counts: "deprived LSOAs", "wards", "listed areas"
    members: QuerySet
    reported: QuerySet
    deprivation: str = ""  # the edition and cut, for a deprived set


def reference_set(key: str, *, files: bool = False) -> ReferenceSet:
    """Read a reference set's key; EngineError, in words, for one we cannot read or that matches no area.

    ``files``: whether ``list:<file>`` may read a file on this machine (the command line only; never a web request,
    which would otherwise name any file the server can read)."""
    key = (key or "deprived").strip()
    legacy = {"england-deprived": "deprived", "england-all": "all:lsoa"}
    kind, _, rest = legacy.get(key, key).partition(":")
    if kind in ("region", "la") and rest:
        built = _deprived(key, [rest])
    elif kind == "deprived":
        built = _deprived(key, [t for t in rest.split(":") if t])
    elif kind == "all" and rest:
        area_kind, _, places = rest.partition(":")
        built = _all_of_kind(key, area_kind, places)
    elif kind == "list" and rest:
        check_file_allowed(key, files=files)
        built = _listed(key, rest)
    else:
        raise EngineError(
            f"Unknown reference set '{key}': use deprived, deprived:<authority code or region>, "
            "all:<kind>[:<authority code or region>], or list:<file>."
        )
    if built.size == 0:
        raise EngineError(f"The reference set '{key}' matches no area: {built.name}.")
    return built


def check_file_allowed(key: str, *, files: bool) -> None:
    """A set read from a file is for the command line: a web request could otherwise name any file on the server."""
    if not files and (key or "").strip().startswith("list:"):
        raise EngineError("A reference set from a file (list:<file>) is for manage.py improvement_report only.")


def _place(token: str) -> tuple[str, QuerySet]:
    """An authority by its code or a region by its slug: (its name, its authorities)."""
    if LA_CODE.match(token):
        authority = LocalAuthority.objects.filter(code=token).first()
        if authority is None:
            raise EngineError(f"No local authority with the code '{token}'.")
        return f"{authority.name} ({authority.code})", LocalAuthority.objects.filter(pk=authority.pk)
    region = Region.objects.filter(slug=token).first()
    if region is None:
        raise EngineError(f"'{token}' is neither a local authority code (E06…–E09…) nor a region we hold.")
    authorities = region.local_authorities.all()
    return f"{region.name} ({authorities.count()} local authorities)", authorities


def _places(tokens: list[str]) -> tuple[str, QuerySet | None]:
    if not tokens:
        return "England", None
    names, pks = [], set()
    for token in tokens:
        name, authorities = _place(token)
        names.append(name)
        pks.update(authorities.values_list("pk", flat=True))
    return _join(names), LocalAuthority.objects.filter(pk__in=pks)


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _deprived(key: str, tokens: list[str]) -> ReferenceSet:
    editions = set(Deprivation.Edition.values)
    edition = next((t for t in tokens if t in editions), None)
    cut = next((int(m.group(1)) for t in tokens if (m := DECILE.match(t))), None)
    if cut is not None and not 1 <= cut <= 10:
        raise EngineError(f"'decile{cut}' is not a decile cut: use decile1 to decile10.")
    places = [t for t in tokens if t not in editions and not DECILE.match(t)]
    where, authorities = _places(places)
    chosen = deprived_set(edition=edition, max_decile=cut)
    reported = SmallArea.objects.filter(deprivation__edition=chosen.edition, deprivation__decile__lte=chosen.max_decile)
    members = reported.filter(local_authority__in=authorities) if authorities is not None else reported
    size = members.count() if authorities is not None else chosen.areas
    of_place = "" if authorities is None else f" of {where}"
    name = f"the {size:,} LSOAs{of_place} in {chosen.cut} on the {chosen.edition_label}"
    if authorities is None and not tokens:
        name += " (the report's benchmark)"
    return ReferenceSet(key, name, size, "deprived LSOAs", members, reported, deprivation=chosen.describe())


def _kinds(area_kind: str) -> list[str]:
    known = list(SmallArea.Kind.values)
    if area_kind in known:
        return [area_kind]
    grouped = [k for k in known if k.startswith(area_kind) and k[len(area_kind) :].isdigit()]
    if area_kind and grouped:
        return grouped
    raise EngineError(f"'{area_kind}' is not a kind of area: use one of {', '.join(sorted({'lsoa', 'msoa', *known}))}.")


def _authorities_named(areas: QuerySet) -> str:
    names = sorted(LocalAuthority.objects.filter(small_areas__in=areas).distinct().values_list("name", flat=True))
    if len(names) <= 3:
        return _join(names) if names else "no local authority"
    return f"{len(names)} local authorities"


def _all_of_kind(key: str, area_kind: str, places: str) -> ReferenceSet:
    kinds = _kinds(area_kind)
    noun = PLURAL.get(area_kind, f"areas of kind {area_kind}")
    where, authorities = _places([t for t in places.split(",") if t])
    reported = SmallArea.objects.filter(kind__in=kinds)
    members = reported.filter(local_authority__in=authorities) if authorities is not None else reported
    size = members.count()
    if authorities is None:
        name = f"all {size:,} {noun} held, in {_authorities_named(members)}"
        if size == 0:
            name = f"Rebalance holds no {noun}"
    else:
        name = f"all {size:,} {noun} in {where}" if size else f"Rebalance holds no {noun} in {where}"
    return ReferenceSet(key, name, size, noun, members, reported)


def _listed(key: str, path: str) -> ReferenceSet:
    codes = read_area_list(path)
    held: dict[str, set[str]] = {}
    for code, kind in SmallArea.objects.filter(code__in=[c for c, _ in codes]).values_list("code", "kind"):
        held.setdefault(kind, set()).add(code)
    if codes[0][1] == 1 and not any(codes[0][0] in c for c in held.values()):
        codes = codes[1:]  # a header
    if not codes:
        raise EngineError(f"The reference set '{key}' matches no area: the file lists no area code.")
    wanted = {c for c, _ in codes}
    # One kind that holds every code listed (an LSOA code may be held for 2011 and 2021: the newest wins); a
    # benchmark over areas of different sizes would weigh an LSOA like a ward.
    order = {kind: i for i, kind in enumerate(getattr(SmallArea, "PREFERENCE", ()))}
    fitting = sorted((k for k, c in held.items() if wanted <= c), key=lambda k: (order.get(k, len(order)), k))
    if not fitting:
        every = set().union(*held.values()) if held else set()
        for code, line in codes:
            if code not in every:
                raise EngineError(f"{path}, line {line}: no area with the code '{code}' is held.")
        raise EngineError(
            f"{path}: the list mixes kinds of area ({', '.join(sorted(held))}); a reference set holds one kind."
        )
    members = SmallArea.objects.filter(kind=fitting[0], code__in=wanted)
    noun = PLURAL.get(fitting[0], "areas")
    size = members.count()
    name = f"the {size:,} {noun} listed in {Path(path).name}, in {_authorities_named(members)}"
    return ReferenceSet(key, name, size, f"listed {noun}", members, members)


def read_area_list(path: str) -> list[tuple[str, int]]:
    """(code, line) for each area in a list file: one code a line, or a CSV whose first column is the code;
    a first line that is not a code is taken as a header. Errors name the line."""
    try:
        raw = Path(path).read_bytes()[: LIST_MAX_BYTES + 1]
    except OSError as exc:
        raise EngineError(f"Cannot read the list {path}: {exc.strerror}.") from exc
    if len(raw) > LIST_MAX_BYTES:
        raise EngineError(f"{path}: the list is larger than {LIST_MAX_BYTES:,} bytes.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EngineError(f"{path}: not UTF-8 text (byte {exc.start}).") from exc
    codes: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        code = row[0].strip() if row else ""
        if not code:
            continue
        if not AREA_CODE.match(code):
            if line == 1:
                continue  # a header with spaces or punctuation
            raise EngineError(f"{path}, line {line}, column 1: '{code[:40]}' is not an area code.")
        if code in seen:
            raise EngineError(f"{path}, line {line}: '{code}' is listed twice (first on line {seen[code]}).")
        seen[code] = line
        codes.append((code, line))
    if not codes:
        raise EngineError(f"The reference set 'list:{path}' matches no area: the file lists no area code.")
    return codes
