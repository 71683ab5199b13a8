"""Importing the English Indices of Deprivation (IoD2019 File 1 or 7, IoD2025 File 7).

A File 7 also carries the seven domains (income, employment, education, health, crime, barriers to housing and
services, living environment): each domain whose score, rank and decile columns are all present is stored too
(``DeprivationDomain``), checked like the IMD's own columns.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from indicators.official.importing.files import ImportFileError, check_columns, read_text, text_stream
from indicators.official.models import DeprivationDomain
from indicators.places.deprivation import NATIONAL_LSOA_COUNT
from indicators.places.models import Deprivation, LocalAuthority, SmallArea
from indicators.places.selectors import area_ids_by_code

LSOA_CODE = re.compile(r"^E01\d{6}$")
LA_CODE = re.compile(r"^E0[6-9]\d{6}$")

# Columns are matched by the start of their name: circulated copies cut long names short.
COLUMNS = {
    "lsoa_code": "LSOA code (20",
    "lsoa_name": "LSOA name (20",
    "la_code": "Local Authority District code (20",
    "la_name": "Local Authority District name (20",
    "rank": "Index of Multiple Deprivation (IMD) Rank",
    "decile": "Index of Multiple Deprivation (IMD) Decile",
}
SCORE_PREFIX = "Index of Multiple Deprivation (IMD) Score"

# Each domain's columns start "<name> Score", "<name> Rank" and "<name> Decile" in both editions' File 7.
DOMAIN_NAMES = {
    DeprivationDomain.Domain.INCOME: "Income",
    DeprivationDomain.Domain.EMPLOYMENT: "Employment",
    DeprivationDomain.Domain.EDUCATION: "Education, Skills and Training",
    DeprivationDomain.Domain.HEALTH: "Health Deprivation and Disability",
    DeprivationDomain.Domain.CRIME: "Crime",
    DeprivationDomain.Domain.BARRIERS: "Barriers to Housing and Services",
    DeprivationDomain.Domain.LIVING_ENVIRONMENT: "Living Environment",
}


@dataclass(frozen=True)
class ImdImportResult:
    edition: str
    file_kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    domains: tuple[str, ...] = ()  # the domains the file carried, stored for every row
    domain_figures_changed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.domain_figures_changed)


@dataclass(frozen=True)
class _Row:
    lsoa_code: str
    lsoa_name: str
    la_code: str
    la_name: str
    rank: int
    decile: int
    score: Decimal | None
    domains: tuple[tuple[str, Decimal, int, int], ...] = ()  # (domain, score, rank, decile)


def _normalise(name: str) -> str:
    return " ".join(name.split()).casefold()


def _find_column(header: list[str], prefix: str) -> int | None:
    want = _normalise(prefix)
    for index, name in enumerate(header):
        if _normalise(name).startswith(want):
            return index
    return None


def _read_header(header: list[str]) -> tuple[dict[str, int], int | None, str, str]:
    positions = {}
    for key, prefix in COLUMNS.items():
        index = _find_column(header, prefix)
        if index is None:
            raise ImportFileError(
                f"this is not an English Indices of Deprivation file: no column starting '{prefix}' in the header",
                line=1,
                column=prefix,
            )
        positions[key] = index
    lsoa_header = header[positions["lsoa_code"]]
    if "2021" in lsoa_header:
        edition = Deprivation.Edition.IOD2025
    elif "2011" in lsoa_header:
        edition = Deprivation.Edition.IOD2019
    else:
        raise ImportFileError(
            f"cannot tell the edition from '{lsoa_header}': expected 'LSOA code (2011)' or 'LSOA code (2021)'",
            line=1,
            column=lsoa_header,
        )
    score = _find_column(header, SCORE_PREFIX)
    file_kind = "File 7" if score is not None else "File 1"
    return positions, score, edition, file_kind


def _domain_columns(header: list[str]) -> dict[str, tuple[int, int, int]]:
    """Domain → (score, rank, decile) column indexes, for the domains whose three columns are all there."""
    found = {}
    for domain, name in DOMAIN_NAMES.items():
        at = [_find_column(header, f"{name} {part}") for part in ("Score", "Rank", "Decile")]
        if None not in at:
            found[domain] = tuple(at)
    return found


def _parse_rows(reader, header, positions, score_at, edition, partial, domain_at=None) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    width = len(header)
    total = NATIONAL_LSOA_COUNT[edition]
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != width:
            raise ImportFileError(
                f"has {len(values)} fields where the header has {width}: the file may be cut short",
                line=line,
            )
        cells = {key: values[index].strip() for key, index in positions.items()}
        code = cells["lsoa_code"]
        if not LSOA_CODE.match(code):
            raise ImportFileError(
                f"'{code}' is not an LSOA code (E01 and six digits)", line, header[positions["lsoa_code"]]
            )
        if code in seen:
            raise ImportFileError(f"LSOA {code} appears twice (first on line {seen[code]})", line)
        seen[code] = line
        la_code = cells["la_code"]
        if not LA_CODE.match(la_code):
            raise ImportFileError(f"'{la_code}' is not a local authority code", line, header[positions["la_code"]])
        rank = _integer(cells["rank"], 1, total, line, header[positions["rank"]])
        decile = _integer(cells["decile"], 1, 10, line, header[positions["decile"]])
        score = None
        if score_at is not None:
            try:
                score = Decimal(values[score_at].strip()).quantize(Decimal("0.001"))
            except InvalidOperation:
                raise ImportFileError(f"'{values[score_at]}' is not a number", line, header[score_at]) from None
        domains = tuple(
            (
                domain,
                _score(values[s_at], line, header[s_at]),
                _integer(values[r_at].strip(), 1, total, line, header[r_at]),
                _integer(values[d_at].strip(), 1, 10, line, header[d_at]),
            )
            for domain, (s_at, r_at, d_at) in (domain_at or {}).items()
        )
        rows.append(_Row(code, cells["lsoa_name"], la_code, cells["la_name"], rank, decile, score, domains))
    if not rows:
        raise ImportFileError("the file has a header but no rows", line=2)
    if not partial and len(rows) != total:
        raise ImportFileError(
            f"a national {edition} file has {total:,} LSOAs but this one has {len(rows):,} "
            f"(last row on line {reader.line_num}): it looks cut short. Use --partial to load a subset on purpose."
        )
    return rows


def _score(raw: str, line: int, column: str) -> Decimal:
    try:
        value = Decimal(raw.strip()).quantize(Decimal("0.001"))
    except InvalidOperation:
        raise ImportFileError(f"'{raw}' is not a number", line, column) from None
    if not value.is_finite() or abs(value) >= 100_000:
        raise ImportFileError(f"'{raw}' is not a domain score", line, column)
    return value


def _integer(raw: str, low: int, high: int, line: int, column: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ImportFileError(f"'{raw}' is not a whole number", line, column) from None
    if not low <= value <= high:
        raise ImportFileError(f"{value} is outside {low} to {high}", line, column)
    return value


def imd_import(*, source: str | Path | BinaryIO | bytes, partial: bool = False) -> ImdImportResult:
    """Load an IoD file: every row is checked before anything is written, then all in one transaction.

    Re-importing the same file writes nothing. With ``partial`` a subset of LSOAs is accepted.
    """
    reader = csv.reader(text_stream(read_text(source)))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    except csv.Error as exc:
        raise ImportFileError(f"not a CSV file ({exc})", line=1) from exc
    check_columns(header)
    positions, score_at, edition, file_kind = _read_header(header)
    domain_at = _domain_columns(header)
    try:
        rows = _parse_rows(reader, header, positions, score_at, edition, partial, domain_at)
    except csv.Error as exc:
        raise ImportFileError(f"not valid CSV ({exc})", line=reader.line_num) from exc
    kind = Deprivation.EDITION_KIND[edition]
    with transaction.atomic():
        result = _write(rows, edition=edition, kind=kind, file_kind=file_kind)
        changed = _write_domains(rows, edition=edition, kind=kind) if domain_at else 0
    return replace(result, domains=tuple(domain_at), domain_figures_changed=changed)


def _write(rows: list[_Row], *, edition: str, kind: str, file_kind: str) -> ImdImportResult:
    local_authorities = {r.la_code: r.la_name for r in rows}
    known_las = dict(LocalAuthority.objects.values_list("code", "name"))
    new_las = [LocalAuthority(code=c, name=n) for c, n in local_authorities.items() if c not in known_las]
    LocalAuthority.objects.bulk_create(new_las, batch_size=1000)
    la_ids = dict(LocalAuthority.objects.filter(code__in=local_authorities).values_list("code", "id"))

    # Each edition's own boundaries: IoD2019 ranks never land on a 2021 LSOA of the same code, nor the reverse.
    known_areas = {
        code: (name, la)
        for code, name, la in SmallArea.objects.filter(kind=kind, code__in=[r.lsoa_code for r in rows]).values_list(
            "code", "name", "local_authority_id"
        )
    }
    areas = [
        SmallArea(code=r.lsoa_code, name=r.lsoa_name, kind=kind, local_authority_id=la_ids[r.la_code])
        for r in rows
        if known_areas.get(r.lsoa_code) != (r.lsoa_name, la_ids[r.la_code])
    ]
    SmallArea.objects.bulk_create(
        areas,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["code", "kind"],
        update_fields=["name", "local_authority"],
    )
    area_ids = area_ids_by_code([r.lsoa_code for r in rows], kinds=[kind])

    existing = {
        area: (rank, decile, score)
        for area, rank, decile, score in Deprivation.objects.filter(edition=edition).values_list(
            "small_area_id", "rank", "decile", "score"
        )
    }
    changed = []
    created = updated = 0
    for r in rows:
        area_id = area_ids[r.lsoa_code]
        before = existing.get(area_id)
        if before == (r.rank, r.decile, r.score):
            continue
        created += before is None
        updated += before is not None
        changed.append(Deprivation(small_area_id=area_id, edition=edition, rank=r.rank, decile=r.decile, score=r.score))
    Deprivation.objects.bulk_create(
        changed,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["small_area", "edition"],
        update_fields=["rank", "decile", "score"],
    )
    return ImdImportResult(
        edition=edition,
        file_kind=file_kind,
        rows=len(rows),
        created=created,
        updated=updated,
        unchanged=len(rows) - created - updated,
    )


def _write_domains(rows: list[_Row], *, edition: str, kind: str) -> int:
    """Store each row's domain figures for the edition (insert or update); return how many changed."""
    area_ids = area_ids_by_code([r.lsoa_code for r in rows], kinds=[kind])
    existing = {
        (area, domain): (score, rank, decile)
        for area, domain, score, rank, decile in DeprivationDomain.objects.filter(
            edition=edition, small_area_id__in=area_ids.values()
        ).values_list("small_area_id", "domain", "score", "rank", "decile")
    }
    changed = [
        DeprivationDomain(
            small_area_id=area_ids[r.lsoa_code], edition=edition, domain=domain, score=score, rank=rank, decile=decile
        )
        for r in rows
        for domain, score, rank, decile in r.domains
        if existing.get((area_ids[r.lsoa_code], domain)) != (score, rank, decile)
    ]
    DeprivationDomain.objects.bulk_create(
        changed,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["small_area", "edition", "domain"],
        update_fields=["score", "rank", "decile"],
    )
    return len(changed)
