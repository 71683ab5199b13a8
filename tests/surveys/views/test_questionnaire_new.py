"""Starting a questionnaire from empty in the editor, a version with no questions refused for a wave, the XLSForm
download on a version's page, and number questions with decimal places through the editor's forms."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.access.models import Role
from indicators.audit.models import AuditEntry
from surveys.models import BankItem, Question, Survey, SurveyVersion, Wave
from surveys.services.bank import bank_item_create
from surveys.services.questionnaire_editor import questionnaire_start_empty
from surveys.services.waves import wave_create
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, staff
from tests.surveys.factories import version_factory

pytestmark = pytest.mark.django_db

NEW = reverse("surveys:editor-questionnaire-new")


def _officer(neighbourhoods=(), *, allowed: bool):
    officer = staff(Role.OFFICER, neighbourhoods=list(neighbourhoods))
    officer.staff_profile.may_edit_questionnaires = allowed
    officer.staff_profile.save()
    return officer


def test_only_admins_and_allowed_officers_may_start_a_questionnaire(client):
    mine = NeighbourhoodFactory()
    for user, status in (
        (staff(Role.ADMIN), 200),
        (_officer([mine], allowed=True), 200),
        (_officer([mine], allowed=False), 403),
        (staff(Role.ESTATE_MANAGER, neighbourhoods=[mine]), 403),
        (staff(None), 403),
    ):
        client.force_login(user)
        assert client.get(NEW).status_code == status, user
        out = client.post(NEW, {"name": f"Survey for {user.pk}"})
        assert out.status_code == (302 if status == 200 else 403), user
        assert Survey.objects.filter(name=f"Survey for {user.pk}").exists() == (status == 200)
    client.logout()
    assert client.get(NEW).status_code == 302  # to sign in
    with pytest.raises(Exception, match="may not change questionnaires"):
        questionnaire_start_empty(user=_officer([mine], allowed=False), name="Sneaked in")
    assert not Survey.objects.filter(name="Sneaked in").exists()


def test_the_list_offers_a_new_questionnaire(client):
    client.force_login(_officer(allowed=True))
    html = client.get(reverse("surveys:editor-list")).content.decode()
    assert f'href="{NEW}"' in html
    assert "New questionnaire" in html


def test_a_new_questionnaire_is_an_empty_version_1_that_the_usual_editing_fills(client):
    officer = _officer([NeighbourhoodFactory()], allowed=True)
    client.force_login(officer)
    out = client.post(NEW, {"name": "  Town centre   survey 2027 ", "description": "Shops and safety."})
    survey = Survey.objects.get(name="Town centre survey 2027")
    version = survey.versions.get()
    assert out.url == reverse("surveys:editor-version", args=[version.pk])
    assert (survey.slug, survey.description, version.number) == ("town-centre-survey-2027", "Shops and safety.", 1)
    assert version.questions.count() == 0
    assert officer.username in version.notes
    entry = AuditEntry.objects.filter(object_type="surveys:editor-questionnaire-new").latest("pk")
    assert (entry.detail["did"], entry.detail["new_version"]) == ("questionnaire started", version.pk)
    html = client.get(out.url).content.decode()
    assert "This version has no questions yet." in html
    assert "A wave cannot field this version until it has at least one question." in html
    assert reverse("surveys:editor-new", args=[version.pk]) in html
    assert reverse("surveys:editor-from-bank", args=[version.pk]) in html
    # A question of one's own, then one from the bank.
    out = client.post(
        reverse("surveys:editor-new", args=[version.pk]),
        {
            "text": "Do you feel safe in the town centre?",
            "kind": "yes_no",
            "factor": "housing_environment",
            "best_first": "1",
        },
    )
    assert out.status_code == 302, out.content.decode()
    item = bank_item_create(spec={"key": "hours_worked", "factor": "work_connection", "kind": "number",
                                  "text": "Hours a week?", "decimal_places": 1, "min": 0, "max": 80})  # fmt: skip
    out = client.post(reverse("surveys:editor-from-bank", args=[version.pk]), {"item": item.pk, "page": ""})
    assert out.status_code == 302, out.content.decode()
    assert list(version.questions.values_list("key", "decimal_places")) == [
        ("do_you_feel_safe_in_the_town_centre", 0),
        ("hours_worked", 1),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the questionnaire"),
        ("   ", "Enter a name for the questionnaire"),
        ("Test survey", "already called"),
        ("test SURVEY", "already called"),
        ("bad\x00name", "hidden or broken character"),
        ("x" * 151, "at most 150 characters"),
    ],
)
def test_a_bad_name_is_a_400_on_its_field_and_makes_nothing(client, name, message):
    version_factory()  # "Test survey"
    client.force_login(staff(Role.ADMIN))
    before = (Survey.objects.count(), SurveyVersion.objects.count())
    out = client.post(NEW, {"name": name})
    assert out.status_code == 400
    assert message in out.content.decode().replace("&#x27;", "'")
    assert (Survey.objects.count(), SurveyVersion.objects.count()) == before


def test_a_name_whose_short_name_is_taken_gets_a_numbered_one():
    Survey.objects.create(slug="park-survey", name="The park questionnaire")
    version = questionnaire_start_empty(user=staff(Role.ADMIN), name="Park survey")
    assert version.survey.slug == "park-survey-2"
    assert questionnaire_start_empty(user=staff(Role.ADMIN), name="!!!").survey.slug == "questionnaire"


def test_a_wave_on_a_version_with_no_questions_is_refused_clearly(client):
    version = questionnaire_start_empty(user=staff(Role.ADMIN), name="Still empty")
    mine = NeighbourhoodFactory()
    today = datetime.date.today()
    with pytest.raises(ValidationError) as caught:
        wave_create(survey_version=version, name="Too soon", neighbourhoods=[mine], opens_on=today, closes_on=today)
    assert "has no questions yet, so it cannot be fielded" in str(caught.value.message_dict["survey_version"])
    client.force_login(staff(Role.OFFICER, neighbourhoods=[mine]))
    data = {"name": "Too soon", "survey_version": version.pk, "opens_on": today, "closes_on": today,
            "neighbourhoods": [mine.pk]}  # fmt: skip
    out = client.post(reverse("surveys:wave-new"), data)
    assert out.status_code == 200
    assert "has no questions yet, so it cannot be fielded" in out.content.decode()
    assert not Wave.objects.exists()


def test_the_version_page_offers_its_xlsform_download(client):
    version = version_factory()
    client.force_login(_officer(allowed=True))
    html = client.get(reverse("surveys:editor-version", args=[version.pk])).content.decode()
    url = reverse("surveys:xlsform-download", args=[version.pk])
    assert f'href="{url}"' in html
    assert "Download as XLSForm" in html
    out = client.get(url)
    assert out.status_code == 200
    assert out["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert out.content.startswith(b"PK")
    client.force_login(_officer(allowed=False))
    assert client.get(url).status_code == 403


def test_the_editor_adds_a_number_question_with_decimal_places_and_refuses_bounds_finer_than_them(client):
    version = version_factory()
    client.force_login(staff(Role.ADMIN))
    url = reverse("surveys:editor-new", args=[version.pk])
    post = {"text": "Hours a week?", "kind": "number", "factor": "work_connection", "decimal_places": "2",
            "min_value": "0.5", "max_value": "80", "required": "on", "best_first": "1"}  # fmt: skip
    out = client.post(url, {**post, "min_value": "0.125"})
    assert out.status_code == 400
    assert "The smallest number accepted, 0.125, has more figures after the point" in out.content.decode()
    out = client.post(url, {**post, "decimal_places": "7"})
    assert out.status_code == 400
    out = client.post(url, {**post, "min_value": "abc"})
    assert out.status_code == 400
    assert "Enter a number" in out.content.decode()
    assert client.post(url, post).status_code == 302
    question = version.questions.get(key="hours_a_week")
    assert (question.decimal_places, question.min_value, question.max_value) == (2, Decimal("0.5"), Decimal("80"))
    html = client.get(reverse("surveys:editor-version", args=[version.pk])).content.decode()
    assert "Numbers with up to 2 decimal places from 0.5 to 80" in html
    form = client.get(reverse("surveys:editor-question", args=[question.pk])).content.decode()
    assert 'value="0.5"' in form
    assert 'inputmode="decimal"' in form
    # Back to whole numbers: the bounds must be whole too.
    edit = reverse("surveys:editor-question", args=[question.pk])
    out = client.post(edit, {**post, "decimal_places": "0", "key": "hours_a_week"})
    assert out.status_code == 400
    assert "whole numbers only" in out.content.decode()
    assert client.post(edit, {**post, "decimal_places": "1", "min_value": "1"}).status_code == 302
    assert Question.objects.get(pk=question.pk).decimal_places == 1


def test_a_question_that_is_not_a_number_keeps_no_decimal_places(client):
    version = version_factory()
    client.force_login(staff(Role.ADMIN))
    out = client.post(
        reverse("surveys:editor-new", args=[version.pk]),
        {
            "text": "Why?",
            "kind": "text",
            "factor": "outlook",
            "decimal_places": "2",
            "min_value": "1",
            "best_first": "1",
        },
    )
    assert out.status_code == 302
    assert (version.questions.get(key="why").decimal_places, version.questions.get(key="why").min_value) == (0, None)


def test_a_council_adds_a_decimal_number_item_to_the_bank(client):
    leeds = LocalAuthorityFactory(name="Leeds")
    officer = staff(Role.OFFICER, local_authorities=[leeds])
    officer.staff_profile.may_edit_questionnaires = True
    officer.staff_profile.save()
    client.force_login(officer)
    form = {"key": "commute_miles", "text": "How far is your journey to work, in miles?", "factor": "travel_to_work",
            "kind": "number", "source": "Leeds City Council", "owner": str(leeds.pk), "decimal_places": "1",
            "min_value": "0", "max_value": "200"}  # fmt: skip
    bad = client.post(reverse("surveys:bank-new"), {**form, "max_value": "200.25"})
    assert bad.status_code == 400
    assert "200.25, has more figures after the point than answers may have (up to 1 decimal place)" in (
        bad.content.decode()
    )
    assert client.post(reverse("surveys:bank-new"), form).status_code == 302
    item = BankItem.objects.get(key="commute_miles")
    assert (item.decimal_places, item.min_value, item.max_value) == (1, Decimal("0"), Decimal("200"))
    assert (
        "Number: numbers with up to 1 decimal place from 0 to 200"
        in client.get(reverse("surveys:bank")).content.decode()
    )
    # Not a number question: its decimal places are ignored.
    text = {**form, "key": "commute_how", "kind": "text", "text": "How do you get to work?"}
    assert client.post(reverse("surveys:bank-new"), text).status_code == 302
    assert BankItem.objects.get(key="commute_how").decimal_places == 0
