"""XLSForm in and out: the default questionnaire round-trips, and every refusal names its sheet, row and column."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook
from pyxform.xls2xform import convert

from surveys.models import Option, Question, Survey, SurveyVersion
from surveys.services.bank import bank_item_create
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.questionnaire import version_spec
from surveys.services.xlsform import XLSFormError, xlsform_export, xlsform_import, xlsform_read
from tests.surveys.factories import version_factory

pytestmark = pytest.mark.django_db

SURVEY_HEAD = ["type", "name", "label::English (en)", "label::Welsh (cy)", "required", "relevant", "rebalance_factor"]
CHOICES_HEAD = ["list_name", "name", "label::English (en)", "label::Welsh (cy)", "rebalance_score"]
GOOD_SURVEY = [
    ["select_one yn", "likes_park", "Do you like the park?", "Ydych chi’n hoffi’r parc?", "yes", "", "outlook"],
    ["text", "why_not", "Why not?", "Pam lai?", "", "${likes_park} = 'no'", "outlook"],
]
GOOD_CHOICES = [["yn", "yes", "Yes", "Ydw", "100"], ["yn", "no", "No", "Nac ydw", "0"]]
NUMBER_HEAD = ["type", "name", "label::English (en)", "constraint", "rebalance_factor", "rebalance_decimal_places"]


def workbook(survey=GOOD_SURVEY, choices=GOOD_CHOICES, *, survey_head=SURVEY_HEAD, settings=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in [survey_head, *survey]:
        sheet.append(row)
    sheet = book.create_sheet("choices")
    for row in [CHOICES_HEAD, *choices]:
        sheet.append(row)
    sheet = book.create_sheet("settings")
    for row in settings or [["form_title", "form_id"], ["Park survey", "park"]]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return Survey.objects.count(), SurveyVersion.objects.count(), Question.objects.count(), Option.objects.count()


def test_the_default_questionnaire_round_trips_through_xlsform():
    version = default_questionnaire_load()
    data = xlsform_export(version=version)
    again = xlsform_import(data=data, filename="default.xlsx")
    assert again.survey == version.survey
    assert again.number == version.number + 1
    assert version_spec(version=again) == version_spec(version=version)  # wording, Welsh, kinds, skip logic, pages
    scores = [list(q.options.values_list("code", "score", "exclusive")) for q in version.questions.all()]
    assert [list(q.options.values_list("code", "score", "exclusive")) for q in again.questions.all()] == scores
    assert list(again.questions.values_list("bank_item__key", flat=True)) == list(
        version.questions.values_list("key", flat=True)
    )
    # A second round trip gives the same workbook, cell for cell, but for the version number.
    first, second = load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(xlsform_export(version=again)))
    for name in ("survey", "choices"):
        assert list(first[name].values) == list(second[name].values)


def test_the_exported_workbook_is_an_xlsform_that_pyxform_turns_into_an_xform():
    data = xlsform_export(version=default_questionnaire_load())
    xform = convert(xlsform=data, file_type=".xlsx").xform
    assert "ons_anxious_yesterday" in xform
    assert "Welsh (cy)" in xform
    assert "selected( /data/expect_move , &#x27;yes&#x27;)" in xform or "/data/expect_move" in xform


def test_an_imported_questionnaire_uses_its_welsh_labels_and_skip_logic():
    version = xlsform_import(data=workbook(), filename="park.xlsx")
    likes, why = version.questions.order_by("position")
    assert version.survey.slug == "park"
    assert version.survey.name == "Park survey"
    assert likes.text_in("cy") == "Ydych chi’n hoffi’r parc?"  # typographic apostrophes kept as written
    assert likes.options.get(code="no").label_in("cy") == "Nac ydw"
    assert [o.score for o in likes.options.all()] == [100, 0]
    assert why.show_if_question == likes
    assert why.show_if_values == ["no"]
    assert not why.required


def test_the_command_exports_and_imports(tmp_path):
    version = default_questionnaire_load()
    path = tmp_path / "default.xlsx"
    call_command("questionnaire_xlsform", "export", str(version.pk), str(path))
    call_command("questionnaire_xlsform", "import", str(path), "--slug", "copy", "--name", "A copy")
    copy = Survey.objects.get(slug="copy")
    assert copy.name == "A copy"
    assert copy.versions.get().questions.count() == version.questions.count()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(survey=[["select_one nope", "q", "Q", "", "", "", "outlook"]]))
    with pytest.raises(CommandError, match="survey sheet, row 2, column type"):
        call_command("questionnaire_xlsform", "import", str(bad))


def not_xlsform() -> bytes:
    book = Workbook()
    book.active.append(["date", "area_code", "count"])
    book.active.append(["2021-12", "E01000001", "5"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return out.getvalue()


BAD = {
    "unknown type": (
        workbook(
            survey=[["select_one yn", "a", "A", "", "", "", "outlook"], ["colour", "b", "B", "", "", "", "outlook"]]
        ),
        ("survey", 3, "type", "colour"),
    ),
    "a type we have no kind for": (
        workbook(survey=[["date", "when", "When?", "", "", "", "outlook"]]),
        ("survey", 2, "type", "cannot be imported"),
    ),
    "decimal places out of range": (
        workbook(survey=[["decimal", "hours", "Hours?", "", "outlook", "4"]], survey_head=NUMBER_HEAD),
        ("survey", 2, "rebalance_decimal_places", "from 1 to 3"),
    ),
    "decimal places on an integer": (
        workbook(survey=[["integer", "hours", "Hours?", "", "outlook", "2"]], survey_head=NUMBER_HEAD),
        ("survey", 2, "rebalance_decimal_places", "for a decimal"),
    ),
    "a decimal bound on an integer": (
        workbook(survey=[["integer", "hours", "Hours?", ". <= 7.5", "outlook", ""]], survey_head=NUMBER_HEAD),
        ("survey", 2, "constraint", "whole numbers"),
    ),
    "a bound finer than the decimal places": (
        workbook(survey=[["decimal", "hours", "Hours?", ". >= 0.25", "outlook", "1"]], survey_head=NUMBER_HEAD),
        ("survey", 2, "constraint", "1 decimal places"),
    ),
    "a decimal constraint we cannot read": (
        workbook(survey=[["decimal", "hours", "Hours?", ". > 0", "outlook", "1"]], survey_head=NUMBER_HEAD),
        ("survey", 2, "constraint", ". >= 0 and . <= 100"),
    ),
    "a choice list that does not exist": (
        workbook(survey=[["select_one nope", "a", "A", "", "", "", "outlook"]]),
        ("survey", 2, "type", "nope"),
    ),
    "a relevant we cannot express": (
        workbook(survey=[GOOD_SURVEY[0], ["text", "why", "Why?", "", "", "${likes_park} != 'yes'", "outlook"]]),
        ("survey", 3, "relevant", "cannot be imported"),
    ),
    "a relevant on a later question": (
        workbook(survey=[["text", "why", "Why?", "", "", "${likes_park} = 'no'", "outlook"], GOOD_SURVEY[0]]),
        ("survey", 2, "relevant", "not an earlier question"),
    ),
    "a relevant naming no question": (
        workbook(survey=[GOOD_SURVEY[0], ["text", "why", "Why?", "", "", "${nobody} = 'no'", "outlook"]]),
        ("survey", 3, "relevant", "nobody"),
    ),
    "an equals on a select_multiple": (
        workbook(
            survey=[
                ["select_multiple yn", "which", "Which?", "", "", "", "outlook"],
                ["text", "why", "Why?", "", "", "${which} = 'no'", "outlook"],
            ],
            choices=[["yn", "yes", "Yes", "", ""], ["yn", "no", "No", "", ""]],
        ),
        ("survey", 3, "relevant", "selected(${which}, 'answer')"),
    ),
    "a duplicate name": (
        workbook(survey=[GOOD_SURVEY[0], ["text", "likes_park", "Again", "", "", "", "outlook"]]),
        ("survey", 3, "name", "likes_park"),
    ),
    "a duplicate choice": (
        workbook(choices=[*GOOD_CHOICES, ["yn", "yes", "Yes again", "", "50"]]),
        ("choices", 4, "name", "unique"),
    ),
    "a score above 100": (
        workbook(choices=[["yn", "yes", "Yes", "", "150"], ["yn", "no", "No", "", "0"]]),
        ("choices", 2, "rebalance_score", "0 to 100"),
    ),
    "a score below 0": (
        workbook(choices=[["yn", "yes", "Yes", "", "100"], ["yn", "no", "No", "", "-5"]]),
        ("choices", 3, "rebalance_score", "0 to 100"),
    ),
    "scores not from 0 to 100": (
        workbook(choices=[["yn", "yes", "Yes", "", "80"], ["yn", "no", "No", "", "20"]]),
        ("survey", 2, "rebalance_scored", "from 0"),
    ),
    "an unknown factor": (
        workbook(survey=[["text", "a", "A", "", "", "", "happiness"]]),
        ("survey", 2, "rebalance_factor", "happiness"),
    ),
    "no factor": (
        workbook(survey=[["text", "a", "A", "", "", "", ""]]),
        ("survey", 2, "rebalance_factor", "empty"),
    ),
    "a language we do not have": (
        workbook(
            survey=[["text", "a", "A", "Un", "", "", "outlook"]],
            survey_head=[*SURVEY_HEAD[:3], "label::French (fr)", *SURVEY_HEAD[4:]],
        ),
        ("survey", 2, "label::French (fr)", "English (en) and Welsh (cy)"),
    ),
    "a spreadsheet that is not an XLSForm": (not_xlsform(), ("survey", 1, "type", "type")),
    "a workbook that unpacks to too much": (zip_bomb(), (None, None, None, "unpacks to more than 50 MB")),
    "a file that is not a spreadsheet": (
        b"%PDF-1.4 not a workbook at all",
        (None, None, None, "not an Excel workbook"),
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_what_cannot_be_mapped_is_refused_naming_sheet_row_and_column_and_nothing_is_created(case):
    version_factory()
    before = counts()
    data, (sheet, row, column, words) = BAD[case]
    with pytest.raises(XLSFormError) as caught:
        xlsform_import(data=data, filename="form.xlsx")
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == (sheet, row, column), str(caught.value)
    assert words in str(problem)
    assert counts() == before


def test_a_question_that_claims_a_bank_item_but_scores_differently_is_refused():
    bank_item_create(spec={"key": "community_group", "factor": "leadership", "kind": "yes_no", "text": "Taken part?"})
    before = counts()
    head = [*SURVEY_HEAD, "rebalance_bank"]
    survey = [["select_one yn", "community_group", "Taken part?", "", "yes", "", "leadership", "community_group"]]
    reversed_scores = [["yn", "yes", "Yes", "", "0"], ["yn", "no", "No", "", "100"]]
    with pytest.raises(XLSFormError) as caught:
        xlsform_import(data=workbook(survey=survey, choices=reversed_scores, survey_head=head))
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("survey", 2, "rebalance_bank")
    assert "scores differently" in problem.message
    assert counts() == before


def test_every_problem_of_the_mapping_is_listed_at_once():
    data = workbook(
        survey=[GOOD_SURVEY[0], ["text", "a", "A", "", "", "", "nope"]],
        choices=[["yn", "yes", "Yes", "", "100"], ["yn", "no", "No", "", "lots"]],
    )
    with pytest.raises(XLSFormError) as caught:
        xlsform_read(data=data)
    where = [(p.sheet, p.row, p.column) for p in caught.value.problems]
    assert where == [("choices", 3, "rebalance_score"), ("survey", 3, "rebalance_factor")]


def test_a_question_without_a_label_is_named_by_its_row():
    with pytest.raises(XLSFormError) as caught:
        xlsform_read(data=workbook(survey=[GOOD_SURVEY[0], ["integer", "b", "", "", "", "", "outlook"]]))
    problem = caught.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("survey", 3, "label")


def test_a_decimal_imports_as_a_number_question_with_decimal_places_and_an_integer_stays_whole():
    data = workbook(
        survey=[
            ["decimal", "hours", "Hours a week?", ". >= 0 and . <= 99.5", "work_connection", "1"],
            ["decimal", "miles", "How far?", ". >= 0.125", "travel_to_work", ""],
            ["integer", "years", "How many years?", ". >= 0 and . <= 100", "about_you", ""],
        ],
        survey_head=NUMBER_HEAD,
    )
    version = xlsform_import(data=data, filename="numbers.xlsx")
    hours, miles, years = version.questions.order_by("position")
    assert (hours.kind, hours.decimal_places, hours.min_value, hours.max_value) == (
        "number",
        1,
        Decimal("0"),
        Decimal("99.5"),
    )
    assert (miles.decimal_places, miles.min_value, miles.max_value) == (3, Decimal("0.125"), None)
    assert (years.kind, years.decimal_places, years.max_value) == ("number", 0, Decimal("100"))


def test_a_decimal_question_exports_as_decimal_and_round_trips():
    version = version_factory(
        questions=[
            {"key": "hours", "factor": "work_connection", "kind": "number", "text": "Hours a week?",
             "decimal_places": 2, "min": "0.5", "max": "99.75"},
            {"key": "years", "factor": "about_you", "kind": "number", "text": "Years here?", "min": 0, "max": 100},
        ]
    )  # fmt: skip
    data = xlsform_export(version=version)
    survey = list(load_workbook(io.BytesIO(data))["survey"].values)
    head = survey[0]
    rows = {row[head.index("name")]: row for row in survey[1:]}
    assert rows["hours"][head.index("type")] == "decimal"
    assert rows["hours"][head.index("constraint")] == ". >= 0.5 and . <= 99.75"
    assert rows["hours"][head.index("rebalance_decimal_places")] == 2
    assert rows["years"][head.index("type")] == "integer"
    assert rows["years"][head.index("constraint")] == ". >= 0 and . <= 100"
    again = xlsform_import(data=data, filename="again.xlsx")
    assert version_spec(version=again) == version_spec(version=version)
