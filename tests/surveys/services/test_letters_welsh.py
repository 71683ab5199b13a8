"""Letters in Welsh: a council that writes in both languages prints Welsh with the English after it, every page
with the code; the Welsh says it is our own translation until a translator has checked it; otherwise English."""

import shutil
import subprocess

import pytest

from surveys.services.letter_wording import council_cy, date_cy
from surveys.services.letters import letter_for, letters_pdf
from surveys.services.waves import survey_url_for_code
from surveys.welsh import NOTE_CY, NOTE_EN
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory
from tests.surveys.factories import codes_for, wave_factory

pytestmark = pytest.mark.django_db
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is missing")


@pytest.fixture
def ely(settings):
    settings.REBALANCE_LETTERS_IN_WELSH = True
    cardiff = LocalAuthorityFactory(name="Cardiff")  # the places are English-coded; the wording is what is tested
    return NeighbourhoodFactory(name="Cardiff 032", known_as="Ely", local_authority=cardiff)


def _pdf_text(tmp_path, pdf: bytes) -> list[str]:
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return [" ".join(page.split()) for page in text.stdout.split("\f") if page.strip()]


def test_welsh_council_names_and_dates():
    assert council_cy("Cardiff") == "Cyngor Caerdydd"
    assert council_cy("Gwynedd") == "Cyngor Gwynedd"
    assert council_cy("Merthyr Tydfil") == "Cyngor Merthyr Tudful"
    import datetime as dt

    assert date_cy(dt.date(2026, 6, 30)) == "30 Mehefin 2026"


def test_a_letter_in_wales_is_welsh_with_the_english_after_it(ely):
    wave = wave_factory(neighbourhoods=[ely])
    letter = letter_for(wave=wave, neighbourhood=ely, code="K7QM-4RTX-9HPC", survey_url="u", start_url="s")
    assert letter.language == "cy"
    assert letter.council == "Cyngor Caerdydd"
    assert letter.title == "Dywedwch wrthym am fywyd yn eich cymdogaeth (Ely)"
    assert letter.paragraphs[0].startswith("Mae Cyngor Caerdydd yn gofyn i breswylwyr Ely")
    assert date_cy(wave.closes_on) in letter.paragraphs[2]
    assert letter.note == f"{NOTE_CY} {NOTE_EN}"
    assert letter.also.language == "en"
    assert letter.also.title == "Tell us about life in Ely"
    assert letter.also.note == ""
    english_only = letter_for(wave=wave, neighbourhood=ely, code="x", survey_url="u", start_url="s", language="en")
    assert english_only.also is None
    assert english_only.language == "en"


def test_letters_stay_english_unless_the_council_writes_in_welsh(settings):
    settings.REBALANCE_LETTERS_IN_WELSH = False
    leeds = NeighbourhoodFactory(local_authority=LocalAuthorityFactory(name="Leeds"))
    letter = letter_for(
        wave=wave_factory(neighbourhoods=[leeds]), neighbourhood=leeds, code="x", survey_url="", start_url=""
    )
    assert letter.language == "en"
    assert letter.also is None


@needs_pdftotext
def test_the_printed_welsh_letters_carry_the_code_on_both_pages(ely, tmp_path):
    wave = wave_factory(neighbourhoods=[ely])
    rows = [(ely.display_name, code, survey_url_for_code(code=code)) for code in codes_for(wave, 2, neighbourhood=ely)]
    pages = _pdf_text(tmp_path, letters_pdf(wave=wave, neighbourhood=ely, rows=rows, start_url="https://r.example/s/"))
    assert len(pages) == 4  # two codes, each in Welsh then English
    for i, (_name, code, _url) in enumerate(rows):
        welsh, english = pages[2 * i], pages[2 * i + 1]
        assert "Cyngor Caerdydd" in welsh
        assert "Sganiwch y cod gyda chamera eich ffôn" in welsh
        assert "Neu ewch i r.example/s/ a theipiwch eich cod" in welsh  # the address clear of the words before it
        assert "Cadwch y llythyr hwn" in welsh
        assert "Ein cyfieithiad ni yw’r Gymraeg yma" in welsh
        assert "A translator has not checked it yet" in welsh
        assert "Cardiff Council" in english
        assert "Scan the code" in english
        assert "Sganiwch" not in english
        assert code in welsh
        assert code in english


@needs_pdftotext
def test_the_reminder_is_in_welsh_too(ely, tmp_path):
    wave = wave_factory(neighbourhoods=[ely])
    rows = [(ely.display_name, "K7QM-4RTX-9HPC", "https://r.example/s/?code=K7QM-4RTX-9HPC")]
    pdf = letters_pdf(wave=wave, neighbourhood=ely, rows=rows, start_url="https://r.example/s/", reminder=True)
    welsh, english = _pdf_text(tmp_path, pdf)
    assert "Nodyn i’ch atgoffa" in welsh
    assert "dyma’r un cod ag ar y llythyr cyntaf" in welsh
    assert "A reminder" in english
