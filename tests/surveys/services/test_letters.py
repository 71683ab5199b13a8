"""Invitation letters come from the council, name the place as residents know it, and say whom to ask."""

import shutil
import subprocess

import pytest

from surveys.services.letters import council_name, letter_for, letters_pdf
from surveys.services.waves import survey_url_for_code
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory
from tests.surveys.factories import codes_for, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def swarcliffe():
    leeds = LocalAuthorityFactory(name="Leeds")
    return NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe", local_authority=leeds)


@pytest.mark.parametrize(
    ("name", "council"),
    [
        ("Leeds", "Leeds Council"),
        ("Redcar and Cleveland", "Redcar and Cleveland Council"),
        ("Bristol, City of", "Bristol City Council"),
        ("Herefordshire, County of", "Herefordshire Council"),
        ("Hartlepool Borough Council", "Hartlepool Borough Council"),
    ],
)
def test_the_council_is_named_as_residents_know_it(name, council):
    assert council_name(name) == council


def test_a_letter_names_the_council_the_place_and_whom_to_ask(settings, swarcliffe):
    settings.REBALANCE_LETTER_CONTACT = "Neighbourhoods Team, 0113 222 4400"
    settings.REBALANCE_LETTER_HELPLINE = "Helpline 0800 000 111"
    wave = wave_factory(neighbourhoods=[swarcliffe], name="Swarcliffe, May to June 2026")
    letter = letter_for(
        wave=wave,
        neighbourhood=swarcliffe,
        code="K7QM-4RTX-9HPC",
        survey_url=survey_url_for_code(code="K7QM-4RTX-9HPC"),
        start_url=survey_url_for_code(code="").split("?")[0],
    )
    assert letter.council == "Leeds Council"
    assert letter.title == "Tell us about life in Swarcliffe"
    assert letter.paragraphs[0].startswith("Leeds Council is asking residents of Swarcliffe")
    assert (letter.contact, letter.helpline) == ("Neighbourhoods Team, 0113 222 4400", "Helpline 0800 000 111")
    assert letter.start_url == "rebalance.example.org/survey/"
    assert letter.survey_url == "https://rebalance.example.org/survey/?code=K7QM-4RTX-9HPC"
    assert letter.reference == "Swarcliffe (Leeds 041) · Swarcliffe, May to June 2026"


def test_a_place_without_a_name_people_use_goes_by_its_official_name():
    plain = NeighbourhoodFactory(name="Leeds 042")
    letter = letter_for(
        wave=wave_factory(neighbourhoods=[plain]), neighbourhood=plain, code="x", survey_url="", start_url=""
    )
    assert letter.title == "Tell us about life in Leeds 042"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_the_printed_letter_says_it_all(settings, swarcliffe, tmp_path):
    settings.REBALANCE_LETTER_CONTACT = "Neighbourhoods Team, 0113 222 4400"
    settings.REBALANCE_LETTER_HELPLINE = ""
    wave = wave_factory(neighbourhoods=[swarcliffe])
    rows = [(swarcliffe.display_name, code, survey_url_for_code(code=code)) for code in codes_for(wave, 2)]
    pdf = tmp_path / "letters.pdf"
    pdf.write_bytes(
        letters_pdf(wave=wave, neighbourhood=swarcliffe, rows=rows, start_url="https://rebalance.example.org/survey/")
    )
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    for page, (_name, code, _url) in zip(pages, rows, strict=False):
        assert "Leeds Council" in page
        assert "Tell us about life in Swarcliffe" in page
        assert "rebalance.example.org/survey/" in page
        assert "127.0.0.1" not in page
        assert code in page
        assert "Questions or need help?" in page
        assert "Neighbourhoods Team, 0113 222 4400" in page
        assert "Swarcliffe (Leeds 041)" in page
