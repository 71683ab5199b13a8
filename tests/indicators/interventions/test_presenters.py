"""Dates in words, and where a chart shades an intervention: worked by hand."""

import datetime as dt

import pytest

from indicators.interventions.models import Intervention
from indicators.interventions.presenters import chart_marks, period_words

TODAY = dt.date(2024, 6, 15)
STARTS = [dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1)]  # three yearly points on the x axis


def plain(start, end=None, title="Hub", pk=1):
    return Intervention(pk=pk, title=title, start_date=start, end_date=end, lead_organisation="Council")


@pytest.mark.parametrize(
    ("start", "end", "words"),
    [
        (dt.date(2022, 4, 1), None, "from 1 April 2022, still running"),
        (dt.date(2022, 4, 1), dt.date(2023, 3, 31), "from 1 April 2022 to 31 March 2023 (ended)"),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31), "from 1 January 2024 to 31 December 2024"),
        (dt.date(2025, 5, 1), None, "starts on 1 May 2025"),
    ],
)
def test_periods_in_words(start, end, words):
    assert period_words(plain(start, end), today=TODAY) == words


def test_marks_fall_between_the_points_by_the_share_of_the_period_gone_by():
    # 1 July 2020 is 182 of 2020's 366 days in: 0 + 182/366 of the way to the second point.
    # An end of 1 January 2022 is the last point (2). A still-running one runs to the right edge.
    marks = chart_marks(
        [
            plain(dt.date(2021, 1, 1), None, title="Second", pk=2),
            plain(dt.date(2020, 7, 1), dt.date(2022, 1, 1), title="First", pk=1),
        ],
        STARTS,
    )
    assert [(m["letter"], m["title"]) for m in marks] == [("A", "First"), ("B", "Second")]
    assert marks[0]["start"] == pytest.approx(182 / 366)
    assert marks[0]["end"] == pytest.approx(2.0)
    assert (marks[1]["start"], marks[1]["end"]) == (1.0, 2.0)


def test_marks_outside_the_chart_are_left_out_and_an_earlier_start_is_said():
    marks = chart_marks(
        [
            plain(dt.date(2015, 1, 1), dt.date(2019, 12, 31), title="Before", pk=1),
            plain(dt.date(2023, 1, 1), title="After", pk=2),
            plain(dt.date(2018, 1, 1), dt.date(2020, 6, 30), title="Across", pk=3),
        ],
        STARTS,
    )
    assert [m["title"] for m in marks] == ["Across"]
    assert marks[0]["start"] == 0.0
    assert "it began before the chart does" in marks[0]["words"]
    assert chart_marks([plain(dt.date(2020, 1, 1))], []) == []


def test_a_page_s_charts_share_letters_and_the_factor_key_is_said_once():
    from indicators.interventions.presenters import with_panel_marks

    first = plain(dt.date(2020, 7, 1), title="First", pk=1)
    second = plain(dt.date(2021, 1, 1), title="Second", pk=2)
    # On a chart where only the second shows, it keeps the letter the page gave it.
    marks = chart_marks([second], STARTS, letters={1: "A", 2: "B"})
    assert [m["letter"] for m in marks] == ["B"]
    spec = {"summary": "Scores.", "panels": [{"key": "confidence"}, {"key": "aspiration"}, {"key": "outlook"}]}
    both = chart_marks([first, second], STARTS, letters={1: "A", 2: "B"})
    done = with_panel_marks(spec, {"confidence": both, "aspiration": marks})
    assert [len(p["marks"]) for p in done["panels"]] == [2, 1, 0]
    assert [m["letter"] for m in done["marks"]] == ["A", "B"]  # each once, in order
    assert with_panel_marks(spec, {}) is spec
