"""Number questions with decimal places: what residents may type, how every channel stores it exactly, and how
exports, the API, the editor and the question bank show it."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from rest_framework.test import APIClient

from indicators.access.models import Role
from surveys.models import Answer, Question, Response, number_shown, number_value
from surveys.services.answering import AnswerErrors, answer_clean, answers_clean_all
from surveys.services.bank import bank_item_create, question_add_from_bank
from surveys.services.export_disclosure import quasi_identifier
from surveys.services.questionnaire import question_create
from surveys.services.questionnaire_file import QuestionnaireFileError, questionnaire_file_read
from surveys.services.responses import response_submit
from tests.factories import staff
from tests.surveys.factories import GOOD_ANSWERS, SMALL_QUESTIONNAIRE, codes_for, version_factory, wave_factory

pytestmark = pytest.mark.django_db

HOURS = {
    "key": "hours",
    "page": 5,
    "factor": "work_connection",
    "kind": "number",
    "text": "How many hours a week do you work?",
    "decimal_places": 2,
    "min": "0.5",
    "max": "80",
    "required": False,
}


def decimal_version():
    return version_factory(questions=[*SMALL_QUESTIONNAIRE, HOURS])


def hours(version) -> Question:
    return version.questions.get(key="hours")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2.5", Decimal("2.5")),
        ("2.50", Decimal("2.5")),
        (" 7 ", Decimal("7")),
        ("7.", Decimal("7")),
        (".75", Decimal("0.75")),
        ("79.99", Decimal("79.99")),
        ("80.000", Decimal("80")),
        ("+12.25", Decimal("12.25")),
    ],
)
def test_a_decimal_question_takes_numbers_with_a_full_stop(raw, expected):
    cleaned = answer_clean(question=hours(decimal_version()), raw=[raw])
    assert cleaned.number == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "Enter a number, like 2.5"),
        ("2,5", "Use a full stop for the decimal point, like 2.5, not a comma"),
        ("1.2345", "no more than 2 decimal places, like 2.55"),
        ("0.25", "Enter a number of 0.5 or more"),
        ("80.01", "Enter a number of 80 or less"),
        ("-3", "Enter a number of 0.5 or more"),
        ("1e3", "Enter a number, like 2.5"),
        ("NaN", "Enter a number, like 2.5"),
        ("2.5.1", "Enter a number, like 2.5"),
        (".", "Enter a number, like 2.5"),
        ("9" * 20, "Enter a smaller number"),
    ],
)
def test_a_decimal_question_refuses_what_is_not_a_number_it_takes_with_a_clear_message(raw, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        answer_clean(question=hours(decimal_version()), raw=[raw])


def test_one_decimal_place_is_said_in_the_singular_and_welsh_has_its_own_words():
    version = version_factory(questions=[{**HOURS, "decimal_places": 1}])
    question = hours(version)
    with pytest.raises(ValueError, match=r"no more than 1 decimal place, like 2\.5"):
        answer_clean(question=question, raw=["2.25"])
    with translation.override("cy"), pytest.raises(ValueError, match="atalnod llawn") as caught:
        answer_clean(question=question, raw=["2,5"])
    assert "2.5" in str(caught.value)


def test_a_whole_number_question_stays_whole_and_takes_thousands_separators():
    version = version_factory(questions=[{**HOURS, "decimal_places": 0, "min": 0, "max": 5000}])
    question = hours(version)
    assert answer_clean(question=question, raw=["1,250"]).number == 1250
    assert answer_clean(question=question, raw=["4.0"]).number == 4
    for raw in ("2.5", "2,5", "12,34"):
        with pytest.raises(ValueError, match="Enter a whole number, like 5"):
            answer_clean(question=question, raw=[raw])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    number=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("80"), places=2, allow_nan=False),
    junk=st.text(max_size=12),
)
def test_every_number_in_range_round_trips_and_no_text_gets_past_without_a_message(number, junk):
    question = Question(kind="number", decimal_places=2, min_value=Decimal("0.5"), max_value=Decimal("80"))
    assert answer_clean(question=question, raw=[str(number)]).number == number
    assert answer_clean(question=question, raw=[number_shown(number)]).number == number
    message = ""
    try:
        cleaned = answer_clean(question=question, raw=[junk]) if junk.strip() else None
    except ValueError as exc:  # a message for the resident, never a crash
        cleaned, message = None, str(exc)
    assert cleaned is not None or message or not junk.strip()
    if cleaned is not None:
        assert Decimal("0.5") <= cleaned.number <= 80
        assert cleaned.number == round(cleaned.number, 2)


def test_api_submissions_store_decimals_exactly_and_name_the_question_on_a_bad_one():
    wave = wave_factory(version=decimal_version())
    api = APIClient()
    for sent in (2.5, "7.25"):
        body = {"code": codes_for(wave)[0], "answers": {**GOOD_ANSWERS, "hours": sent}}
        out = api.post("/api/v1/responses/", body, format="json")
        assert out.status_code == 201, out.json()
    assert sorted(Answer.objects.filter(question__key="hours").values_list("number", flat=True)) == [
        Decimal("2.5"),
        Decimal("7.25"),
    ]
    for bad, words in ((1.2345, "2 decimal places"), ("2,5", "full stop"), ("abc", "Enter a number"), (99, "80")):
        body = {"code": codes_for(wave)[0], "answers": {**GOOD_ANSWERS, "hours": bad}}
        out = api.post("/api/v1/responses/", body, format="json")
        assert out.status_code == 400, out.json()
        assert words in str(out.json()["errors"]["hours"])
    assert Response.objects.count() == 2


def test_the_api_describes_a_number_question_with_its_decimal_places_and_numeric_bounds():
    wave = wave_factory(version=decimal_version())
    api = APIClient()
    api.force_authenticate(staff(Role.ADMIN))
    surveys = api.get("/api/v1/surveys/").json()
    surveys = surveys.get("results", surveys)
    questions = {q["key"]: q for v in surveys[0]["versions"] for q in v["questions"]}
    assert (questions["hours"]["decimal_places"], questions["hours"]["min_value"]) == (2, 0.5)
    assert (questions["years"]["decimal_places"], questions["years"]["max_value"]) == (0, 100)
    assert wave.survey_version.questions.count() == len(questions)


def test_a_resident_gets_a_decimal_keypad_and_a_clear_message_and_the_answer_is_kept(client):
    wave = wave_factory(version=decimal_version())
    client.post(reverse("surveys:start"), {"code": codes_for(wave)[0]})
    client.post(reverse("surveys:page", args=[1]), {"satisfied": "fairly", "move": "no"})
    client.post(reverse("surveys:page", args=[3]), {"life": "4", "plans": "work"})
    client.post(reverse("surveys:page", args=[4]), {"age": "16_34", "years": "3"})
    url = reverse("surveys:page", args=[5])
    html = client.get(url).content.decode()
    assert 'inputmode="decimal"' in html
    out = client.post(url, {"hours": "2,5"})
    assert out.status_code == 400
    assert "Use a full stop for the decimal point, like 2.5, not a comma" in out.content.decode()
    assert 'value="2,5"' in out.content.decode()  # what they typed is given back to mend
    assert client.post(url, {"hours": "37.50"}).status_code == 302
    assert 'value="37.5"' in client.get(url).content.decode()
    assert "37.5" in client.get(reverse("surveys:check")).content.decode()
    client.post(reverse("surveys:check"))
    assert Answer.objects.get(question__key="hours").number == Decimal("37.5")


def test_a_whole_number_question_keeps_its_numeric_keypad(client):
    wave = wave_factory()
    client.post(reverse("surveys:start"), {"code": codes_for(wave)[0]})
    client.post(reverse("surveys:page", args=[1]), {"satisfied": "fairly", "move": "no"})
    client.post(reverse("surveys:page", args=[3]), {"life": "4", "plans": "work"})
    assert 'inputmode="numeric"' in client.get(reverse("surveys:page", args=[4])).content.decode()


def test_paper_entry_takes_decimals_through_the_same_checks(client):
    wave = wave_factory(version=decimal_version())
    mine = wave.neighbourhoods.get()
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    url = reverse("surveys:paper", args=[wave.pk])
    out = client.post(url, {"neighbourhood": mine.pk, **GOOD_ANSWERS, "hours": "1.2345"})
    assert out.status_code == 400
    assert "no more than 2 decimal places" in out.content.decode()
    assert client.post(url, {"neighbourhood": mine.pk, **GOOD_ANSWERS, "hours": "12.75"}).status_code == 302
    assert Answer.objects.get(question__key="hours").number == Decimal("12.75")


def test_exports_give_decimals_as_answered_and_whole_numbers_without_a_point(client):
    wave = wave_factory(version=decimal_version())
    mine = wave.neighbourhoods.get()
    response_submit(
        raw={**GOOD_ANSWERS, "hours": "2.5"}, channel="paper", wave=wave, neighbourhood=mine, synthetic=True
    )
    client.force_login(staff(Role.ADMIN))
    out = client.get(reverse("surveys:wave-export", args=[wave.pk, "csv"]))
    (row,) = list(csv.DictReader(io.StringIO(out.content.decode("utf-8-sig"))))
    assert (row["hours"], row["years"]) == ("2.5", "4")
    out = client.get(reverse("surveys:wave-export", args=[wave.pk, "xlsx"]))
    head, values = list(load_workbook(io.BytesIO(out.content))["Responses"].values)[:2]
    assert (values[head.index("hours")], values[head.index("years")]) == (2.5, 4)


def test_coarsened_decimal_answers_are_banded_in_words_that_fit_decimals():
    whole = quasi_identifier(key="years", kind="number", demographic="", options=[])
    decimal = quasi_identifier(key="hours", kind="number", demographic="", options=[], decimal_places=2)
    assert whole.steps[1].show(9) == "5 to 9"
    assert decimal.steps[1].show(Decimal("9.5")) == "5 to under 10"
    assert decimal.steps[1].show(Decimal("0.5")) == "under 5"
    assert decimal.steps[1].show(Decimal("25.25")) == "20 or more"


def test_the_database_keeps_decimal_places_from_0_to_3_and_for_number_questions_only():
    version = version_factory()
    years = version.questions.get(key="years")
    with transaction.atomic(), pytest.raises(IntegrityError):
        Question.objects.filter(pk=years.pk).update(decimal_places=4)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Question.objects.filter(key="satisfied", version=version).update(decimal_places=1)
    Question.objects.filter(pk=years.pk).update(decimal_places=3)


def test_copies_and_bank_items_keep_decimal_places_and_bounds():
    item = bank_item_create(spec={**HOURS, "source": "Our own"})
    assert (item.decimal_places, item.min_value) == (2, Decimal("0.5"))
    version = version_factory()
    question = question_add_from_bank(version=version, item=item)
    assert (question.decimal_places, question.min_value, question.max_value) == (2, Decimal("0.5"), Decimal("80"))
    changed = {**HOURS, "key": "hours_again", "bank_item": item, "decimal_places": 1}
    with pytest.raises(Exception, match="decimal_places"):
        question_create(version=version, spec=changed)


def test_numbers_are_shown_without_trailing_zeros_or_exponents():
    assert [number_shown(v) for v in (Decimal("2.500"), Decimal("100.000"), Decimal("-0.125"), None, 7)] == [
        "2.5",
        "100",
        "-0.125",
        "",
        "7",
    ]
    assert number_value(Decimal("4.000")) == 4
    assert isinstance(number_value(Decimal("4.000")), int)
    assert number_value(Decimal("4.250")) == Decimal("4.25")


def test_answers_clean_all_names_the_question_with_a_bad_decimal():
    version = decimal_version()
    with pytest.raises(AnswerErrors) as caught:
        answers_clean_all(questions=list(version.questions.all()), raw={**GOOD_ANSWERS, "hours": "1.2345"})
    assert list(caught.value.errors) == ["hours"]


def test_the_questionnaire_file_takes_decimal_bounds_and_places(tmp_path):
    document = {
        "format": 1,
        "survey": {"slug": "hours", "name": "Hours"},
        "sections": [{"title": "Work", "questions": [{**HOURS, "min": 0.1, "max": 80, "source": "Rebalance"}]}],
    }
    path = tmp_path / "questionnaire.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (spec,) = questionnaire_file_read(path=path).specs
    question = question_create(version=version_factory(), spec=spec)
    assert (question.decimal_places, question.min_value) == (2, Decimal("0.1"))  # not the float nearest 0.1
    document["sections"][0]["questions"][0]["decimal_places"] = "2"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(QuestionnaireFileError, match="'decimal_places' should be a whole number"):
        questionnaire_file_read(path=path)
