"""Welsh throughout: every default item and option has Welsh, residents reading our unchecked Welsh are told so in
both languages, the privacy notice is in Welsh, and any version's Welsh wording is what residents see."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.welsh import NOTE_CY, NOTE_EN, unchecked_wordings
from tests.surveys.factories import codes_for, wave_factory

pytestmark = pytest.mark.django_db
START = reverse("surveys:start")
NUMBER = re.compile(r"^\d+$")


def test_every_default_item_and_option_has_welsh_of_its_own():
    version = default_questionnaire_load()
    questions = list(version.questions.prefetch_related("options"))
    assert len(questions) == 40
    for q in questions:
        welsh = q.translations.get("cy", {})
        assert welsh.get("text"), q.key
        assert welsh["text"] != q.text, q.key
        assert bool(welsh.get("hint")) == bool(q.hint), q.key  # a hint in English has one in Welsh
        for option in q.options.all():
            if NUMBER.match(option.label):
                continue  # 0 to 10: a number reads the same in both languages
            label = option.translations.get("cy", {}).get("label")
            assert label, f"{q.key}.{option.code}"
    yes_no = [q for q in questions if q.kind == "yes_no"]
    assert {o.translations["cy"]["label"] for q in yes_no for o in q.options.all()} == {
        "Ydw",
        "Nac ydw",
        "Byddwn",
        "Na fyddwn",
    }  # Welsh answers yes or no with the question's verb


def _welsh(client, code):
    client.post(START, {"code": code})
    client.post(reverse("surveys:language"), {"language": "cy", "next": START})


def test_the_default_questionnaire_in_welsh_says_it_is_our_own_translation(client):
    version = default_questionnaire_load()
    wave = wave_factory(version=version)
    _welsh(client, codes_for(wave)[0])
    html = client.get(reverse("surveys:page", args=[1])).content.decode()
    assert "Pa mor fawr yw’r broblem o sbwriel" in html
    assert "Problem fawr iawn" in html
    assert NOTE_CY in html
    assert NOTE_EN in html
    assert 'lang="en">' + NOTE_EN in html  # the English note is marked as English on a Welsh page
    assert "Mae Rebalance yn monitro cymdogaethau difreintiedig" in html  # the footer too


def test_a_version_with_its_own_welsh_uses_it_without_our_note(client):
    """As an imported questionnaire with label::Welsh (cy) columns: its Welsh, and no note (it is not ours)."""
    wave = wave_factory()  # the test questionnaire: Welsh of its own for "satisfied"
    _welsh(client, codes_for(wave)[0])
    html = client.get(reverse("surveys:page", args=[1])).content.decode()
    assert "Pa mor fodlon ydych chi â’ch ardal?" in html
    assert NOTE_CY not in html


def test_the_privacy_notice_in_welsh(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    html = client.get(reverse("surveys:privacy")).content.decode()
    for welsh in ("Hysbysiad preifatrwydd: arolwg y gymdogaeth", "Beth rydyn ni’n ei gasglu", "Eich hawliau"):
        assert welsh in html
    assert "What we collect" not in html
    assert NOTE_CY in html
    assert NOTE_EN in html
    english = client.get(reverse("surveys:privacy"), HTTP_COOKIE=f"{settings.LANGUAGE_COOKIE_NAME}=en")
    assert "What we collect" in english.content.decode()


def test_the_note_goes_once_the_file_says_a_translator_checked_it(monkeypatch, tmp_path):
    import surveys.welsh as welsh

    checked = tmp_path / "q.json"
    checked.write_text('{"welsh_checked": true, "sections": [{"translations": {"cy": {"text": "Helo"}}}]}')
    with monkeypatch.context() as patch:
        patch.setattr(welsh, "DATA_FILE", checked)
        unchecked_wordings.cache_clear()
        assert unchecked_wordings() == frozenset()
    unchecked_wordings.cache_clear()
    assert "Problem fawr iawn" in unchecked_wordings()


def test_a_questionnaire_imported_from_an_xlsform_shows_its_welsh_labels(client):
    """The default questionnaire out to XLSForm (label::Welsh (cy) columns) and back in as another survey: residents
    choosing Welsh read the imported Welsh, and, since it is our unchecked wording, the note."""
    from surveys.services.xlsform import xlsform_export, xlsform_import

    workbook = xlsform_export(version=default_questionnaire_load())
    imported = xlsform_import(data=workbook, filename="council.xlsx", name="Council survey", slug="council-survey")
    assert imported.survey.slug == "council-survey"
    _welsh(client, codes_for(wave_factory(version=imported))[0])
    html = client.get(reverse("surveys:page", args=[1])).content.decode()
    assert "Pa mor ddiogel ydych chi’n teimlo" in html
    assert "Dydw i byth yn mynd allan ar fy mhen fy hun ar ôl iddi dywyllu" in html
    assert NOTE_CY in html
