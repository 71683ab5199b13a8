"""My neighbourhoods at a glance, the league and the pairs list: verdicts in words with signs and the period, the
main concerns, one symbol family per comparison, and numbers (never words) in the downloads' numeric cells."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from indicators.engine.models import Trend
from indicators.monitoring import wording
from indicators.monitoring.presenters import cells
from indicators.monitoring.presenters.league import league_sentence
from indicators.monitoring.presenters.neighbourhoods import glance, my_neighbourhoods_table
from indicators.monitoring.presenters.pairs import pair_list_table
from indicators.monitoring.selectors.neighbourhoods import FactorCellStatus, my_neighbourhoods
from tests.indicators.monitoring.glance_world import WEAKEST, build_glance_world


@pytest.fixture
def world(db):
    return build_glance_world()


# --- wording -----------------------------------------------------------------------------------------------


def test_a_verdict_line_has_its_sign_its_period_and_the_benchmarks_change():
    line = wording.verdict_line(verdict="falling_behind", change=0.31, benchmark_change=-0.02, since="March 2025")
    assert line == "Falling behind: worklessness +0.31 points since March 2025 (similar areas −0.02)"
    assert wording.verdict_detail(change=-0.001, benchmark_change=0.0, since="March 2025") == (
        "worklessness 0.00 points since March 2025 (similar areas 0.00)"
    )
    assert wording.verdict_line(verdict="", change=0.2, benchmark_change=None, since="March 2025") == (
        "No figure: worklessness +0.20 points since March 2025 (no figure for similar areas)"
    )
    assert wording.verdict_detail(change=None, benchmark_change=0.1, since="March 2025").startswith("worklessness: no")


def status(factor, against, gap, since=""):
    return SimpleNamespace(
        factor=factor, against_benchmark=against, since_last_wave=since, withheld=False, benchmark_difference=gap
    )


def test_the_main_concerns_are_the_furthest_below_everyone_surveyed_first():
    statuses = [
        status("housing_environment", Trend.WORSE, -4.0),
        status("confidence", Trend.WORSE, -20.0),
        status("aspiration", Trend.WORSE, -11.0),
        status("outlook", Trend.BETTER, 9.0, since=Trend.WORSE),
    ]
    assert wording.main_concerns(statuses) == ["Confidence", "Aspiration"]
    assert wording.main_concerns(statuses, limit=4) == [
        "Confidence",
        "Aspiration",
        "Housing, crime and grime",
        "Community outlook",  # down since the last wave comes after every factor below everyone surveyed
    ]


# --- cells -------------------------------------------------------------------------------------------------


def test_the_two_comparisons_never_share_a_symbol():
    assert not set(cells.SINCE_SYMBOL.values()) & set(cells.AGAINST_SYMBOL.values())
    figure = FactorCellStatus(
        factor="confidence", mean=41.6, since_last_wave=Trend.WORSE, against_benchmark=Trend.BETTER, wave_name="W"
    )
    mark = cells.factor_mark("Confidence", "Confidence", figure)
    assert (mark.since_symbol, mark.score, mark.against_symbol) == ("▼", "42", "+")
    assert (mark.since_tag, mark.against_tag) == ("bad", "good")
    assert mark.words == "Confidence: 42 out of 100, down on last wave; above everyone surveyed"
    first_wave = FactorCellStatus(factor="confidence", mean=50, against_benchmark=Trend.NO_CLEAR_CHANGE, wave_name="W")
    mark = cells.factor_mark("Confidence", "Confidence", first_wave)
    assert (mark.since_symbol, mark.against_symbol) == ("", "=")
    hidden = FactorCellStatus(factor="confidence", withheld=True, withheld_reason="Fewer than 10", wave_name="W")
    assert cells.factor_mark("Confidence", "Confidence", hidden).state == "withheld"
    assert cells.factor_mark("Confidence", "Confidence", None).words == "Confidence: not surveyed"


def test_a_signed_cell_never_shows_minus_zero_and_exports_a_number():
    assert (cells.signed_cell(-0.001).text, cells.signed_cell(-0.001).value) == ("0.00", 0.0)
    assert str(cells.signed_cell(-0.001).value) == "0.0"
    assert (cells.signed_cell(0.19).text, cells.signed_cell(-0.04).text) == ("+0.19", "−0.04")
    missing = cells.signed_cell(None)
    assert (missing.value, missing.text) == (None, "no figure")


# --- My neighbourhoods -------------------------------------------------------------------------------------


def test_the_grid_leads_with_names_and_verdicts_falling_behind_first(world):
    data = my_neighbourhoods(user=world["officer"])
    grid = glance(data)
    assert [r.name for r in grid.rows] == [
        "Swarcliffe (Leeds 041)",
        "Gipton (Leeds 047)",
        "Seacroft (Leeds 112)",
        "Harehills (Leeds 036)",
    ]
    first = grid.rows[0]
    assert (first.verdict_words, first.verdict_tag) == ("Falling behind", "bad")
    assert first.detail.startswith("worklessness +3.00 points since January 2020 (similar areas +")
    assert first.rate == "13.0% in January 2021"
    assert {r.name: r.concerns[0] for r in grid.rows if r.concerns and r.verdict == "falling_behind"} == {
        k: v for k, v in WEAKEST.items() if "Leeds" in k
    }
    seacroft = grid.rows[2]
    assert (seacroft.concerns, seacroft.concerns_note) == ([], "Too few answers to show")
    assert {m.state for m in seacroft.factors} == {"withheld"}
    assert grid.rows[3].concerns_note == "None stands out"
    assert [c[1:] for c in grid.counts] == [
        ("Falling behind", "bad", 2),
        ("Keeping pace", "neutral", 0),
        ("Improving", "good", 2),
        ("No figure", "", 0),
    ]
    assert grid.caption == "Your neighbourhoods, January 2020 to January 2021: 4 of 4 shown"


def test_filters_keep_the_counts_of_every_verdict(world):
    data = my_neighbourhoods(user=world["officer"], status="improving")
    assert {r.neighbourhood.known_as for r in data.rows} == {"Harehills", "Seacroft"}
    assert data.counts["falling_behind"] == 2  # the summary still counts every neighbourhood


def test_the_download_has_numbers_in_numeric_cells_and_words_beside_them(world):
    table = my_neighbourhoods_table(my_neighbourhoods(user=world["officer"]))
    for row in table.rows:
        for column, cell in zip(table.columns, row, strict=True):
            if column.numeric and not cell.withheld:
                assert cell.value is None or isinstance(cell.value, int | float), (column.label, cell)
    swarcliffe = table.rows[0]
    assert swarcliffe[0].text == "Swarcliffe (Leeds 041)"
    assert swarcliffe[7].text == "Housing, crime and grime; Confidence"
    assert swarcliffe[10].note == "no clear change since last wave; below everyone surveyed"


# --- the league and the pairs ------------------------------------------------------------------------------


def test_the_league_says_its_share_in_one_plain_sentence():
    report = SimpleNamespace(
        start="January 2020", end="January 2021", benchmark_change=0.48, areas_counted="deprived LSOAs"
    )
    row = SimpleNamespace(improving=2, areas=9, share=22.2)
    assert league_sentence(report, "Leeds", row, None) == (
        "2 of the 9 deprived LSOAs in Leeds (22%) saw worklessness fall by more, or rise by less, than the "
        "benchmark's average change of +0.48 points from January 2020 to January 2021."
    )
    assert league_sentence(report, "Greater Leeds", row, 59).endswith(
        "The report found 59% for Greater Leeds in the early 2000s, measured the same way."
    )
    assert "No deprived LSOA in Leeds" in league_sentence(report, "Leeds", None, None)


def test_the_pairs_list_uses_the_names_people_use_and_signs(world):
    from tests.factories import MatchedPairFactory

    pair = MatchedPairFactory(first=world["Swarcliffe"], second=world["Gipton"])
    latest = {
        pair.pk: SimpleNamespace(
            period=SimpleNamespace(label="January 2021"), gap=0.5, difference_in_differences=-0.001
        )
    }
    provenance = SimpleNamespace(describe=lambda: "Worklessness.")
    row = pair_list_table([pair], latest, provenance).rows[0]
    assert row[0].text == "Swarcliffe (Leeds 041) and Gipton (Leeds 047)"
    assert (row[3].text, row[4].text, row[5].text) == ("+0.50", "0.00", "no difference")
