"""The questionnaire editor in a real browser, as an officer an admin has allowed would use it: copy the default
questionnaire, add a question, move it, change its answers, preview it in English and Welsh. axe-core checks
every editor page, at desktop and phone widths. Set EDITOR_SCREENSHOTS to a folder to keep screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from indicators.access.models import Role
from surveys.models import Response, SurveyVersion
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.responses import response_submit
from surveys.services.waves import wave_create
from tests.browser.conftest import axe_check, log_in, no_sideways_scroll
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory
from tests.surveys.services.test_questionnaire_editor import _own_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("EDITOR_SCREENSHOTS", "")


def _look(page, name: str) -> None:
    """axe on the page, nothing spilling sideways, and a screenshot when asked for."""
    axe_check(page, label=name)
    no_sideways_scroll(page)
    if SHOTS:
        width = page.viewport_size["width"]
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}-top.png")


def _officer():
    import datetime

    from django.utils import timezone

    neighbourhood = NeighbourhoodFactory(name="Swarcliffe")
    officer = staff(Role.OFFICER, neighbourhoods=[neighbourhood])
    officer.staff_profile.may_edit_questionnaires = True
    officer.staff_profile.save()
    _own_item(neighbourhood.local_authority)  # the council's own question in the bank
    default = default_questionnaire_load()
    today = timezone.localdate()
    wave = wave_create(
        survey_version=default,
        name="Spring wave",
        neighbourhoods=[neighbourhood],
        opens_on=today - datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=20),
    )
    return officer, default, wave


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_an_officer_copies_the_default_questionnaire_adds_a_question_and_previews_it(live_server, page):
    officer, default, _wave = _officer()
    log_in(page, live_server, officer.username, "correct-horse-battery")
    page.goto(live_server.url + reverse("surveys:wave-list"))
    page.get_by_role("link", name="Change the questionnaires").click()
    _look(page, "editor-list")

    # Version 1 is fielded: copy it.
    page.get_by_role("link", name="Life in your neighbourhood, version 1").click()
    _look(page, "editor-version-1")
    page.get_by_role("button", name="Copy to a new version").first.click()
    copy = SurveyVersion.objects.get(survey=default.survey, number=2)
    page.wait_for_url(f"**{reverse('surveys:editor-version', args=[copy.pk])}")
    assert page.get_by_text("Version 2 made").is_visible()
    count = copy.questions.count()

    # Add a question, with a mistake first.
    page.get_by_role("link", name="Add a question", exact=True).click()
    page.get_by_label("The question, as residents read it").fill("How often do you use the community centre?")
    page.get_by_label("Single choice").check()
    page.get_by_role("button", name="Add the question").click()
    assert page.locator(".error-summary").is_visible()
    _look(page, "editor-new-question-error")
    page.get_by_label("Answers to choose from, one a line").fill("Every week\nEvery month\nLess often\nNever")
    page.get_by_label("The question in Welsh (Cymraeg)").fill("Pa mor aml ydych chi’n defnyddio’r ganolfan gymunedol?")
    page.get_by_label("Factor", exact=True).select_option("outlook")
    page.get_by_label("Page", exact=True).fill("2")
    page.get_by_role("button", name="Add the question").click()
    assert copy.questions.count() == count + 1
    added = copy.questions.get(text="How often do you use the community centre?")
    assert added.key == "how_often_do_you_use_the_community"
    assert [o.score for o in added.options.all()] == [100, 67, 33, 0]
    _look(page, "editor-version-2")

    # Move it up one place, and change its answers' scores and Welsh wording.
    position = added.position
    page.get_by_role("button", name=f"Move up question {position}", exact=True).click()
    added.refresh_from_db()
    assert added.position == position - 1
    page.get_by_role("link", name=f"Change question {added.position}", exact=True).click()
    _look(page, "editor-question")
    page.get_by_label("Score", exact=True).nth(1).fill("70")
    page.locator("#option-0-label_cy").fill("Bob wythnos")
    page.get_by_role("button", name="Save the answers").click()
    assert [o.score for o in added.options.all()] == [100, 70, 33, 0]
    assert added.options.get(code="every_week").label_in("cy") == "Bob wythnos"
    page.get_by_label("Score", exact=True).first.fill("90")
    page.get_by_role("button", name="Save the answers").click()
    assert page.locator(".error-summary").is_visible()
    _look(page, "editor-question-answers-error")

    # The council's own question from the bank, at the end of page 1.
    page.goto(live_server.url + reverse("surveys:editor-version", args=[copy.pk]))
    page.get_by_role("link", name="Add a question from the question bank").click()
    page.get_by_label("Words in the question").fill("park")
    page.get_by_role("button", name="Show questions").click()
    _look(page, "editor-from-bank")
    page.get_by_label("Page (empty: a new last page)").fill("1")
    page.get_by_role("button", name="Add this question").click()
    park = copy.questions.get(key="park_safety")
    assert park.page == 1
    assert park.bank_item is not None

    # Preview in English, then in Welsh from the same page.
    page.get_by_role("link", name="Preview in English").click()
    assert page.get_by_text("Nothing you type is saved").is_visible()
    assert page.get_by_text("How safe do you feel in the park?").is_visible()
    _look(page, "editor-preview-en")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".error-summary").is_visible()  # the residents' own checks
    for fieldset in page.locator("main form fieldset").all():
        fieldset.locator("input").first.check()
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("How often do you use the community centre?").is_visible()
    page.get_by_role("link", name="Cymraeg").click()
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_text("Pa mor aml ydych chi’n defnyddio’r ganolfan gymunedol?").is_visible()
    assert page.get_by_text("Bob wythnos").is_visible()
    _look(page, "editor-preview-cy")
    page.get_by_role("link", name="Yn ôl").click()  # back to page 1, in Welsh
    assert page.get_by_text("Pa mor ddiogel ydych chi’n teimlo yn y parc?").is_visible()
    assert Response.objects.count() == 0

    # Remove asks first.
    page.goto(live_server.url + reverse("surveys:editor-remove", args=[added.pk]))
    _look(page, "editor-remove")
    page.get_by_role("button", name="Remove this question").click()
    assert not copy.questions.filter(pk=added.pk).exists()


def test_a_frozen_version_and_the_end_of_the_preview_pass_axe(live_server, page):
    wave = wave_factory()
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    admin = staff(Role.ADMIN)
    log_in(page, live_server, admin.username, "correct-horse-battery")
    satisfied = wave.survey_version.questions.get(key="satisfied")
    page.goto(live_server.url + reverse("surveys:editor-question", args=[satisfied.pk]))
    assert page.get_by_role("heading", name="can no longer change").is_visible()
    _look(page, "editor-frozen")
    page.goto(live_server.url + reverse("surveys:editor-preview-end", args=[wave.survey_version.pk, "en"]))
    _look(page, "editor-preview-end")


@pytest.mark.parametrize("page", ["desktop", "phone"], indirect=True)
def test_an_officer_starts_a_questionnaire_from_empty_with_a_decimal_question(live_server, page):
    officer, _default, _wave = _officer()
    log_in(page, live_server, officer.username, "correct-horse-battery")
    page.goto(live_server.url + reverse("surveys:editor-list"))
    page.get_by_role("link", name="New questionnaire").click()
    _look(page, "editor-new-questionnaire")
    page.get_by_role("button", name="Make the questionnaire").click()
    assert page.locator(".error-summary").is_visible()
    _look(page, "editor-new-questionnaire-error")
    page.get_by_label("Name of the questionnaire").fill("Town centre survey 2027")
    page.get_by_role("button", name="Make the questionnaire").click()
    version = SurveyVersion.objects.get(survey__name="Town centre survey 2027")
    page.wait_for_url(f"**{reverse('surveys:editor-version', args=[version.pk])}")
    assert page.get_by_text("This version has no questions yet.").is_visible()
    assert page.get_by_text("There is nothing to preview until the version has a question.").is_visible()
    assert page.get_by_role("link", name="Download as XLSForm").is_visible()
    _look(page, "editor-version-empty")

    # A number question that takes one decimal place, from 0 to 80.
    page.get_by_role("link", name="Add a question", exact=True).click()
    page.get_by_label("The question, as residents read it").fill("How many hours a week do you work?")
    page.locator("input[name=kind][value=number]").check()
    page.get_by_label("Factor", exact=True).select_option("work_connection")
    page.get_by_label("Decimal places (number questions)").select_option("1")
    page.get_by_label("Smallest number accepted (number questions)").fill("0.25")
    page.get_by_label("Largest number accepted (number questions)").fill("80")
    page.get_by_role("button", name="Add the question").click()
    assert page.locator(".error-summary").is_visible()  # 0.25 has two places
    _look(page, "editor-new-question-decimal-error")
    page.get_by_label("Smallest number accepted (number questions)").fill("0")
    page.get_by_role("button", name="Add the question").click()
    question = version.questions.get()
    assert (question.kind, question.decimal_places) == ("number", 1)
    assert page.get_by_text("Numbers with up to 1 decimal place from 0 to 80").is_visible()
    _look(page, "editor-version-decimal")

    # The resident page, as the preview shows it: a decimal keypad, and a comma refused in words.
    page.get_by_role("link", name="Preview in English").click()
    box = page.get_by_label("How many hours a week do you work?")
    assert box.get_attribute("inputmode") == "decimal"
    box.fill("37,5")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("Use a full stop for the decimal point, like 2.5, not a comma").first.is_visible()
    _look(page, "editor-preview-decimal-error")
    page.get_by_label("How many hours a week do you work?").fill("37.5")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".error-summary").count() == 0
    assert Response.objects.count() == 0
