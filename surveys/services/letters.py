"""Printable invitation letters: one A4 page per code, from the council, with a QR code that opens the survey
(code filled in), the address and code to type instead, and whom to ask (REBALANCE_LETTER_CONTACT and
REBALANCE_LETTER_HELPLINE)."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

import qrcode
from django.conf import settings
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from indicators.places.models import Neighbourhood
from surveys.models import Wave
from surveys.services.letter_wording import LABELS, council_cy, letter_languages, unchecked_note, welsh_wording

GREY = HexColor("#505a5f")


def council_name(local_authority_name: str) -> str:
    """The council as residents know it: "Leeds" → "Leeds Council"; ONS's "Bristol, City of" → "Bristol City
    Council" and "Herefordshire, County of" → "Herefordshire Council"."""
    name = local_authority_name.strip()
    if name.endswith(", City of"):
        return f"{name.removesuffix(', City of')} City Council"
    name = name.removesuffix(", County of")
    return name if name.endswith("Council") else f"{name} Council"


@dataclass(frozen=True)
class Letter:
    """What one letter says, before it is laid out on the page."""

    council: str
    title: str
    paragraphs: tuple[str, ...]
    start_url: str
    code: str
    survey_url: str
    contact: str
    helpline: str
    reference: str
    language: str = "en"
    note: str = ""  # small print: the Welsh is our own translation, not yet checked
    also: Letter | None = None  # the same letter in English, printed after a Welsh one


def letter_in_english(
    *, wave: Wave, neighbourhood: Neighbourhood, code: str, survey_url: str, start_url: str, reminder: bool = False
) -> Letter:
    # Residents know the place by the name people use; the official name goes in the small print for the team.
    place = neighbourhood.known_as or neighbourhood.name
    council = council_name(neighbourhood.local_authority.name)
    if reminder:
        title = f"A reminder: tell us about life in {place}"
        paragraphs = (
            f"A few weeks ago {council} wrote to ask residents of {place} how they feel about their neighbourhood, "
            "their chances of work and the future. We have not yet had an answer with the code on this letter: it "
            "is the same code as on the first letter.",
            "It takes about 10 minutes. Your answers are anonymous: they are never linked to your name or "
            "address, and results are only published for groups of residents. If you started and stopped, the "
            "code takes you back to where you were.",
            f"The survey closes on {wave.closes_on:%-d %B %Y}. If you have answered on paper since, thank you, "
            "and please ignore this letter.",
        )
    else:
        title = f"Tell us about life in {place}"
        paragraphs = None
    return Letter(
        council=council,
        title=title,
        paragraphs=paragraphs
        or (
            f"{council} is asking residents of {place} how they feel about their neighbourhood, their chances of "
            "work and the future. Your answers help the council and local groups decide what to do first.",
            "It takes about 10 minutes. Your answers are anonymous: they are never linked to your name or "
            "address, and results are only published for groups of residents.",
            f"Please answer by {wave.closes_on:%-d %B %Y}. You can also answer in Welsh.",
        ),
        start_url=start_url.removeprefix("https://"),  # shorter to type; the site sends http on to https
        code=code,
        survey_url=survey_url,
        contact=settings.REBALANCE_LETTER_CONTACT,
        helpline=settings.REBALANCE_LETTER_HELPLINE,
        reference=f"{neighbourhood.display_name} · {wave.name}" + (" · reminder" if reminder else ""),
    )


def letter_for(*, wave: Wave, neighbourhood: Neighbourhood, language: str | None = None, **kwargs) -> Letter:
    """The letter in ``language`` ("en" or "cy"); by default as the council writes to residents: in English, or
    in Welsh with the English after it (REBALANCE_LETTERS_IN_WELSH, surveys.services.letter_wording)."""
    english = letter_in_english(wave=wave, neighbourhood=neighbourhood, **kwargs)
    languages = (language,) if language else letter_languages()
    if "cy" not in languages:
        return english
    title, paragraphs = welsh_wording(
        council=council_cy(neighbourhood.local_authority.name),
        place=neighbourhood.known_as or neighbourhood.name,
        closes_on=wave.closes_on,
        reminder=kwargs.get("reminder", False),
    )
    welsh = replace(
        english,
        council=council_cy(neighbourhood.local_authority.name),
        title=title,
        paragraphs=paragraphs,
        language="cy",
        note=unchecked_note("cy"),
    )
    return replace(welsh, also=english) if "en" in languages else welsh


def _qr_image(url: str) -> ImageReader:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer)
    buffer.seek(0)
    return ImageReader(buffer)


def _wrap(c: canvas.Canvas, text: str, x: float, y: float, width: float, size: int = 12, font="Helvetica") -> float:
    c.setFont(font, size)
    words, line = text.split(), ""
    for word in words:
        trial = f"{line} {word}".strip()
        if line and c.stringWidth(trial, font, size) > width:
            c.drawString(x, y, line)
            y -= size * 1.4
            line = word
        else:
            line = trial
    if line:
        c.drawString(x, y, line)
        y -= size * 1.4
    return y


def _page_in(c: canvas.Canvas, letter: Letter) -> None:
    labels = LABELS[letter.language]
    width, height = A4
    left, text_width = 25 * mm, width - 50 * mm
    y = height - 22 * mm
    y = _wrap(c, letter.council, left, y, text_width, size=16, font="Helvetica-Bold") - 10 * mm
    y = _wrap(c, letter.title, left, y, text_width, size=20, font="Helvetica-Bold") - 4 * mm
    for paragraph in letter.paragraphs:
        y = _wrap(c, paragraph, left, y, text_width) - 3 * mm
    y -= 3 * mm
    c.setFont("Helvetica-Bold", 14)
    c.drawString(left, y, labels["scan"])
    qr_size = 40 * mm
    c.drawImage(_qr_image(letter.survey_url), left, y - qr_size - 3 * mm, qr_size, qr_size)
    y -= qr_size + 12 * mm
    c.setFont("Helvetica", 12)
    c.drawString(left, y, labels["go_to"])
    c.setFont("Helvetica-Bold", 14)
    c.drawString(left + max(20 * mm, c.stringWidth(labels["go_to"], "Helvetica", 12) + 3 * mm), y, letter.start_url)
    y -= 9 * mm
    c.setFont("Helvetica", 12)
    c.drawString(left, y, labels["type_code"])
    y -= 13 * mm
    c.setFont("Courier-Bold", 28)
    c.drawString(left, y, letter.code)
    y -= 12 * mm
    y = _wrap(
        c,
        labels["keep"],
        left,
        y,
        text_width,
        size=10,
    )
    help_lines = [line for line in (letter.contact, letter.helpline) if line]
    if help_lines:
        c.setFont("Helvetica-Bold", 12)
        c.drawString(left, y - 4 * mm, labels["help"])
        y -= 4 * mm + 12 * 1.4
        for line in help_lines:
            y = _wrap(c, line, left, y, text_width, size=11)
    c.setFillColor(GREY)
    c.setFont("Helvetica", 8)
    c.drawString(left, 15 * mm, letter.reference)
    if letter.note:
        _wrap(c, letter.note, left, 24 * mm, text_width, size=8)
    c.setFillColor(HexColor("#000000"))


def _page(c: canvas.Canvas, letter: Letter) -> None:
    """A letter's page; after a Welsh page, the same letter's English page."""
    _page_in(c, letter)
    if letter.also is not None:
        c.showPage()
        _page_in(c, letter.also)


def letters_pdf(
    *,
    wave: Wave,
    neighbourhood: Neighbourhood,
    rows: list[tuple[str, str, str]],
    start_url: str,
    reminder: bool = False,
) -> bytes:
    """rows: (neighbourhood name, code, survey url with the code), all for ``neighbourhood``. ``reminder``: the
    reminder's words, for codes sent before and not yet used."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    what = "Reminder letters" if reminder else "Invitation letters"
    c.setTitle(f"{what}: {wave.name}, {neighbourhood.display_name}")
    c.setAuthor(council_name(neighbourhood.local_authority.name))
    for _name, code, url in rows:
        letter = letter_for(
            wave=wave, neighbourhood=neighbourhood, code=code, survey_url=url, start_url=start_url, reminder=reminder
        )
        _page(c, letter)
        c.showPage()
    c.save()
    return buffer.getvalue()
