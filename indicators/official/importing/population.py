"""Population profiles by sex and single year of age per LSOA, from ONS files in their published layouts.

Two layouts are read, chosen by ``layout`` or recognised by the header:

- ``mid-year``: ONS mid-year population estimates by LSOA, one row per area, with an LSOA code column
  (``LSOA 2021 Code``, ``LSOA 2011 Code``, ``LSOA Code``, ``LSOA21CD`` or ``LSOA11CD``), ``F0`` … ``F90`` and
  ``M0`` … ``M90`` (the last of each is 90 and over) and usually ``Total``, which must equal the sum of the ages.
  The spreadsheet's "Mid-2022 LSOA 2021" sheet saved as CSV keeps ONS's title lines above the header: up to
  ``MAX_TITLE_LINES`` lines before it are passed over.
- ``census``: a Census 2021 table of sex by single year of age by LSOA in long form, one row per area × sex × age,
  as ONS's custom-dataset download writes it (``Lower layer Super Output Areas Code``, ``Sex (2 categories)``,
  ``Age (101 categories)``, ``Observation``) or the Nomis API (``GEOGRAPHY_CODE``, ``C_SEX_NAME``,
  ``C_AGE_NAME``, ``OBS_VALUE``). Rows of a total (all persons, all ages) are passed over and counted.

Every row is checked before anything is written (the first problem raises ``ImportFileError`` with its line and
column); an area's profile is then replaced whole in one transaction, and a file loaded twice changes nothing.
Codes of areas we do not hold are counted and reported, never dropped in silence.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from indicators.official.importing.files import ImportFileError, check_columns, read_text, text_stream
from indicators.official.importing.observations import find_column
from indicators.places.models import SmallArea
from indicators.places.population import AreaPopulation, Sex
from indicators.places.selectors import area_ids_by_code

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
MAX_TITLE_LINES = 10
TOP_AGE = 90  # the mid-year estimates' last column is 90 and over
LAYOUTS = ("mid-year", "census")

MID_YEAR_CODE_COLUMNS = (
    ("LSOA 2021 Code", SmallArea.Kind.LSOA21),
    ("LSOA21CD", SmallArea.Kind.LSOA21),
    ("LSOA 2011 Code", SmallArea.Kind.LSOA11),
    ("LSOA11CD", SmallArea.Kind.LSOA11),
    ("LSOA Code", None),
)
CENSUS_COLUMNS = {
    "code": ("Lower layer Super Output Areas Code", "Lower Layer Super Output Areas Code", "GEOGRAPHY_CODE"),
    "sex": ("Sex (2 categories)", "Sex", "C_SEX_NAME"),
    "age": ("Age (101 categories)", "Age", "C_AGE_NAME"),
    "people": ("Observation", "OBS_VALUE"),
}
TOTALS = {"all persons", "all people", "total", "all ages", "all usual residents", "persons"}

Group = tuple[str, int, int | None, int]  # sex, age from, age to (None: and over), people


@dataclass
class PopulationFile:
    """A checked file: each LSOA code's groups, ready to write."""

    layout: str
    kind: str | None  # the LSOA boundaries the file names, when its header says
    areas: dict[str, list[Group]] = field(default_factory=dict)
    rows: int = 0
    totals_skipped: int = 0


@dataclass
class PopulationImportResult:
    layout: str
    rows: int
    areas: int
    added: int
    replaced: int
    unchanged: int
    people: int
    totals_skipped: int
    unknown: list[str]


def _integer(text: str, line: int, column: str) -> int:
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"\d+(\.0+)?", cleaned) is None:
        raise ImportFileError(f"'{text}' is not a number of people (a whole number, 0 or more)", line, column)
    return int(cleaned.split(".")[0])


def _code(text: str, line: int, column: str) -> str:
    code = text.strip()
    if not LSOA_CODE.match(code):
        raise ImportFileError(f"'{code}' is not an LSOA code (E01 or W01 and six digits)", line, column)
    return code


def _header(reader, *, wanted) -> tuple[tuple[str, ...], int]:
    """The header line: the first line (after at most MAX_TITLE_LINES title lines) for which ``wanted`` holds."""
    for values in reader:
        check_columns(values, reader.line_num)
        header = tuple(v.strip() for v in values)
        if wanted(header):
            return header, reader.line_num
        if reader.line_num >= MAX_TITLE_LINES:
            break
    raise ImportFileError("no header found", line=1)


def _mid_year_header(header: tuple[str, ...]) -> bool:
    return any(find_column(header, name) is not None for name, _ in MID_YEAR_CODE_COLUMNS)


def _census_header(header: tuple[str, ...]) -> bool:
    return any(find_column(header, name) is not None for name in CENSUS_COLUMNS["code"])


def _which_layout(text: str) -> str:
    reader = csv.reader(text_stream(text))
    for values in reader:
        header = tuple(v.strip() for v in values)
        if _mid_year_header(header) and find_column(header, "F0") is not None:
            return "mid-year"
        if _census_header(header):
            return "census"
        if reader.line_num >= MAX_TITLE_LINES:
            break
    raise ImportFileError(
        "this is not a population file we know: expected ONS mid-year estimates by LSOA (an 'LSOA 2021 Code' "
        "column and F0 … F90, M0 … M90) or a Census 2021 table of sex by single year of age by LSOA "
        "('Lower layer Super Output Areas Code', 'Sex (2 categories)', 'Age (101 categories)', 'Observation')",
        line=1,
    )


def _read_mid_year(text: str) -> PopulationFile:
    reader = csv.reader(text_stream(text))
    header, header_line = _header(reader, wanted=_mid_year_header)
    code_at, kind = next(
        (find_column(header, n), k) for n, k in MID_YEAR_CODE_COLUMNS if find_column(header, n) is not None
    )
    ages: dict[int, tuple[str, int]] = {}
    for prefix, sex in (("F", Sex.FEMALE), ("M", Sex.MALE)):
        for age in range(TOP_AGE + 1):
            at = find_column(header, f"{prefix}{age}")
            if at is None:
                raise ImportFileError(
                    f"no column {prefix}{age}: the mid-year estimates have F0 … F90 and M0 … M90",
                    header_line,
                    f"{prefix}{age}",
                )
            ages[at] = (sex, age)
    total_at = find_column(header, "Total")
    if total_at is None:
        total_at = find_column(header, "All Ages")
    parsed = PopulationFile("mid-year", kind)
    seen: dict[str, int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ImportFileError(f"has {len(values)} fields where the header has {len(header)}", line=line)
        code = _code(values[code_at], line, header[code_at])
        if code in seen:
            raise ImportFileError(f"LSOA {code} appears twice (first on line {seen[code]})", line, header[code_at])
        seen[code] = line
        groups = []
        for at, (sex, age) in ages.items():
            people = _integer(values[at], line, header[at])
            groups.append((sex, age, None if age == TOP_AGE else age, people))
        if total_at is not None:
            total = _integer(values[total_at], line, header[total_at])
            added = sum(g[3] for g in groups)
            if added != total:
                raise ImportFileError(
                    f"the ages add up to {added:,} but {header[total_at]} says {total:,}", line, header[total_at]
                )
        parsed.areas[code] = groups
        parsed.rows += 1
    return parsed


_AGE_UNDER = re.compile(r"^aged under (\d+) years?$")
_AGE_ONE = re.compile(r"^(?:aged )?(\d+) years?(?: old)?$")
_AGE_OVER = re.compile(r"^(?:aged )?(\d+) years? (?:and|or) over$|^(?:aged )?(\d+)\+$")
_AGE_UP_TO = re.compile(r"^(?:aged )?(\d+) years? and under$")
_AGE_RANGE = re.compile(r"^(?:aged )?(\d+) (?:to|-) (\d+) years?$")


def census_age(label: str) -> tuple[int, int | None] | None:
    """The years an age category covers ((100, None) for "Aged 100 years and over"); None for a total."""
    text = " ".join(label.split()).casefold()
    if text in TOTALS:
        return None
    if m := _AGE_UNDER.match(text):
        return 0, int(m[1]) - 1
    if m := _AGE_OVER.match(text):
        return int(m[1] or m[2]), None
    if m := _AGE_UP_TO.match(text):
        return 0, int(m[1])
    if m := _AGE_RANGE.match(text):
        return int(m[1]), int(m[2])
    if m := _AGE_ONE.match(text):
        return int(m[1]), int(m[1])
    raise ValueError(label)


def _read_census(text: str) -> PopulationFile:
    reader = csv.reader(text_stream(text))
    header, header_line = _header(reader, wanted=_census_header)
    at = {}
    for key, names in CENSUS_COLUMNS.items():
        index = next((i for name in names if (i := find_column(header, name)) is not None), None)
        if index is None:
            raise ImportFileError(f"a census table by LSOA needs a column {' or '.join(names)}", header_line, names[0])
        at[key] = index
    parsed = PopulationFile("census", SmallArea.Kind.LSOA21)  # Census 2021 tables are on 2021 LSOAs
    seen: dict[tuple[str, str, int], int] = {}
    groups: dict[str, list[Group]] = defaultdict(list)
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise ImportFileError(f"has {len(values)} fields where the header has {len(header)}", line=line)
        code = _code(values[at["code"]], line, header[at["code"]])
        sex_label = " ".join(values[at["sex"]].split()).casefold()
        age_label = values[at["age"]]
        try:
            ages = census_age(age_label)
        except ValueError:
            raise ImportFileError(
                f"'{age_label}' is not an age we can read (e.g. 'Aged 4 years', 'Aged 100 years and over')",
                line,
                header[at["age"]],
            ) from None
        people = _integer(values[at["people"]], line, header[at["people"]])
        if sex_label in TOTALS or ages is None:
            parsed.totals_skipped += 1
            continue
        if sex_label not in Sex.values:
            raise ImportFileError(f"'{values[at['sex']]}' is not Female or Male (or a total)", line, header[at["sex"]])
        key = (code, sex_label, ages[0])
        if key in seen:
            raise ImportFileError(
                f"{code}, {sex_label}, '{age_label}' appears twice (first on line {seen[key]})", line, header[at["age"]]
            )
        seen[key] = line
        groups[code].append((sex_label, ages[0], ages[1], people))
        parsed.rows += 1
    for code, rows in groups.items():
        _check_ages(code, rows)
    parsed.areas = dict(groups)
    return parsed


def _check_ages(code: str, groups: list[Group]) -> None:
    """Age groups of one area and sex must not overlap, or residents would be counted twice."""
    for sex in Sex.values:
        ranges = sorted((g[1], g[2]) for g in groups if g[0] == sex)
        for (low, high), (next_low, _) in itertools.pairwise(ranges):
            if high is None or high >= next_low:
                raise ImportFileError(f"{code}: the {sex} age groups starting at {low} and {next_low} overlap")


def population_read(*, source: str | Path | BinaryIO | bytes, layout: str = "") -> PopulationFile:
    """Read and check a population file. Raises ImportFileError, with the line and column, on the first problem."""
    text = read_text(source)
    if layout and layout not in LAYOUTS:
        raise ImportFileError(f"unknown layout '{layout}' (known: {', '.join(LAYOUTS)})")
    layout = layout or _which_layout(text)
    try:
        parsed = _read_mid_year(text) if layout == "mid-year" else _read_census(text)
    except csv.Error as exc:
        raise ImportFileError(f"not valid CSV ({exc})") from exc
    if not parsed.areas:
        raise ImportFileError("the file has a header but no rows of areas")
    return parsed


def population_import(
    *, source: str | Path | BinaryIO | bytes, layout: str = "", label: str = ""
) -> PopulationImportResult:
    """Load a population file: each LSOA we hold gets the file's profile, replacing any it had, in one
    transaction. ``label`` names the source on each row (default: the layout and the file's name)."""
    parsed = population_read(source=source, layout=layout)
    name = Path(source).name if isinstance(source, (str, Path)) else "uploaded file"
    what = "ONS mid-year population estimates" if parsed.layout == "mid-year" else "Census 2021, sex by age"
    label = (label or f"{what} ({name})")[:200]
    kinds = [parsed.kind] if parsed.kind else list(SmallArea.LSOA_KINDS)
    ids = area_ids_by_code(parsed.areas, kinds=kinds)
    unknown = sorted(set(parsed.areas) - set(ids))
    added = replaced = unchanged = 0
    with transaction.atomic():
        held: dict[int, set] = defaultdict(set)
        for row in AreaPopulation.objects.filter(small_area_id__in=ids.values()).values_list(
            "small_area_id", "sex", "age_from", "age_to", "people", "source"
        ):
            held[row[0]].add(row[1:])
        stale, fresh = [], []
        for code, groups in parsed.areas.items():
            area_id = ids.get(code)
            if area_id is None:
                continue
            wanted = {(*g, label) for g in groups}
            if held.get(area_id) == wanted:
                unchanged += 1
                continue
            if area_id in held:
                replaced += 1
                stale.append(area_id)
            else:
                added += 1
            fresh.extend(
                AreaPopulation(small_area_id=area_id, sex=s, age_from=a, age_to=b, people=p, source=label)
                for s, a, b, p in groups
            )
        AreaPopulation.objects.filter(small_area_id__in=stale).delete()
        AreaPopulation.objects.bulk_create(fresh, batch_size=5000)
    people = sum(g[3] for code, groups in parsed.areas.items() if code in ids for g in groups)
    return PopulationImportResult(
        layout=parsed.layout,
        rows=parsed.rows,
        areas=len(parsed.areas),
        added=added,
        replaced=replaced,
        unchanged=unchanged,
        people=people,
        totals_skipped=parsed.totals_skipped,
        unknown=unknown,
    )
