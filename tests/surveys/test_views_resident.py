import datetime

import pytest
from django.urls import reverse

from surveys.models import Answer, Invitation, Response, ResponseStatus
from surveys.services.responses import response_submit
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db

START = reverse("surveys:start")


def page(n):
    return reverse("surveys:page", args=[n])


def enter(client, code, url=START):
    return client.post(url, {"code": code})


def test_the_letter_link_fills_the_code_in(client):
    wave = wave_factory()
    code = codes_for(wave)[0]
    html = client.get(f"{START}?code={code}").content.decode()
    assert f'value="{code}"' in html
    assert Response.objects.count() == 0  # opening the link changes nothing


def test_a_resident_answers_page_by_page_checks_and_sends(client):
    wave = wave_factory()
    code = codes_for(wave)[0]
    assert enter(client, code.lower().replace("-", "")).url == page(1)
    html = client.get(page(1)).content.decode()
    assert "Page 1 of 3" in html  # the follow-up page is hidden until "yes"
    assert client.post(page(1), {"satisfied": "fairly", "move": "yes"}).url == page(2)
    assert "Page 2 of 4" in client.get(page(2)).content.decode()
    assert client.post(page(2), {"why_move": ["work", "home"]}).url == page(3)
    assert client.post(page(3), {"life": "4", "plans": "work"}).url == page(4)
    assert client.post(page(4), {"age": "16_34", "years": "", "hopes": "A garden"}).url == reverse("surveys:check")
    html = client.get(reverse("surveys:check")).content.decode()
    for shown in ("Fairly satisfied", "Work, A bigger home", "A garden", "16 to 34"):
        assert shown in html
    assert client.post(reverse("surveys:check")).url == reverse("surveys:done")
    assert "Thank you" in client.get(reverse("surveys:done")).content.decode()
    response = Response.objects.get()
    assert response.status == ResponseStatus.COMPLETED
    assert response.channel == "web"
    assert dict(response.answers.values_list("question__key", "score"))["satisfied"] == 50


def test_skip_logic_on_the_pages_skips_and_clears_a_hidden_follow_up(client):
    wave = wave_factory()
    enter(client, codes_for(wave)[0])
    client.post(page(1), {"satisfied": "very", "move": "yes"})
    client.post(page(2), {"why_move": ["work"]})
    # Changing the answer hides the follow-up: the next page is 3, and the hidden answer goes on sending.
    assert client.post(page(1), {"satisfied": "very", "move": "no"}).url == page(3)
    assert client.get(page(2)).url == page(3)
    client.post(page(3), {"life": "4", "plans": "work"})
    client.post(page(4), {"age": "16_34"})
    client.post(reverse("surveys:check"))
    assert not Answer.objects.filter(question__key="why_move").exists()


def test_errors_show_a_summary_and_inline_messages_and_save_nothing(client):
    wave = wave_factory()
    enter(client, codes_for(wave)[0])
    out = client.post(page(3), {"life": "", "plans": "work"})
    assert out.status_code == 400
    html = out.content.decode()
    assert "There is a problem" in html
    assert 'href="#q-life"' in html
    assert 'id="q-life"' in html
    assert "<title>Error:" in html
    assert 'value="work" id="q-plans" checked' in html  # what was typed is kept
    assert not Answer.objects.exists()


def test_the_check_page_will_not_send_until_required_answers_are_given(client):
    wave = wave_factory()
    enter(client, codes_for(wave)[0])
    client.post(page(1), {"satisfied": "very", "move": "no"})
    out = client.post(reverse("surveys:check"))
    assert out.status_code == 400
    assert "Some questions still need an answer" in out.content.decode()
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def test_save_and_resume_with_the_same_code_on_another_device(client, django_user_model):
    from django.test import Client

    wave = wave_factory()
    code = codes_for(wave)[0]
    enter(client, code)
    client.post(page(1), {"satisfied": "not", "move": "no"})
    out = client.post(page(3), {"life": "9", "plans": "study", "action": "save_and_leave"})
    assert out.url == reverse("surveys:saved")
    assert "enter the code from your letter again" in client.get(out.url).content.decode()
    other = Client()
    assert enter(other, code.lower()).url == page(4)  # where they stopped: page 2 is skipped, 1 and 3 are done
    assert 'value="not" id="q-satisfied-not" checked' in other.get(page(1)).content.decode()
    assert 'value="9" id="q-life-9" checked' in other.get(page(3)).content.decode()
    assert Response.objects.count() == 1


def _state():
    return (
        list(Response.objects.order_by("pk").values_list("pk", "status", "invitation_id", "completed_at")),
        list(Answer.objects.order_by("pk").values_list("pk", "option_id", "score")),
        list(Invitation.objects.order_by("pk").values_list("pk", "used")),
    )


def test_a_wrong_code_is_refused_kindly_and_changes_nothing(client):
    wave = wave_factory()
    codes_for(wave)
    before = _state()
    out = enter(client, "ABCD-EFGH-JKMN")
    assert out.status_code == 200
    assert "We could not find that code" in out.content.decode()
    out = enter(client, "not a code")
    assert "12 letters and numbers" in out.content.decode()
    assert _state() == before


def test_a_used_code_gets_its_own_page_offering_to_see_or_withdraw(client):
    wave = wave_factory()
    code = codes_for(wave)[0]
    response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    before = _state()
    html = enter(client, code).content.decode()
    assert "This code has already been used" in html
    assert _state() == before
    html = client.get(reverse("surveys:your-answers")).content.decode()
    assert "Very satisfied" in html
    out = client.post(reverse("surveys:withdraw"), {"confirm": ""})
    assert out.status_code == 400
    assert _state() == before
    assert "withdrawn" in client.post(reverse("surveys:withdraw"), {"confirm": "yes"}).content.decode()
    assert Response.objects.get().status == ResponseStatus.WITHDRAWN
    assert "You withdrew your answers" in enter(client, code).content.decode()


def test_a_closed_wave_gets_its_own_page_and_nothing_changes(client):
    wave = wave_factory()
    code = codes_for(wave)[0]
    enter(client, code)
    client.post(page(1), {"satisfied": "very", "move": "no"})
    wave.opens_on = wave.closes_on = datetime.date.today() - datetime.timedelta(days=1)
    wave.save()
    before = _state()
    assert "This survey has closed" in enter(client, code).content.decode()
    assert "This survey has closed" in client.post(page(3), {"life": "1", "plans": "work"}).content.decode()
    assert "This survey has closed" in client.post(reverse("surveys:check")).content.decode()
    assert _state() == before


def test_a_wave_that_has_not_opened_says_when_it_opens(client):
    wave = wave_factory(opens_in_days=3)
    html = enter(client, codes_for(wave)[0]).content.decode()
    assert "has not opened yet" in html
    assert not Response.objects.exists()


def test_a_code_from_another_wave_on_a_wave_page_is_explained(client):
    wave = wave_factory()
    other = wave_factory(version=wave.survey_version, name="Autumn wave")
    code = codes_for(other)[0]
    before = _state()
    html = enter(client, code, url=reverse("surveys:wave-start", args=[wave.slug])).content.decode()
    assert "This code is for a different survey" in html
    assert _state() == before
    assert enter(client, code, url=reverse("surveys:wave-start", args=[other.slug])).url == page(1)


def test_wrong_codes_are_rate_limited_per_address(client, settings):
    settings.SURVEY_CODE_RATE = "3/900"
    wave = wave_factory()
    good = codes_for(wave)[0]
    for _ in range(3):
        assert enter(client, "ABCD-EFGH-JKMN").status_code == 200
    out = enter(client, good)
    assert out.status_code == 429
    assert not Response.objects.exists()
    # Another address is not held back.
    assert client.post(START, {"code": good}, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_resident_picks_welsh_and_gets_welsh_items_with_english_fallback(client):
    wave = wave_factory()
    enter(client, codes_for(wave)[0])
    out = client.post(reverse("surveys:language"), {"language": "cy", "next": page(1)})
    assert out.url == page(1)
    html = client.get(page(1)).content.decode()
    assert 'lang="cy"' in html
    assert "Pa mor fodlon ydych chi" in html  # translated item
    assert "Do you expect to move?" in html  # not translated: English
    assert Response.objects.get().language == "cy"
    assert client.post(reverse("surveys:language"), {"language": "cy", "next": "https://evil.example"}).url == START


def test_the_open_link_asks_for_the_neighbourhood_checks_timing_and_rate_limits(client, settings):
    wave = wave_factory(open_link=True)
    url = reverse("surveys:open", args=[wave.slug])
    html = client.get(url).content.decode()
    neighbourhood = wave.neighbourhoods.get()
    assert neighbourhood.name in html
    token = html.split('name="t" value="')[1].split('"')[0]
    settings.SURVEY_OPEN_LINK_MIN_SECONDS = 60
    out = client.post(url, {"t": token, "neighbourhood": neighbourhood.pk})
    assert out.status_code == 400  # sent back too fast to be a person
    assert not Response.objects.exists()
    settings.SURVEY_OPEN_LINK_MIN_SECONDS = 0
    assert client.post(url, {"t": "forged", "neighbourhood": neighbourhood.pk}).status_code == 400
    assert client.post(url, {"t": token, "neighbourhood": neighbourhood.pk}).url == page(1)
    response = Response.objects.get()
    assert response.channel == "open_link"
    assert response.invitation is None
    settings.SURVEY_OPEN_LINK_RATE = "1/3600"
    assert client.post(url, {"t": token, "neighbourhood": neighbourhood.pk}).status_code == 429
    assert Response.objects.count() == 1


def test_a_wave_without_an_open_link_has_no_open_page(client):
    wave = wave_factory(open_link=False)
    assert client.get(reverse("surveys:open", args=[wave.slug])).status_code == 404


def test_pages_without_a_response_in_the_session_ask_for_the_code(client):
    assert "Enter your code to carry on" in client.get(page(1)).content.decode()
    assert client.get(reverse("surveys:done")).url == START


def test_no_address_or_user_agent_is_stored(client):
    wave = wave_factory()
    code = codes_for(wave)[0]
    client.post(START, {"code": code}, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="SpecialPhone/9")
    client.post(page(1), {"satisfied": "very", "move": "no"}, REMOTE_ADDR="203.0.113.77")
    stored = str(list(Response.objects.values())) + str(list(Answer.objects.values()))
    assert "203.0.113.77" not in stored
    assert "SpecialPhone" not in stored


def test_every_resident_page_counts_against_one_allowance_per_address(client, settings):
    settings.SURVEY_PAGE_RATE = "3/60"
    assert [client.get("/survey/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/survey/")
    assert refused.status_code == 429
    # Another address is not held back by the first one's count.
    assert client.get("/survey/", REMOTE_ADDR="192.0.2.7").status_code == 200
