"""LSOA 2011 ↔ 2021: importing the ONS lookup, and carrying figures from one boundary set to the other.

ONS marks each 2011 LSOA as U (unchanged), S (split into several 2021 LSOAs), M (merged with others into one 2021
LSOA) or X (complex: redrawn). Carrying a count from 2011 areas to a 2021 area:

- U and M: the whole 2011 area lies inside the 2021 one, so its count goes in whole (weight 1);
- S: the 2011 area's count is shared among its 2021 parts by their population, where an observation of a population
  indicator on the 2021 parts is held; otherwise the area is reported as unresolved;
- X: reported, never guessed.

The other way (2021 figures onto 2011 areas) mirrors it: a split 2011 area gets its 2021 parts whole; a merged one
gets its population share of the 2021 area; complex ones are reported.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.db.models import Max

from indicators.official.importing.files import ImportFileError, read_text
from indicators.official.importing.observations import find_column, read_header, read_source
from indicators.official.models import Indicator, LsoaLookup, Observation, Period
from indicators.places.models import SmallArea

LSOA = re.compile(r"^[EW]01\d{6}$")
LAD = re.compile(r"^[EW]0[6-9]\d{6}$")

# Our case-study file's names, then the ONS national file's (LSOA11_LSOA21_LAD22_EW_LU).
LOOKUP_COLUMNS = {
    "lsoa11_code": ("lsoa11_code", "LSOA11CD"),
    "lsoa11_name": ("lsoa11_name", "LSOA11NM"),
    "change": ("change_code", "CHGIND"),
    "lsoa21_code": ("lsoa21_code", "LSOA21CD"),
    "lsoa21_name": ("lsoa21_name", "LSOA21NM"),
    "local_authority_code": ("ltla22_code", "LAD22CD"),
    "local_authority_name": ("ltla22_name", "LAD22NM"),
}


@dataclass(frozen=True)
class LookupImportResult:
    rows: int
    created: int
    updated: int
    unchanged: int
    by_change: dict[str, int]


def lookup_import(*, source: str | Path | BinaryIO | bytes) -> LookupImportResult:
    """Load an LSOA 2011→2021 lookup (case-study or national file). Every row is checked first; then one
    transaction. Loading the same file again changes nothing."""
    text = read_text(read_source(source))
    reader, header = read_header(text)
    at = {}
    for key, names in LOOKUP_COLUMNS.items():
        index = next((i for name in names if (i := find_column(header, name)) is not None), None)
        if index is None:
            raise ImportFileError(
                f"this is not an LSOA 2011 to 2021 lookup: no column {' or '.join(names)}", line=1, column=names[0]
            )
        at[key] = index
    rows: dict[tuple[str, str], dict] = {}
    width = len(header)
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != width:
            raise ImportFileError(f"has {len(values)} fields where the header has {width}", line=line)
        row = {key: values[i].strip() for key, i in at.items()}
        for key, pattern in (("lsoa11_code", LSOA), ("lsoa21_code", LSOA), ("local_authority_code", LAD)):
            if not pattern.match(row[key]):
                raise ImportFileError(f"'{row[key]}' is not a valid code", line, header[at[key]])
        if row["change"] not in LsoaLookup.Change.values:
            raise ImportFileError(f"'{row['change']}' is not U, S, M or X", line, header[at["change"]])
        if row["change"] == "U" and row["lsoa11_code"] != row["lsoa21_code"]:
            raise ImportFileError("an unchanged (U) LSOA must keep its code", line, header[at["lsoa21_code"]])
        pair = (row["lsoa11_code"], row["lsoa21_code"])
        if pair in rows:
            raise ImportFileError(f"{pair[0]} → {pair[1]} appears twice (first on line {rows[pair]['line']})", line)
        rows[pair] = {**row, "line": line}
    if not rows:
        raise ImportFileError("the file has a header but no rows", line=2)
    fields = ["lsoa11_name", "lsoa21_name", "change", "local_authority_code", "local_authority_name"]
    with transaction.atomic():
        existing = {
            (r.lsoa11_code, r.lsoa21_code): r
            for r in LsoaLookup.objects.filter(lsoa11_code__in={p[0] for p in rows}).only("id", *fields)
        }
        created, updated = [], []
        for pair, row in rows.items():
            before = existing.get(pair)
            if before is None:
                created.append(LsoaLookup(lsoa11_code=pair[0], lsoa21_code=pair[1], **{f: row[f] for f in fields}))
            elif any(getattr(before, f) != row[f] for f in fields):
                for f in fields:
                    setattr(before, f, row[f])
                updated.append(before)
        LsoaLookup.objects.bulk_create(created, batch_size=2000)
        LsoaLookup.objects.bulk_update(updated, fields, batch_size=1000)
    by_change: dict[str, int] = defaultdict(int)
    for row in rows.values():
        by_change[row["change"]] += 1
    return LookupImportResult(
        len(rows), len(created), len(updated), len(rows) - len(created) - len(updated), dict(by_change)
    )


# --- Carrying figures across ---------------------------------------------------------------------------------


@dataclass
class Crosswalk:
    """For each target area: the source areas and the share of each source's figure that belongs to it."""

    shares: dict[str, list[tuple[str, Decimal]]] = field(default_factory=dict)
    unresolved: dict[str, str] = field(default_factory=dict)  # target code → why
    partners: set[str] = field(default_factory=set)  # every source area named, resolved or not


def population_by_code(
    codes: set[str], population: Indicator | None, before: Period | None = None, *, kind: str | None = None
) -> dict:
    """The latest population figure held for each area (up to ``before``'s start, if given), of ``kind`` if given."""
    if population is None or not codes:
        return {}
    observations = Observation.objects.filter(indicator=population, small_area__code__in=codes, value__isnull=False)
    if kind is not None:
        observations = observations.filter(small_area__kind=kind)
    if before is not None:
        observations = observations.filter(period__start__lte=before.start)
    latest = dict(
        observations.values("small_area__code")
        .annotate(last=Max("period__start"))
        .values_list("small_area__code", "last")
    )
    out = {}
    for code, value, start in observations.values_list("small_area__code", "value", "period__start"):
        if latest.get(code) == start:
            out[code] = value
    return out


def crosswalk(
    *, target_codes: set[str], to_kind: str, population: Indicator | None = None, period: Period | None = None
) -> Crosswalk:
    """How figures on the other boundary set make up each target area (``to_kind`` lsoa21 or lsoa11)."""
    forward = to_kind == SmallArea.Kind.LSOA21
    target_field, source_field = ("lsoa21_code", "lsoa11_code") if forward else ("lsoa11_code", "lsoa21_code")
    rows = list(
        LsoaLookup.objects.filter(**{f"{target_field}__in": target_codes}).values_list(
            "lsoa11_code", "lsoa21_code", "change"
        )
    )
    result = Crosswalk()
    # The change that needs a population share: a split 2011 area (forward) or a merge (backward).
    shared_change = LsoaLookup.Change.SPLIT if forward else LsoaLookup.Change.MERGED
    shared_sources = {(r[0] if forward else r[1]) for r in rows if r[2] == shared_change}
    siblings: dict[str, list[str]] = defaultdict(list)  # source → every target it is shared among
    if shared_sources:
        for l11, l21 in LsoaLookup.objects.filter(**{f"{source_field}__in": shared_sources}).values_list(
            "lsoa11_code", "lsoa21_code"
        ):
            siblings[l11 if forward else l21].append(l21 if forward else l11)
    # The parts are areas of the target's boundaries: their population, not that of a same-code area of the other.
    people = population_by_code({c for sib in siblings.values() for c in sib}, population, period, kind=to_kind)
    found = set()
    for l11, l21, change in rows:
        target, source = (l21, l11) if forward else (l11, l21)
        found.add(target)
        result.partners.add(source)
        if change == LsoaLookup.Change.COMPLEX:
            result.unresolved[target] = "complex boundary change (X): not carried across"
            continue
        weight = Decimal(1)
        if change == shared_change:
            parts = siblings[source]
            known = [people.get(p) for p in parts]
            if any(v is None for v in known) or not sum(known):
                result.unresolved[target] = (
                    f"{source} is shared among {len(parts)} areas and their population is not known"
                    + ("" if population else " (no population indicator given)")
                )
                continue
            weight = people[target] / sum(known)
        result.shares.setdefault(target, []).append((source, weight))
    for code in target_codes - found:
        result.unresolved[code] = "not in the LSOA 2011 to 2021 lookup"
    for code in list(result.shares):
        if code in result.unresolved:
            del result.shares[code]
    return result
