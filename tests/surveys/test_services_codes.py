import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.models import Invitation
from surveys.services.codes import ALPHABET, BITS, LENGTH, code_format, code_generate, code_hash, code_normalise
from surveys.services.waves import invitation_find, invitations_create
from tests.surveys.factories import wave_factory


def test_codes_carry_at_least_60_bits_without_look_alikes():
    assert LENGTH * math.log2(len(ALPHABET)) >= 60
    assert BITS >= 60
    assert not set("0O1I") & set(ALPHABET)
    code = code_generate()
    assert len(code) == 14
    assert [len(g) for g in code.split("-")] == [4, 4, 4]
    assert len({code_generate() for _ in range(2000)}) == 2000


@pytest.mark.parametrize("typed", ["k7qm-4rtx-9hpc", "K7QM4RTX9HPC", " k7qm 4rtx 9hpc ", "K7QM–4RTX–9HPC"])
def test_codes_are_accepted_in_any_case_with_or_without_dashes(typed):
    assert code_normalise(typed) == "K7QM4RTX9HPC"


@pytest.mark.parametrize("typed", ["", "K7QM-4RTX", "K7QM-4RTX-9HP0", "K7QM-4RTX-9HPC-A", "OOOO-OOOO-OOOO"])
def test_things_that_cannot_be_codes_are_refused(typed):
    assert code_normalise(typed) is None


def test_hash_is_keyed(settings):
    before = code_hash("K7QM4RTX9HPC")
    settings.SURVEY_CODE_HASH_KEY = "another-key"
    assert code_hash("K7QM4RTX9HPC") != before


@pytest.mark.django_db
def test_only_the_keyed_hash_is_stored_and_the_code_finds_its_invitation():
    wave = wave_factory()
    [(invitation, code)] = invitations_create(wave=wave, neighbourhood=wave.neighbourhoods.get(), count=1)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert code.replace("-", "") not in str(stored)
    assert code not in str(stored)
    assert invitation_find(code=code.lower().replace("-", "")) == invitation
    assert invitation_find(code=code_generate()) is None


@given(
    raw=st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH),
    lower=st.lists(st.booleans(), min_size=LENGTH, max_size=LENGTH),
    dashes=st.booleans(),
)
def test_any_code_survives_retyping_in_any_case_with_or_without_dashes(raw, lower, dashes):
    typed = "".join(ch.lower() if low else ch for ch, low in zip(raw, lower, strict=True))
    typed = code_format(typed) if dashes else typed
    assert code_normalise(typed) == raw
