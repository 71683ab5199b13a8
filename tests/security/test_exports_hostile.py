"""Every download, written with hostile text in every name and title, holds no cell a spreadsheet would run.

A place renamed ``=HYPERLINK("http://evil.example","click")`` by anyone who may edit names must reach an
officer's spreadsheet as text. Each export is opened as a spreadsheet would read it (the csv module, openpyxl)
and every cell is checked; every download is also sent ``Cache-Control: no-store``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.access.models import Role
from indicators.core import spreadsheets
from indicators.core.spreadsheets import FORMULA_START
from indicators.places.models import LocalAuthority, Neighbourhood, Region, SmallArea
from surveys.models import Option, Question, Survey
from tests.factories import staff
from tests.indicators.monitoring.world import build_world

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "@SUM(1+1)",
    "+1",
    "-1+2",
    "\t=1+1",
    "\r=1+1",
]
# What Python writes for a number; "-0.04" is a figure, not a formula.
NUMBER = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")

NEIGHBOURHOOD_TABLES = ["changes", "checklist", "factor-waves", "worklessness", "waves", "areas"]
PAIR_TABLES = ["pair-factors", "pair-worklessness"]
LEAGUE_TABLES = ["league-areas", "league-neighbourhoods"]


def make_hostile(world: dict, payload: str) -> None:
    """The payload leads every text field an export can show: names people use, official names, titles, reasons."""
    for i, region in enumerate(Region.objects.all()):  # names are unique
        region.name = f"{payload} region {i}"
        region.save()
    LocalAuthority.objects.filter(pk=world["leeds"].pk).update(name=payload + " Leeds")
    Neighbourhood.objects.filter(pk=world["harehills"].pk).update(known_as=payload)
    Neighbourhood.objects.filter(pk=world["seacroft"].pk).update(name=payload + " Seacroft", known_as="")
    SmallArea.objects.update(name=payload + " LSOA")
    world["leeds_pair"].reason = payload
    world["leeds_pair"].save()
    for wave in world["waves"]:
        wave.name = payload + " wave"
        wave.save()
    Survey.objects.update(name=payload + " survey")
    Question.objects.update(text=payload + " question", source=payload)
    Option.objects.update(label=payload)


def formulas_in_csv(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [
        cell
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
        if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell)
    ]


def formulas_in_xlsx(content: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)):
                    found.append(f"{sheet.title}!{cell.coordinate}: {cell.value!r}")
    return found


def monitoring_exports(world: dict) -> list[str]:
    """Every monitoring download: each table's CSV (via ?table=) and the whole XLSX."""
    pages = [
        ("my-neighbourhoods-export", [], "", ["neighbourhoods"]),
        ("neighbourhood-export", [world["harehills"].pk], "", NEIGHBOURHOOD_TABLES),
        ("neighbourhood-export", [world["seacroft"].pk], "", NEIGHBOURHOOD_TABLES),
        ("matched-pair-list-export", [], "", ["pairs"]),
        ("matched-pair-export", [world["leeds_pair"].pk], "", PAIR_TABLES),
        ("league-export", [], "area=la:E08000035&", LEAGUE_TABLES),
    ]
    urls = []
    for name, args, query, tables in pages:
        urls.append(reverse(f"indicators:{name}", args=[*args, "xlsx"]) + "?" + query.rstrip("&"))
        csv_url = reverse(f"indicators:{name}", args=[*args, "csv"])
        urls += [f"{csv_url}?{query}table={key}" for key in tables]
    return urls


def wave_exports(world: dict) -> list[str]:
    urls = []
    for wave in world["waves"]:
        for fmt in ("csv", "xlsx"):
            url = reverse("surveys:wave-export", args=[wave.pk, fmt])
            urls += [url, url + "?free_text=1"]
    return urls


def formulas_in(response) -> list[str]:
    if response["Content-Type"] == "application/pdf":
        return []
    if response["Content-Type"].startswith("text/csv"):
        return formulas_in_csv(response.content)
    if response["Content-Type"] == "application/zip":
        bundle = zipfile.ZipFile(io.BytesIO(response.content))
        return [f for name in bundle.namelist() if name.endswith(".csv") for f in formulas_in_csv(bundle.read(name))]
    return formulas_in_xlsx(response.content)


def every_export(client, world: dict):
    """(what, response) for every download an admin can take, codes included."""
    for url in monitoring_exports(world) + wave_exports(world):
        yield url, client.get(url)
    wave = world["waves"][1]
    wave.closes_on = wave.opens_on.replace(year=2100)  # codes are made only while a wave can still be answered
    wave.save()
    for fmt in ("csv", "zip", "pdf"):
        url = reverse("surveys:wave-codes", args=[wave.pk])
        yield f"codes {fmt}", client.post(url, {"neighbourhood": world["harehills"].pk, "count": 2, "format": fmt})


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize("payload", HOSTILE, ids=["hyperlink", "at", "plus", "minus", "tab", "cr"])
def test_no_export_holds_a_formula_whatever_the_names(client, world, payload):
    make_hostile(world, payload)
    client.force_login(world["admin"])
    for what, response in every_export(client, world):
        assert response.status_code == 200, what
        assert formulas_in(response) == [], what


def test_without_the_defusing_every_export_would_hold_one(client, world, monkeypatch):
    """Each export does carry the hostile text, and through the one defusing function: switched off, all fail."""
    monkeypatch.setattr(spreadsheets, "defuse", lambda value: value)
    make_hostile(world, HOSTILE[0])
    client.force_login(world["admin"])
    clean = [what for what, response in every_export(client, world) if not formulas_in(response)]
    # The checklist holds only our own words (factors and recommended responses), no name anyone can edit;
    # the letters are a PDF, not a spreadsheet.
    assert all(what.endswith("table=checklist") or what == "codes pdf" for what in clean), clean


def test_the_hostile_names_reach_the_files_as_text(client, world):
    """The check above would pass on empty files: the names are there, with the apostrophe that keeps them text."""
    make_hostile(world, HOSTILE[0])
    client.force_login(world["admin"])
    response = client.get(reverse("indicators:neighbourhood-export", args=[world["seacroft"].pk, "xlsx"]))
    about = load_workbook(io.BytesIO(response.content))["About"]
    assert about["A1"].value == "'" + HOSTILE[0] + " Seacroft"
    response = client.get(reverse("indicators:my-neighbourhoods-export", args=["csv"]))
    cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")) for cell in row]
    assert f"'{HOSTILE[0]} (Harehills)" in cells
    response = client.get(reverse("surveys:wave-export", args=[world["waves"][1].pk, "csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert {r["wave"] for r in rows} == {"'" + HOSTILE[0] + " wave"}


def test_the_check_catches_a_formula():
    """The detector itself: a raw formula in a CSV or an XLSX cell is found, a negative number is not."""
    from openpyxl import Workbook

    assert formulas_in_csv(b'name,rate\n"=HYPERLINK(""x"")",-0.04\n') == ['=HYPERLINK("x")']
    assert formulas_in_csv(b'name\n"\r=1+1"\n') == ["\r=1+1"]
    book = Workbook()
    book.active.append(["=SUM(1+1)", -1])
    out = io.BytesIO()
    book.save(out)
    assert formulas_in_xlsx(out.getvalue()) == ["Sheet!A1: '=SUM(1+1)'"]


def test_every_export_is_never_kept_in_a_cache(client, world):
    client.force_login(world["admin"])
    for url in monitoring_exports(world) + wave_exports(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
    wave = world["waves"][1]
    wave.closes_on = wave.opens_on.replace(year=2100)
    wave.save()
    officer = staff(Role.OFFICER, username="codes.officer", local_authorities=[world["leeds"]])
    client.force_login(officer)
    for fmt in ("csv", "pdf", "zip"):
        response = client.post(
            reverse("surveys:wave-codes", args=[wave.pk]),
            {"neighbourhood": world["harehills"].pk, "count": 1, "format": fmt},
        )
        assert response.status_code == 200, fmt
        assert "no-store" in response["Cache-Control"], fmt
