"""A property of the submission endpoint: whatever JSON is sent as answers (text with NUL characters and lone
surrogates, objects, lists, numbers, nesting up to and past the limit), the reply is a 201 or a 400, never a
500, and a 400 stores nothing."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from indicators.core.text import is_storable
from surveys.models import Answer, Response
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db

KEYS = [*GOOD_ANSWERS, "why_move", "hopes"]
BAD = ["", "\x00", "\ud800", "\udfff", "nul\x00byte", "😀", "\ud83d"]  # the last, half of an emoji

texts = st.builds(lambda a, b, c: a + b + c, st.text(max_size=6), st.sampled_from(BAD), st.text(max_size=6))
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=8
)


deep = st.integers(min_value=0, max_value=40).map(lambda d: json.loads("[" * d + "1" + "]" * d))
anything = st.text(max_size=12) | texts | values | deep

# A good set of answers with up to two of them changed to anything, and now and then a key of any text.
answers = st.builds(
    lambda changed, extra: {**GOOD_ANSWERS, **changed, **extra},
    st.dictionaries(st.sampled_from(KEYS), anything, max_size=2) | st.fixed_dictionaries({"hopes": st.text()}),
    st.just({}) | st.just({}) | st.dictionaries(st.text(max_size=4) | texts, anything, max_size=1),
)


@pytest.fixture
def codes(settings_fixture):
    return iter(codes_for(wave_factory(), 400))


@pytest.fixture
def settings_fixture(settings):
    settings.SURVEY_API_SUBMIT_RATE = "100000/60"
    return settings


@given(answers=answers, language=st.just("en") | st.just("cy") | texts)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_answers_give_a_201_or_a_400_and_a_400_stores_nothing(codes, answers, language):
    api = APIClient()
    api.raise_request_exception = False
    before = (Response.objects.count(), Answer.objects.count())
    body = json.dumps({"code": next(codes), "language": language, "answers": answers})
    out = api.post("/api/v1/responses/", body, content_type="application/json")
    assert out.status_code in {201, 400}, out.content[:300]
    out.json()  # a reply that can be read, whatever was sent
    if out.status_code == 400:
        assert (Response.objects.count(), Answer.objects.count()) == before
    else:
        assert all(is_storable(t) for t in Answer.objects.values_list("text", flat=True))
