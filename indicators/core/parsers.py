"""The API's JSON parser: a body too large or nested too deep is refused before it is parsed.

Python's ``json`` recurses once per level, so a body of 50,000 ``[`` raised RecursionError (a 500), and a body
is otherwise read whole into memory. Both limits are settings: ``API_MAX_BODY_BYTES`` and ``API_MAX_JSON_DEPTH``.
"""

from __future__ import annotations

import io
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# A JSON string (escapes included), matched possessively so that scanning stays linear; what is left holds
# the brackets that nest.
STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
BRACKET = re.compile(rb"[\[\]{}]")
OPENING = frozenset(b"[{")


def json_depth(body: bytes) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not count)."""
    depth = deepest = 0
    for match in BRACKET.finditer(STRING.sub(b"", body)):
        if match.group()[0] in OPENING:
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(f"The request body is larger than {limit:,} bytes.")
        max_depth = settings.API_MAX_JSON_DEPTH
        if json_depth(body) > max_depth:
            raise ParseError(f"The JSON nests more than {max_depth} levels deep.")
        return super().parse(io.BytesIO(body), media_type, parser_context)
