"""Reminder letters: only the unused codes, the same codes, printed with the reminder's words and the closing date;
each printing recorded as a batch, and printing twice changes no code."""

import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.access.models import Role
from surveys.models import Invitation
from surveys.models.fielding import LetterBatch
from surveys.services.codes import code_hash, code_normalise, code_seal, code_unseal
from surveys.services.letters import letters_pdf
from surveys.services.reminders import reminders_print
from surveys.services.responses import response_submit
from surveys.services.retention import wave_unlink
from surveys.services.waves import survey_url_for_code
from tests.factories import LocalAuthorityFactory, NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db


@pytest.fixture
def swarcliffe():
    leeds = LocalAuthorityFactory(name="Leeds")
    return NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe", local_authority=leeds)


def test_a_sealed_code_opens_only_to_itself():
    code = "K7QM4RTX9HPC"
    hashed = code_hash(code)
    sealed = code_seal(code, hashed)
    assert sealed != code
    assert len(sealed) == 12
    assert code_unseal(sealed, hashed) == "K7QM-4RTX-9HPC"
    # Another code's hash, or a changed seal, never prints a wrong code.
    assert code_unseal(sealed, code_hash("ABCDEFGHJKLM")) is None
    assert code_unseal(("2" if sealed[0] != "2" else "3") + sealed[1:], hashed) is None
    assert code_unseal("", hashed) is None


def test_the_seal_depends_on_its_own_key(settings):
    code = "K7QM4RTX9HPC"
    hashed = code_hash(code)
    settings.SURVEY_CODE_SEAL_KEY = "one key"
    sealed = code_seal(code, hashed)
    settings.SURVEY_CODE_SEAL_KEY = "another key"
    assert code_seal(code, hashed) != sealed
    assert code_unseal(sealed, hashed) is None


def test_making_codes_records_an_invitation_batch_and_keeps_them_sealed(swarcliffe):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    codes = codes_for(wave, 3)
    batch = LetterBatch.objects.get()
    assert (batch.kind, batch.letters, batch.neighbourhood) == ("invitation", 3, swarcliffe)
    for invitation, code in zip(Invitation.objects.order_by("pk"), codes, strict=True):
        assert code_normalise(code) not in invitation.sealed_code  # not stored as it is
        assert code_unseal(invitation.sealed_code, invitation.code_hash) == code


def test_reminders_print_only_the_unused_codes_and_change_none(swarcliffe):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    codes = codes_for(wave, 4)
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes[1])
    before = list(Invitation.objects.order_by("pk").values_list("code_hash", "sealed_code", "used"))

    first = reminders_print(wave=wave, neighbourhood=swarcliffe)
    assert first.codes == [codes[0], codes[2], codes[3]]
    assert (first.batch.kind, first.batch.letters, first.not_reprinted) == ("reminder", 3, 0)

    second = reminders_print(wave=wave, neighbourhood=swarcliffe)
    assert second.codes == first.codes
    assert LetterBatch.objects.filter(kind="reminder").count() == 2
    assert list(Invitation.objects.order_by("pk").values_list("code_hash", "sealed_code", "used")) == before


def test_codes_made_before_sealing_are_counted_not_printed(swarcliffe):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    codes_for(wave, 3)
    Invitation.objects.filter(pk=Invitation.objects.order_by("pk").first().pk).update(sealed_code="")
    printed = reminders_print(wave=wave, neighbourhood=swarcliffe)
    assert (len(printed.codes), printed.not_reprinted) == (2, 1)
    Invitation.objects.update(sealed_code="")
    with pytest.raises(ValidationError, match="made before codes were kept for reminders"):
        reminders_print(wave=wave, neighbourhood=swarcliffe)


def test_no_reminders_when_every_code_is_used_or_the_wave_is_not_open(swarcliffe):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave, 1)[0])
    with pytest.raises(ValidationError, match="has been used"):
        reminders_print(wave=wave, neighbourhood=swarcliffe)
    later = wave_factory(neighbourhoods=[swarcliffe], opens_in_days=3, closes_in_days=30, name="Later")
    codes_for(later, 1)
    with pytest.raises(ValidationError, match="opens on"):
        reminders_print(wave=later, neighbourhood=swarcliffe)
    assert not LetterBatch.objects.filter(kind="reminder").exists()


def test_closing_the_wave_deletes_the_sealed_codes(swarcliffe):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    codes_for(wave, 2)
    wave_unlink(wave=wave)
    assert set(Invitation.objects.values_list("sealed_code", flat=True)) == {""}


def test_only_officers_of_the_place_print_reminders(swarcliffe):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    codes_for(wave, 2)
    elsewhere = staff(Role.OFFICER, neighbourhoods=[NeighbourhoodFactory()])
    with pytest.raises(PermissionDenied):
        reminders_print(wave=wave, neighbourhood=swarcliffe, printed_by=elsewhere)
    manager = staff(Role.ESTATE_MANAGER, neighbourhoods=[swarcliffe])
    with pytest.raises(PermissionDenied):
        reminders_print(wave=wave, neighbourhood=swarcliffe, printed_by=manager)
    officer = staff(Role.OFFICER, neighbourhoods=[swarcliffe])
    assert reminders_print(wave=wave, neighbourhood=swarcliffe, printed_by=officer).batch.printed_by == officer


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_the_reminder_letter_has_the_same_code_and_the_closing_date(swarcliffe, tmp_path):
    wave = wave_factory(neighbourhoods=[swarcliffe])
    codes = codes_for(wave, 3)
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes[0])
    printed = reminders_print(wave=wave, neighbourhood=swarcliffe)
    rows = [(swarcliffe.display_name, code, survey_url_for_code(code=code)) for code in printed.codes]
    pdf = tmp_path / "reminders.pdf"
    pdf.write_bytes(
        letters_pdf(
            wave=wave, neighbourhood=swarcliffe, rows=rows, start_url="https://x.example/survey/", reminder=True
        )
    )
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) == 2
    closes = f"{wave.closes_on:%-d %B %Y}"
    for page, code in zip(pages, codes[1:], strict=True):
        flat = " ".join(page.split())
        assert "A reminder: tell us about life in Swarcliffe" in flat
        assert code in flat
        assert f"The survey closes on {closes}" in flat
        assert "same code as on the first letter" in flat
    assert codes[0] not in text  # the used code gets no reminder
