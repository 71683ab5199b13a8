import io

import pytest
from rest_framework.exceptions import ParseError

from indicators.core.parsers import BoundedJSONParser, json_depth


@pytest.mark.parametrize(
    ("body", "depth"),
    [
        (b"1", 0),
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[{{{{"}', 1),  # brackets inside strings do not nest
        (b'["\\"[[[", "\\\\", [[]]]', 3),  # nor after escaped quotes and backslashes
        (b"[" * 50_000 + b"]" * 50_000, 50_000),
    ],
)
def test_depth_counts_only_brackets_outside_strings(body, depth):
    assert json_depth(body) == depth


def parse(body: bytes):
    return BoundedJSONParser().parse(io.BytesIO(body), "application/json", {})


def test_a_body_within_the_limits_parses_as_json():
    assert parse(b'{"a": [[["\\u00e9"]]]}') == {"a": [[["é"]]]}


def test_too_deep_is_refused_before_parsing(settings):
    settings.API_MAX_JSON_DEPTH = 3
    assert parse(b"[[[1]]]") == [[[1]]]
    with pytest.raises(ParseError, match="more than 3 levels"):
        parse(b"[[[[1]]]]")


def test_fifty_thousand_levels_are_refused_not_a_recursion_error():
    with pytest.raises(ParseError, match="levels deep"):
        parse(b"[" * 50_000 + b"]" * 50_000)


def test_too_large_is_refused_without_reading_it_all(settings):
    settings.API_MAX_BODY_BYTES = 100
    stream = io.BytesIO(b'"' + b"x" * 10_000 + b'"')
    with pytest.raises(ParseError, match="larger than 100 bytes"):
        BoundedJSONParser().parse(stream, "application/json", {})
    assert stream.tell() == 101
