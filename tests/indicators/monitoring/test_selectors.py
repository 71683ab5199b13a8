"""Page selectors and exports: windows, improving or lagging, withheld cells, and what a download writes."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from indicators.engine.models import WorklessnessPoint
from indicators.engine.selectors.verdicts import worklessness_verdict
from indicators.monitoring.exports import Column, Table, as_csv, as_xlsx, number, sheet_name, text, withheld
from indicators.monitoring.selectors import common
from indicators.monitoring.selectors import league as league_data
from indicators.monitoring.selectors import neighbourhoods as neighbourhoods_data
from indicators.official.models import Period
from tests.factories import UserFactory
from tests.indicators.monitoring.world import build_world


def period(year: int, month: int = 1) -> Period:
    start = dt.date(year, month, 1)
    end, label = Period.describe(Period.Kind.MONTH, start)
    return Period(kind=Period.Kind.MONTH, start=start, end=end, label=label)


def test_window_goes_back_the_years_asked_for_or_to_the_start():
    series = [(period(y, m), float(y - 2000) + m / 100, 1) for y in (2018, 2019, 2020, 2021) for m in (1, 6)]
    one = common.window(series, "1")
    assert (one.start.label, one.end.label) == ("June 2020", "June 2021")
    assert one.benchmark_change == pytest.approx(1.0)
    three = common.window(series, "3")
    assert three.start.label == "June 2018"
    five = common.window(series, "5")
    assert five.start.label == "January 2018"  # not that far back: the earliest
    whole = common.window(series, "all")
    assert (whole.start.label, whole.end.label) == ("January 2018", "June 2021")
    assert common.window([], "1").end is None


def test_improving_means_falling_by_more_than_the_benchmark():
    assert worklessness_verdict(-2.0, -1.0) == "improving"
    assert worklessness_verdict(-0.5, -1.0) == "falling_behind"
    assert worklessness_verdict(-1.0, -1.0) == "keeping_pace"  # the same fall is not faster
    assert worklessness_verdict(None, -1.0) == ""
    assert worklessness_verdict(-1.0, None) == ""


def test_numbers_never_show_a_missing_figure_as_zero():
    assert number(None).text == "no figure"
    assert number(None, missing="not loaded").value == "not loaded"
    assert number(-1.234, digits=2, signed=True).text == "−1.23"
    assert number(-1.234, digits=2, signed=True).value == -1.23
    assert [number(v, digits=2, signed=True).text for v in (0, -0.001, 0.004)] == ["0.00", "0.00", "0.00"]
    cell = withheld("Fewer than 10 responses")
    assert (cell.text, cell.value) == ("Withheld", None)


def test_downloads_are_tidy_keep_withheld_figures_and_defuse_formulas(db):
    user = UserFactory(username="reader")
    table = Table(
        key="t",
        caption="Figures for the places you look after: 2 shown",
        columns=[Column("Place"), Column("Score", numeric=True), Column("Change", numeric=True)],
        rows=[
            [text('=HYPERLINK("x")'), number(12.5), number(-0.5, signed=True, note="(down on last wave)")],
            [text("Withheld place"), withheld("Fewer than 10 responses"), number(None)],
        ],
        source="Test source",
    )
    response = as_csv([table], title="T", filename="t", user=user)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    # One header row, then data: numbers alone in numeric columns, their words in a column of their own.
    assert rows == [
        ["Place", "Score", "Score: in words", "Change", "Change: in words"],
        ['\'=HYPERLINK("x")', "12.5", "", "-0.5", "down on last wave"],
        ["Withheld place", "", "withheld: Fewer than 10 responses", "", "no figure"],
    ]
    assert response["X-Rebalance-Source"] == "Test source"
    assert "by reader" in response["X-Rebalance-Downloaded"]
    book = load_workbook(io.BytesIO(as_xlsx([table], title="T", filename="t", user=user).content))
    assert book.sheetnames == ["About", "Figures for the places you look"]
    sheet = book["Figures for the places you look"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=1, max_row=3)]
    assert values == [
        ["Place", "Score", "Score: in words", "Change", "Change: in words"],
        ['\'=HYPERLINK("x")', 12.5, None, -0.5, "down on last wave"],
        ["Withheld place", None, "withheld: Fewer than 10 responses", None, "no figure"],
    ]
    assert [c.value for c in book["About"][6]] == ["Figures for the places you look", table.caption, "Test source"]


@pytest.mark.parametrize(
    ("caption", "name"),
    [
        ("Neighbourhoods you look after: 44 of 44 shown", "Neighbourhoods you look after"),
        ("Share of deprived LSOAs improving faster than the benchmark, 2020 to 2021", "Share of deprived LSOAs"),
        ("Where each factor stands at the latest wave", "Where each factor stands at the"),
    ],
)
def test_sheet_names_are_whole_words_within_excels_31_characters(caption, name):
    assert sheet_name(caption, set()) == name
    assert len(name) <= 31


def test_sheet_names_stay_unique():
    used: set[str] = set()
    assert [sheet_name("Figures", used) for _ in range(3)] == ["Figures", "Figures 2", "Figures 3"]


@pytest.fixture
def world(db):
    return build_world()


def test_my_neighbourhoods_reads_rates_and_factor_status(world):
    data = neighbourhoods_data.my_neighbourhoods(user=world["officer"])
    rows = {r.neighbourhood.name: r for r in data.rows}
    assert set(rows) == {"Harehills", "Seacroft"}
    harehills = rows["Harehills"]
    # Harehills: (80 + 100) / 2000 = 9% in January 2020, (70 + 90) / 2000 = 8% in January 2021.
    assert harehills.rate == pytest.approx(8.0)
    assert harehills.change == pytest.approx(-1.0)
    bench = {p.period.start.year: p.rate for p in WorklessnessPoint.objects.filter(level="benchmark")}
    assert data.window.benchmark_change == pytest.approx(bench[2021] - bench[2020])
    assert harehills.against_benchmark == pytest.approx(-1.0 - data.window.benchmark_change)
    assert harehills.responses == 12
    assert harehills.factors["confidence"].since_last_wave == "better"
    seacroft = rows["Seacroft"].factors["confidence"]
    assert seacroft.withheld
    assert seacroft.mean is None
    assert seacroft.withheld_reason == "Fewer than 10 responses"


def test_league_choices_are_the_users_places(world):
    choices = league_data.league_choices(user=world["officer"])
    assert choices.areas == [("region:greater-leeds", "Greater Leeds (region)"), ("la:E08000035", "Leeds")]
    assert [p.label for p in choices.periods] == ["January 2019", "January 2020", "January 2021"]
    manager = league_data.league_choices(user=world["manager"])
    assert ("la:E08000012", "Liverpool") in manager.areas
    assert all("Leeds" not in label for _, label in manager.areas)
