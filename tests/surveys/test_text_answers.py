"""Text the database cannot store, JSON too deep or too large, and answers of the wrong type: a 400 naming the
field or question, never a 500, and nothing stored. On SQLite and on PostgreSQL (where a NUL failed in the
database): the refusal comes before the database on both."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from indicators.access.models import Role
from surveys.forms import WaveForm
from surveys.models import Answer, Response
from tests.factories import staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/responses/"
UNSTORABLE = ["nul\x00byte", "\ud800", "a garden\udfff"]


@pytest.fixture
def api():
    client = APIClient()
    client.raise_request_exception = False  # a 500 is a status to assert on, not an exception
    return client


def send(api, body) -> tuple[int, dict]:
    out = api.post(SUBMIT, json.dumps(body), content_type="application/json")
    return out.status_code, (out.json() if out["Content-Type"] == "application/json" else {})


def nothing_stored():
    return not Response.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize("text", UNSTORABLE)
def test_the_api_refuses_a_nul_or_a_lone_surrogate_in_a_text_answer_naming_the_question(api, text):
    code = codes_for(wave_factory())[0]
    status, body = send(api, {"code": code, "answers": {**GOOD_ANSWERS, "hopes": text}})
    assert status == 400
    assert set(body["errors"]) == {"hopes"}
    assert "cannot be saved" in body["errors"]["hopes"]
    assert nothing_stored()


@pytest.mark.parametrize("text", UNSTORABLE)
@pytest.mark.parametrize("where", ["answer_key", "choice", "language", "wave", "field_name"])
def test_the_api_refuses_such_text_anywhere_in_the_body_and_never_quotes_it_back_raw(api, text, where):
    code = codes_for(wave_factory())[0]
    body = {"code": code, "answers": dict(GOOD_ANSWERS)}
    if where == "answer_key":
        body["answers"][text] = None
    elif where == "choice":
        body["answers"]["satisfied"] = text
    elif where == "field_name":
        body[text] = 1
    else:
        body[where] = text
    status, out = send(api, body)
    assert status == 400, out
    assert nothing_stored()


@pytest.mark.parametrize("value", [{"a": {"b": 1}}, ["a", "b"], [{"a": 1}], 42, 4.5, True])
def test_a_text_answer_must_be_one_string(api, value):
    code = codes_for(wave_factory())[0]
    status, body = send(api, {"code": code, "answers": {**GOOD_ANSWERS, "hopes": value}})
    assert status == 400
    assert set(body["errors"]) == {"hopes"}
    assert nothing_stored()


@pytest.mark.parametrize(("key", "value"), [("satisfied", {"very": 1}), ("life", [[7]]), ("years", True)])
def test_objects_lists_and_booleans_are_no_choice_or_number_either(api, key, value):
    code = codes_for(wave_factory())[0]
    status, body = send(api, {"code": code, "answers": {**GOOD_ANSWERS, key: value}})
    assert (status, set(body["errors"])) == (400, {key})


def test_a_text_answer_given_as_a_string_or_a_one_item_list_is_kept_as_text(api):
    codes = codes_for(wave_factory(), 2)
    assert send(api, {"code": codes[0], "answers": {**GOOD_ANSWERS, "hopes": "A garden 😀"}})[0] == 201
    assert send(api, {"code": codes[1], "answers": {**GOOD_ANSWERS, "hopes": ["A park"]}})[0] == 201
    assert sorted(Answer.objects.exclude(text="").values_list("text", flat=True)) == ["A garden 😀", "A park"]


def test_json_nested_fifty_thousand_deep_is_a_400_before_parsing(api):
    out = api.post(SUBMIT, "[" * 50_000 + "]" * 50_000, content_type="application/json")
    assert out.status_code == 400
    assert "levels deep" in out.json()["detail"]


def test_an_oversized_body_is_a_400(api, settings):
    settings.API_MAX_BODY_BYTES = 1_000
    code = codes_for(wave_factory())[0]
    status, body = send(api, {"code": code, "answers": {**GOOD_ANSWERS, "hopes": "x" * 2_000}})
    assert status == 400
    assert "larger than 1,000 bytes" in body["detail"]
    assert nothing_stored()


def page(n):
    return reverse("surveys:page", args=[n])


@pytest.mark.parametrize("text", ["nul\x00byte", "\x00"])
def test_the_web_survey_shows_the_error_on_the_free_text_question(client, text):
    client.post(reverse("surveys:start"), {"code": codes_for(wave_factory())[0]})
    client.post(page(1), {"satisfied": "very", "move": "no"})
    client.post(page(3), {"life": "4", "plans": "work"})
    Answer.objects.all().delete()
    out = client.post(page(4), {"age": "16_34", "hopes": text})
    assert out.status_code == 400
    html = out.content.decode()
    assert 'href="#q-hopes"' in html
    assert "cannot be saved" in html
    assert not Answer.objects.exists()


def test_paper_entry_shows_the_error_on_the_free_text_question(client):
    wave = wave_factory()
    client.force_login(staff(Role.OFFICER, neighbourhoods=list(wave.neighbourhoods.all())))
    url = reverse("surveys:paper", args=[wave.pk])
    out = client.post(url, {"neighbourhood": wave.neighbourhoods.get().pk, **GOOD_ANSWERS, "hopes": "a\x00b"})
    assert out.status_code == 400
    assert 'href="#q-hopes"' in out.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("name", ["Spring\x00wave", "Spring\ud800wave"])
def test_staff_forms_give_one_message_on_the_field(name):
    form = WaveForm(data={"name": name}, versions=Response.objects.none(), neighbourhoods=Response.objects.none())
    assert not form.is_valid()
    assert len(form.errors["name"]) == 1
    assert "cannot be saved" in form.errors["name"][0]
