"""Names people use for places: the House of Commons Library's MSOA names ("Leeds 041" is "Swarcliffe").

A neighbourhood whose small areas all lie in one MSOA takes that MSOA's name as ``known_as``. An LSOA's ONS name
is its MSOA's name and a letter ("Leeds 041A" lies in "Leeds 041"), so 2011 LSOAs are matched to 2011 MSOAs and
2021 LSOAs to 2021 MSOAs by name; a small area that is itself an MSOA is matched by its code.

Three layouts are read, by their header: the geo-lookups file we ship (``MSOACD, MSOANM, MSOAHCLNM, …,
MSOA11CD, MSOA21CD``: 2011 and 2021 MSOAs in one file) and the Library's own CSVs for 2011 (``msoa11cd,
msoa11nm, msoa11hclnm``) and 2021 (``msoa21cd, msoa21nm, msoa21hclnm``). Every row is checked before anything
is written.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import transaction
from django.db.models import QuerySet

from indicators.official.importing.files import ImportFileError, read_text
from indicators.official.importing.observations import find_column, read_header
from indicators.places.models import Neighbourhood, SmallArea

MSOA_CODE = re.compile(r"^[EW]02\d{6}$")
# An LSOA's name: its MSOA's name, then one capital letter ("Leeds 041A").
LSOA_NAME = re.compile(r"^(?P<msoa>.*\S)\s*[A-Z]$")


@dataclass(frozen=True)
class Layout:
    """Where a file keeps each column, and which boundary years its rows stand for."""

    label: str
    code: str
    name: str
    known_as: str
    code_2011: str | None = None  # geo-lookups: empty for an MSOA new in 2021
    code_2021: str | None = None  # geo-lookups: empty for an MSOA gone by 2021
    years: tuple[int, ...] = (2011, 2021)


LAYOUTS = (
    Layout("geo-lookups MSOA names", "MSOACD", "MSOANM", "MSOAHCLNM", code_2011="MSOA11CD", code_2021="MSOA21CD"),
    Layout("House of Commons Library MSOA names (2021)", "msoa21cd", "msoa21nm", "msoa21hclnm", years=(2021,)),
    Layout("House of Commons Library MSOA names (2011)", "msoa11cd", "msoa11nm", "msoa11hclnm", years=(2011,)),
)


@dataclass(frozen=True)
class MsoaName:
    code: str
    name: str  # the ONS name, "Leeds 041"
    known_as: str  # the Library's name, "Swarcliffe"
    years: tuple[int, ...]


@dataclass
class MsoaNames:
    """The MSOAs of a file, found by the small areas that lie in them."""

    layout: str
    rows: int = 0
    by_code: dict[str, MsoaName] = field(default_factory=dict)
    by_name: dict[int, dict[str, MsoaName]] = field(default_factory=lambda: {2011: {}, 2021: {}})

    def add(self, msoa: MsoaName) -> None:
        self.rows += 1
        self.by_code[msoa.code] = msoa
        for year in msoa.years:
            self.by_name[year][msoa.name.casefold()] = msoa

    def containing(self, area: SmallArea) -> MsoaName | None:
        """The MSOA a small area lies in (or is), or None where the file cannot say."""
        if area.kind == SmallArea.Kind.MSOA21:
            found = self.by_code.get(area.code)
            return found if found and 2021 in found.years else None
        year = {SmallArea.Kind.LSOA11: 2011, SmallArea.Kind.LSOA21: 2021}.get(area.kind)
        match = LSOA_NAME.match(area.name.strip())
        if year is None or match is None:
            return None
        return self.by_name[year].get(match["msoa"].casefold())


def _layout(header: tuple[str, ...]) -> tuple[Layout, dict[str, int]]:
    for layout in LAYOUTS:
        wanted = {"code": layout.code, "name": layout.name, "known_as": layout.known_as}
        if layout.code_2011:
            wanted |= {"code_2011": layout.code_2011, "code_2021": layout.code_2021}
        at = {key: find_column(header, column) for key, column in wanted.items()}
        if at["code"] is not None and all(i is not None for i in at.values()):
            return layout, at
        if at["code"] is not None:
            missing = ", ".join(column for key, column in wanted.items() if at[key] is None)
            raise ImportFileError(f"this looks like {layout.label} but has no column {missing}", line=1)
    raise ImportFileError(
        "this is not a file of MSOA names: expected a header with MSOACD, MSOANM and MSOAHCLNM "
        "(or msoa21cd, msoa21nm, msoa21hclnm, or the same for msoa11)",
        line=1,
    )


def _row_years(layout: Layout, cells: dict[str, str], line: int, header: tuple[str, ...], at) -> tuple[int, ...]:
    if not layout.code_2011:
        return layout.years
    years = tuple(year for year, key in ((2011, "code_2011"), (2021, "code_2021")) if cells[key])
    if not years:
        raise ImportFileError("has neither a 2011 nor a 2021 MSOA code", line, header[at["code_2011"]])
    for key in ("code_2011", "code_2021"):
        if cells[key] and cells[key] != cells["code"]:
            raise ImportFileError(f"'{cells[key]}' is not the row's MSOA code {cells['code']}", line, header[at[key]])
    return years


def msoa_names_read(*, source: str | Path | BinaryIO | bytes) -> MsoaNames:
    """Read and check a file of MSOA names. Raises ImportFileError, with the line, on the first problem."""
    reader, header = read_header(read_text(source))
    layout, at = _layout(header)
    names = MsoaNames(layout=layout.label)
    seen: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise ImportFileError(f"has {len(values)} fields where the header has {len(header)}", line=line)
            cells = {key: values[i].strip() for key, i in at.items()}
            if not MSOA_CODE.match(cells["code"]):
                raise ImportFileError(
                    f"'{cells['code']}' is not an MSOA code (E02 or W02 and six digits)", line, header[at["code"]]
                )
            if cells["code"] in seen:
                raise ImportFileError(f"MSOA {cells['code']} appears twice (first on line {seen[cells['code']]})", line)
            seen[cells["code"]] = line
            for key in ("name", "known_as"):
                if not cells[key]:
                    raise ImportFileError("is empty", line, header[at[key]])
            years = _row_years(layout, cells, line, header, at)
            names.add(MsoaName(cells["code"], cells["name"], cells["known_as"], years))
    except csv.Error as exc:
        raise ImportFileError(f"not valid CSV ({exc})", line=reader.line_num) from exc
    if not names.rows:
        raise ImportFileError("the file has a header but no rows", line=2)
    return names


@dataclass
class NamingResult:
    """What naming did, neighbourhood by neighbourhood (official names, for the command's report)."""

    named: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # a different name an admin set, left alone
    not_one_msoa: list[str] = field(default_factory=list)  # empty, across MSOAs, or not in the file


def neighbourhoods_name(
    *, names: MsoaNames, neighbourhoods: QuerySet[Neighbourhood] | None = None, overwrite: bool = False
) -> NamingResult:
    """Set ``known_as`` on every neighbourhood that lies in one MSOA of the file, in one transaction.

    A name already set (by an admin, or an earlier file) is kept unless ``overwrite``."""
    if neighbourhoods is None:
        neighbourhoods = Neighbourhood.objects.all()
    result = NamingResult()
    changed = []
    with transaction.atomic():
        for neighbourhood in neighbourhoods.prefetch_related("small_areas"):
            msoas = {names.containing(area) for area in neighbourhood.small_areas.all()}
            if len(msoas) != 1 or None in msoas:
                result.not_one_msoa.append(neighbourhood.name)
                continue
            known_as = msoas.pop().known_as
            if neighbourhood.known_as == known_as:
                result.unchanged.append(neighbourhood.name)
            elif neighbourhood.known_as and not overwrite:
                result.kept.append(neighbourhood.name)
            else:
                neighbourhood.known_as = known_as
                changed.append(neighbourhood)
                result.named.append(neighbourhood.name)
        Neighbourhood.objects.bulk_update(changed, ["known_as"], batch_size=500)
    return result
