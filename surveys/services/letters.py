"""Printable invitation letters: one A4 page per code, with a QR code that opens the survey, code filled in."""

from __future__ import annotations

import io

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from surveys.models import Wave


def _qr_image(url: str) -> ImageReader:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(url)
    qr.make(fit=True)
    buffer = io.BytesIO()
    qr.make_image().save(buffer)
    buffer.seek(0)
    return ImageReader(buffer)


def _wrap(c: canvas.Canvas, text: str, x: float, y: float, width: float, size: int = 12) -> float:
    words, line = text.split(), ""
    for word in words:
        trial = f"{line} {word}".strip()
        if c.stringWidth(trial, "Helvetica", size) > width:
            c.drawString(x, y, line)
            y -= size * 1.4
            line = word
        else:
            line = trial
    if line:
        c.drawString(x, y, line)
        y -= size * 1.4
    return y


def letters_pdf(*, wave: Wave, rows: list[tuple[str, str, str]], start_url: str) -> bytes:
    """rows: (neighbourhood name, code, survey url with the code)."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"Invitation letters: {wave.name}")
    c.setAuthor("Rebalance")
    width, height = A4
    left, text_width = 25 * mm, width - 50 * mm
    for neighbourhood, code, url in rows:
        y = height - 30 * mm
        c.setFont("Helvetica-Bold", 20)
        c.drawString(left, y, f"Tell us about life in {neighbourhood}")
        y -= 14 * mm
        c.setFont("Helvetica", 12)
        for paragraph in (
            "We are asking residents how they feel about their neighbourhood, their chances of work and the "
            "future. Your answers help the council and local groups decide what to do first.",
            "It takes about 10 minutes. Your answers are anonymous: they are never linked to your name or "
            "address, and results are only published for groups of residents.",
            f"Please answer by {wave.closes_on:%-d %B %Y}. You can also answer in Welsh.",
        ):
            y = _wrap(c, paragraph, left, y, text_width) - 4 * mm
        y -= 4 * mm
        c.setFont("Helvetica-Bold", 14)
        c.drawString(left, y, "Scan the code with your phone's camera:")
        qr_size = 45 * mm
        c.drawImage(_qr_image(url), left, y - qr_size - 4 * mm, qr_size, qr_size)
        y -= qr_size + 14 * mm
        c.setFont("Helvetica", 12)
        c.drawString(left, y, "Or go to")
        c.setFont("Helvetica-Bold", 14)
        c.drawString(left + 20 * mm, y, start_url)
        y -= 10 * mm
        c.setFont("Helvetica", 12)
        c.drawString(left, y, "and type your code:")
        y -= 14 * mm
        c.setFont("Courier-Bold", 28)
        c.drawString(left, y, code)
        y -= 14 * mm
        c.setFont("Helvetica", 10)
        _wrap(
            c,
            "Keep this letter: with the code you can stop and carry on later, and see or withdraw your answers "
            "until the survey closes. Each code can be used for one set of answers.",
            left,
            y,
            text_width,
            size=10,
        )
        c.showPage()
    c.save()
    return buffer.getvalue()
