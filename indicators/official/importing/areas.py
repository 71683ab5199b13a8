"""Importing areas of any kind from a file: wards, LSOAs and MSOAs of either census, or custom areas (an estate).

Two shapes: a CSV with the code, name and authority in columns the user names (``--code-column wd15cd …``), or an
ONS GeoJSON whose features carry them as properties (``WD25CD``, ``WD25NM``, ``LAD25CD``) with each area's outline.
A custom area's LSOAs come from a column listing their codes, or, from its outline, the LSOAs whose centres lie
inside it. Every row or feature is checked before anything is written (the first bad one is named with its line or
feature and column); the writing is one service call in one transaction. The same file again changes nothing.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.core.exceptions import ValidationError

from indicators.official.importing.boundaries import DEFAULT_TOLERANCE, _as_json, _open, outline, read_features
from indicators.official.importing.files import ImportFileError, excerpt, open_decompressed, read_text
from indicators.official.importing.observations.layout import find_column
from indicators.official.importing.observations.reading import read_header
from indicators.places.models import LocalAuthority, SmallArea
from indicators.places.services import AreaRecord, AreasStored, areas_store

KINDS = tuple(SmallArea.Kind.values)
# What each kind's codes look like, for the message when a code does not fit (a ward code in an LSOA file).
CODE_SHAPE = {
    SmallArea.Kind.LSOA11: "an LSOA code (E01 or W01 and six digits)",
    SmallArea.Kind.LSOA21: "an LSOA code (E01 or W01 and six digits)",
    SmallArea.Kind.MSOA11: "an MSOA code (E02 or W02 and six digits)",
    SmallArea.Kind.MSOA21: "an MSOA code (E02 or W02 and six digits)",
    SmallArea.Kind.WARD: "a ward code (E05 or W05 and six digits)",
    SmallArea.Kind.OA21: "an output area code (E00 or W00 and six digits)",
    SmallArea.Kind.CUSTOM: "a short code of letters, digits, '-' or '_' (at most 20)",
}
# GeoJSON properties as the ONS names them, by kind (wards and authorities carry their year: WD25CD, LAD25CD).
PROPERTY_CODE = {
    SmallArea.Kind.LSOA11: r"LSOA11CD",
    SmallArea.Kind.LSOA21: r"LSOA21CD",
    SmallArea.Kind.MSOA11: r"MSOA11CD",
    SmallArea.Kind.MSOA21: r"MSOA21CD",
    SmallArea.Kind.WARD: r"WD\d\dCD",
    SmallArea.Kind.OA21: r"OA21CD",
}
AUTHORITY_PROPERTY = re.compile(r"^(LAD\d\dCD|LADCD_ACTIVE|LTLA\d\dCD)$")
MEMBER_SPLIT = re.compile(r"[\s;,|]+")
# (phase, done, total): "checking" rows or features as they are read (a GeoJSON's total is 0: not known until
# its end), then "writing" as they are stored.
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 250


@dataclass
class AreasImportResult:
    kind: str
    format: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    outlines: int = 0
    members: int = 0
    authorities: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"{self.rows:,} {SmallArea.Kind(self.kind).label.lower()} area(s) read from {self.format}: "
            f"{self.created:,} new, {self.updated:,} changed, {self.unchanged:,} unchanged"
        )
        if self.outlines:
            text += f"; {self.outlines:,} outline(s)"
        if self.kind == SmallArea.Kind.CUSTOM:
            text += f"; {self.members:,} member LSOA(s) in all"
        return text + f"; in {len(self.authorities)} authorit{'y' if len(self.authorities) == 1 else 'ies'}."


def areas_import(
    *,
    source: str | Path | BinaryIO | bytes,
    kind: str,
    code_column: str = "",
    name_column: str = "",
    authority_column: str = "",
    members_column: str = "",
    member_kind: str | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    progress: Progress | None = None,
) -> AreasImportResult:
    """Check a whole file of areas, then store it (CSV or GeoJSON, plain or gzip, told apart by their first byte)."""
    if kind not in KINDS:
        raise ImportFileError(f"unknown kind of area '{kind}' (known: {', '.join(KINDS)})")
    if member_kind is not None and member_kind not in SmallArea.LSOA_KINDS:
        raise ImportFileError(f"the member kind must be lsoa11 or lsoa21, not '{member_kind}'")
    if kind != SmallArea.Kind.CUSTOM and members_column:
        raise ImportFileError("only a custom area has member LSOAs: leave out --members-column or use --kind custom")
    if _is_geojson(source):
        records, shape = (
            _read_geojson(
                source,
                kind=kind,
                code=code_column,
                name=name_column,
                authority=authority_column,
                tolerance=tolerance,
                progress=progress,
            ),
            "GeoJSON",
        )
    else:
        records, shape = (
            _read_csv(
                source,
                kind=kind,
                code=code_column,
                name=name_column,
                authority=authority_column,
                members=members_column,
                progress=progress,
            ),
            "CSV",
        )
    if progress:
        progress("checking", len(records), len(records))
        progress("writing", 0, len(records))
    if kind == SmallArea.Kind.CUSTOM:
        for record in records:
            if record.members is None and record.boundary is None:
                raise ImportFileError(
                    f"{record.where}: a custom area needs its LSOAs, from --members-column or an outline",
                    line=record.line,
                )
    try:
        stored: AreasStored = areas_store(
            kind=kind,
            records=records,
            member_kinds=_member_kinds(member_kind),
            progress=(lambda done, total: progress("writing", done, total)) if progress else None,
        )
    except ValidationError as exc:
        # The service's checks against what is held (a member LSOA we do not hold): named by row, nothing written.
        raise ImportFileError(" ".join(exc.messages)) from exc
    return AreasImportResult(
        kind=kind,
        format=shape,
        rows=len(records),
        created=stored.created,
        updated=stored.updated,
        unchanged=stored.unchanged,
        outlines=sum(r.boundary is not None for r in records),
        members=stored.members,
        authorities=sorted({r.authority_code for r in records}),
    )


def _member_kinds(member_kind: str | None) -> tuple[str, ...]:
    return (member_kind,) if member_kind else tuple(SmallArea.LSOA_KINDS)


def _is_geojson(source: str | Path | BinaryIO | bytes) -> bool:
    try:
        with open_decompressed(source) as handle:
            start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except (EOFError, OSError, zlib.error) as exc:
        raise ImportFileError(f"cannot read the file ({exc})") from exc
    if hasattr(source, "seek"):
        source.seek(0)
    return start.startswith(b"{")


# --- CSV ----------------------------------------------------------------------------------------------------------


def _read_csv(
    source: str | Path | BinaryIO | bytes,
    *,
    kind: str,
    code: str,
    name: str,
    authority: str,
    members: str,
    progress: Progress | None = None,
) -> list[AreaRecord]:
    text = read_text(source)
    reader, header = read_header(text)
    lines = max(text.count("\n") - (1 if text.endswith("\n") else 0), 1)  # rows after the header, about
    wanted = {"code": code, "name": name, "authority": authority}
    options = {"code": "--code-column", "name": "--name-column", "authority": "--authority-column"}
    at = {}
    for role, column in wanted.items():
        if not column:
            raise ImportFileError(f"name the {role} column with {options[role]}", line=1)
        index = find_column(header, column)
        if index is None:
            raise ImportFileError(
                f"no {role} column named '{column}' in the header (it has: {excerpt(', '.join(header))})",
                line=1,
                column=column,
            )
        at[role] = index
    members_at = None
    if members:
        members_at = find_column(header, members)
        if members_at is None:
            raise ImportFileError(f"no members column named '{members}' in the header", line=1, column=members)
    authorities = dict(LocalAuthority.objects.values_list("code", "id"))
    records: list[AreaRecord] = []
    seen: dict[str, tuple[int, str, str]] = {}
    width = len(header)
    if progress:
        progress("checking", 0, lines)
    for values in reader:
        line = reader.line_num
        if progress and (line - 1) % PROGRESS_EVERY == 0:
            progress("checking", min(line - 1, lines), lines)
        if not any(v.strip() for v in values):
            continue
        if len(values) != width:
            raise ImportFileError(f"has {len(values)} fields where the header has {width}", line=line)
        cells = {role: values[i].strip() for role, i in at.items()}
        where = f"line {line}"
        _check_code(cells["code"], kind, line=line, column=header[at["code"]])
        if cells["code"] in seen:
            first, name, authority = seen[cells["code"]]
            # A long file (a row per area and date) repeats each area: the same name and authority are one area.
            if (name, authority) == (cells["name"], cells["authority"]):
                continue
            raise ImportFileError(
                f"{cells['code']} appears twice (first on line {first}) with another name or authority",
                line,
                header[at["code"]],
            )
        seen[cells["code"]] = (line, cells["name"], cells["authority"])
        _check_name(cells["name"], line=line, column=header[at["name"]])
        authority_id = _authority(cells["authority"], authorities, line=line, column=header[at["authority"]])
        member_codes = None
        if members_at is not None:
            member_codes = tuple(c for c in MEMBER_SPLIT.split(values[members_at].strip()) if c)
            for member in member_codes:
                if not SmallArea.code_fits_kind(member, SmallArea.Kind.LSOA21):
                    raise ImportFileError(f"'{excerpt(member, 40)}' is not an LSOA code", line, header[members_at])
        records.append(
            AreaRecord(
                code=cells["code"],
                name=cells["name"],
                authority_code=cells["authority"],
                authority_id=authority_id,
                line=line,
                where=where,
                members=member_codes,
            )
        )
    if not records:
        raise ImportFileError("the file has a header but no rows", line=2)
    return records


def _check_code(code: str, kind: str, *, line: int | None, column: str, where: str = "") -> None:
    if not SmallArea.code_fits_kind(code, kind):
        held_as = next((k for k in SmallArea.CODE_PREFIX if SmallArea.code_fits_kind(code, k)), None)
        hint = f" (it looks like {CODE_SHAPE[held_as].split(' (')[0]}: is --kind right?)" if held_as else ""
        raise ImportFileError(f"{where}'{excerpt(code, 40)}' is not {CODE_SHAPE[kind]}{hint}", line=line, column=column)


def _check_name(name: str, *, line: int | None, column: str, where: str = "") -> None:
    if not name:
        raise ImportFileError(f"{where}the name is empty", line=line, column=column)
    if len(name) > SmallArea._meta.get_field("name").max_length:
        raise ImportFileError(f"{where}the name is longer than 120 characters", line=line, column=column)


def _authority(code: str, authorities: dict[str, int], *, line: int | None, column: str, where: str = "") -> int:
    authority_id = authorities.get(code)
    if authority_id is None:
        raise ImportFileError(
            f"{where}'{excerpt(code, 40)}' is not a local authority we hold (import_imd brings every English one)",
            line=line,
            column=column,
        )
    return authority_id


# --- GeoJSON ------------------------------------------------------------------------------------------------------


def _property(properties: dict, given: str, pattern: str | None, role: str, index: int) -> str:
    if given:
        if given not in properties:
            raise ImportFileError(f"feature {index} has no property '{given}' for the {role}", column=given)
        return given
    if pattern is not None:
        found = next((k for k in properties if re.fullmatch(pattern, k)), None)
        if found:
            return found
    raise ImportFileError(
        f"feature {index}: name the property with the {role} (its properties: "
        f"{excerpt(', '.join(properties) or 'none')})"
    )


def _read_geojson(
    source: str | Path | BinaryIO | bytes,
    *,
    kind: str,
    code: str,
    name: str,
    authority: str,
    tolerance: float,
    progress: Progress | None = None,
) -> list[AreaRecord]:
    if not isinstance(source, (str, Path)):
        raise ImportFileError("a GeoJSON file is read from a path")
    authorities = dict(LocalAuthority.objects.values_list("code", "id"))
    records: list[AreaRecord] = []
    seen: dict[str, int] = {}
    keys: dict[str, str] = {}
    try:
        with _open(source) as handle:
            for index, feature in enumerate(read_features(handle)):
                if progress and index % PROGRESS_EVERY == 0:
                    progress("checking", index, 0)
                properties = feature.get("properties") or {}
                if not keys:
                    code_pattern = PROPERTY_CODE.get(kind)
                    keys["code"] = _property(properties, code, code_pattern, "area's code", index)
                    name_pattern = keys["code"][:-2] + "NM" if keys["code"].endswith("CD") else None
                    keys["name"] = _property(properties, name, name_pattern, "area's name", index)
                    keys["authority"] = _property(properties, authority, AUTHORITY_PROPERTY.pattern, "authority", index)
                area_code = str(properties.get(keys["code"]) or "").strip()
                where = f"feature {index}" + (f" ({excerpt(area_code, 24)})" if area_code else "") + ": "
                _check_code(area_code, kind, line=None, column=keys["code"], where=where)
                if area_code in seen:
                    raise ImportFileError(
                        f"{where}{area_code} appears twice (first as feature {seen[area_code]})", column=keys["code"]
                    )
                seen[area_code] = index
                area_name = str(properties.get(keys["name"]) or "").strip()
                _check_name(area_name, line=None, column=keys["name"], where=where)
                authority_code = str(properties.get(keys["authority"]) or "").strip()
                authority_id = _authority(authority_code, authorities, line=None, column=keys["authority"], where=where)
                # outline() checks the geometry (unreadable, empty, not a polygon) and names the feature.
                drawn = outline(feature, index, keys["code"], tolerance, check_code=False)
                records.append(
                    AreaRecord(
                        code=area_code,
                        name=area_name,
                        authority_code=authority_code,
                        authority_id=authority_id,
                        line=None,
                        where=where.rstrip(": "),
                        boundary=_as_json(drawn.boundary),
                        latitude=drawn.latitude,
                        longitude=drawn.longitude,
                    )
                )
    except (EOFError, OSError, zlib.error) as exc:
        raise ImportFileError(f"the gzip file is damaged or cut short ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise ImportFileError("the file is not UTF-8 text") from exc
    if not records:
        raise ImportFileError("the file holds no features")
    return records
