import pytest
from rest_framework.test import APIClient

from indicators.access.models import Role
from indicators.accounts.ratelimit import rate_limited
from surveys.api import ResponseSubmit
from surveys.models import Response
from surveys.services.responses import response_submit
from tests.factories import NeighbourhoodFactory, staff
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/responses/"


@pytest.fixture
def api():
    return APIClient()


def test_submit_with_a_code_needs_no_login(api):
    wave = wave_factory()
    code = codes_for(wave)[0]
    out = api.post(SUBMIT, {"code": code.lower(), "answers": GOOD_ANSWERS, "language": "cy"}, format="json")
    assert out.status_code == 201, out.json()
    assert out.json()["status"] == "completed"
    response = Response.objects.get()
    assert (response.channel, response.language) == ("api", "cy")


def test_the_receipt_is_what_the_output_serializer_describes(api, settings):
    wave = wave_factory()
    out = api.post(SUBMIT, {"code": codes_for(wave)[0], "answers": GOOD_ANSWERS}, format="json")
    response = Response.objects.get()
    assert out.json() == ResponseSubmit.OutputSerializer(response).data
    assert ResponseSubmit.receipt(response) == ResponseSubmit.OutputSerializer(response).data
    settings.TIME_ZONE = "Asia/Kolkata"  # an offset other than zero, all year
    assert ResponseSubmit.receipt(response) == ResponseSubmit.OutputSerializer(response).data
    assert ResponseSubmit.receipt(response)["completed_at"].endswith("+05:30")


@pytest.mark.parametrize(
    ("case", "status", "kind"),
    [("wrong", 400, "wrong_code"), ("used", 409, "used_code"), ("other_wave", 400, "other_wave")],
)
def test_submit_errors_match_the_pages(api, case, status, kind):
    wave = wave_factory()
    code = codes_for(wave)[0]
    body = {"code": code, "answers": GOOD_ANSWERS}
    if case == "wrong":
        body["code"] = "ABCD-EFGH-JKMN"
    elif case == "used":
        response_submit(raw=GOOD_ANSWERS, channel="web", code=code)
    else:
        body["wave"] = wave_factory(version=wave.survey_version, name="Other").slug
    before = Response.objects.count()
    out = api.post(SUBMIT, body, format="json")
    assert (out.status_code, out.json()["code"]) == (status, kind)
    assert Response.objects.count() == before


def test_submit_names_the_questions_with_bad_answers(api):
    wave = wave_factory()
    out = api.post(SUBMIT, {"code": codes_for(wave)[0], "answers": {**GOOD_ANSWERS, "life": 11}}, format="json")
    assert out.status_code == 400
    assert set(out.json()["errors"]) == {"life"}
    assert not Response.objects.exists()


def test_submit_is_rate_limited(api, settings):
    settings.SURVEY_API_SUBMIT_RATE = "2/60"
    wave = wave_factory()
    codes = codes_for(wave, 3)
    for code in codes[:2]:
        assert api.post(SUBMIT, {"code": code, "answers": GOOD_ANSWERS}, format="json").status_code == 201
    assert api.post(SUBMIT, {"code": codes[2], "answers": GOOD_ANSWERS}, format="json").status_code == 429


def test_wrong_codes_hold_back_an_address_without_counting_its_submissions(api, settings):
    settings.SURVEY_CODE_RATE = "2/60"
    wave = wave_factory()
    for _ in range(2):
        assert api.post(SUBMIT, {"code": "ABCD-EFGH-JKMN", "answers": {}}, format="json").status_code == 400
    good = {"code": codes_for(wave)[0], "answers": GOOD_ANSWERS}
    assert api.post(SUBMIT, good, format="json").status_code == 429
    # Two hits counted for the two wrong codes; none for the refused request.
    assert not rate_limited(scope="api", who="127.0.0.1", rate="3/60")


@pytest.mark.parametrize("url", ["/api/v1/surveys/", "/api/v1/waves/", "/api/v1/response-counts/"])
def test_anonymous_callers_get_nothing_but_the_submit_endpoint(api, url):
    wave_factory()
    assert api.get(url).status_code in (401, 403)


def test_reads_are_scoped_to_the_callers_places(api):
    wave = wave_factory()
    mine = wave.neighbourhoods.get()
    theirs = NeighbourhoodFactory()
    wave.neighbourhoods.add(theirs)
    hidden = wave_factory(version=wave.survey_version, neighbourhoods=[theirs], name="Hidden")
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave, neighbourhood=mine)[0])
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave, neighbourhood=theirs)[0])
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(hidden)[0])
    api.force_authenticate(staff(Role.OFFICER, neighbourhoods=[mine]))
    waves = api.get("/api/v1/waves/").json()["results"]
    assert [(w["slug"], w["neighbourhoods"]) for w in waves] == [(wave.slug, [mine.pk])]
    surveys = api.get("/api/v1/surveys/").json()["results"]
    assert [s["slug"] for s in surveys] == ["test-survey"]
    assert surveys[0]["versions"][0]["frozen"] is True
    counts = api.get("/api/v1/response-counts/").json()
    assert [(c["neighbourhood"], c["completed"], c["api"]) for c in counts] == [(mine.pk, 1, 1)]
    assert api.get(f"/api/v1/response-counts/?wave={hidden.pk}").status_code == 404
    # No endpoint lists individual answers.
    assert api.get("/api/v1/responses/").status_code == 405


def test_admins_see_every_count(api):
    wave = wave_factory()
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    api.force_authenticate(staff(Role.ADMIN))
    assert [c["completed"] for c in api.get("/api/v1/response-counts/").json()] == [1]


def test_people_without_a_role_see_no_survey(api):
    wave_factory()
    api.force_authenticate(staff(None))
    assert api.get("/api/v1/waves/").json()["results"] == []
    assert api.get("/api/v1/surveys/").json()["results"] == []


GOOD_BODY = {"code": "k7qm-4rtx-9hpc", "answers": {"satisfied": "very", "why_move": ["work"], "years": 3}}


@pytest.mark.parametrize(
    "body",
    [
        GOOD_BODY,
        {**GOOD_BODY, "code": "  K7QM 4RTX 9HPC  ", "language": "cy", "wave": "spring-2026", "extra": 1},
        {**GOOD_BODY, "answers": {}},
        {**GOOD_BODY, "answers": {"satisfied": None}},
        {**GOOD_BODY, "answers": {"x": {"nested": [1, 2.5, True]}}},
        {**GOOD_BODY, "answers": ["satisfied"]},
        {**GOOD_BODY, "code": ""},
        {**GOOD_BODY, "code": "   "},
        {**GOOD_BODY, "code": "x" * 41},
        {**GOOD_BODY, "code": " " + "x" * 40 + " "},
        {**GOOD_BODY, "code": "AB\x00CD"},
        {**GOOD_BODY, "code": "ABC\tD"},
        {**GOOD_BODY, "code": "ÄBCD"},
        {**GOOD_BODY, "code": 123456789012},
        {**GOOD_BODY, "code": True},
        {**GOOD_BODY, "code": None},
        {"answers": GOOD_BODY["answers"]},
        {"code": GOOD_BODY["code"]},
        {**GOOD_BODY, "language": "fr"},
        {**GOOD_BODY, "language": ""},
        {**GOOD_BODY, "language": None},
        {**GOOD_BODY, "wave": ""},
        {**GOOD_BODY, "wave": None},
        {**GOOD_BODY, "wave": "no spaces"},
        {**GOOD_BODY, "wave": " padded "},
        {**GOOD_BODY, "wave": "ünicode"},
        {**GOOD_BODY, "wave": 7},
        [GOOD_BODY],
        "code",
    ],
)
def test_the_plain_submission_check_accepts_only_what_the_serializer_does(body):
    serializer = ResponseSubmit.InputSerializer(data=body)
    plain = ResponseSubmit.plain_submission(body)
    if not serializer.is_valid():
        assert plain is None
    elif plain is not None:  # None only hands a valid body to the serializer: never wrong, just slower
        assert plain == dict(serializer.validated_data)
    if body is GOOD_BODY:
        assert plain is not None


def test_a_malformed_body_gets_the_serializers_errors(api):
    out = api.post(SUBMIT, {"code": "", "answers": {"satisfied": None}, "language": "fr"}, format="json")
    assert out.status_code == 400
    assert set(out.json()) == {"code", "answers", "language"}
    assert out.json()["answers"] == {"satisfied": ["This field may not be null."]}
