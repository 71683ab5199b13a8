import pytest
from django.core.exceptions import ValidationError

from indicators.core.text import all_storable, is_storable, shown, validate_storable


@pytest.mark.parametrize("text", ["nul\x00byte", "\ud800", "a\udfffb", "\x00"])
def test_a_nul_or_a_lone_surrogate_cannot_be_stored(text):
    assert not is_storable(text)
    with pytest.raises(ValidationError):
        validate_storable(text)


@pytest.mark.parametrize("text", ["", "A garden", "Caffi’r Gornel 😀", "tab\tand\nnewline", "\x01"])
def test_ordinary_text_emoji_and_other_controls_can(text):
    assert is_storable(text)
    validate_storable(text)


def test_every_string_of_a_json_value_is_looked_at_keys_too_at_any_depth():
    assert all_storable({"a": [1, None, True, {"b": "fine"}]})
    assert not all_storable({"a": [{"b": ["\x00"]}]})
    assert not all_storable({"\ud800": 1})
    deep = "\x00"
    for _ in range(10_000):  # deeper than Python's recursion limit: walked with a loop
        deep = [deep]
    assert not all_storable(deep)


def test_shown_quotes_the_bad_characters_as_escapes_that_can_be_sent_back():
    assert shown("nul\x00byte\ud800") == "nul\\u0000byte\\ud800"
    assert is_storable(shown("\udfff"))
    assert shown("plain") == "plain"
