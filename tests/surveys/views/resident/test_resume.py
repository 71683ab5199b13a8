"""A resident who comes back carries on where they stopped: the first page with a shown question unanswered."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import NeighbourhoodFactory
from tests.surveys.factories import codes_for, wave_factory

pytestmark = pytest.mark.django_db

START = reverse("surveys:start")
CHECK = reverse("surveys:check")


def page(n):
    return reverse("surveys:page", args=[n])


def _started(client, wave=None):
    wave = wave or wave_factory()
    code = codes_for(wave)[0]
    assert client.post(START, {"code": code}).url == page(1)  # a new code starts at the beginning
    return code


def test_re_entering_a_code_skips_pages_hidden_by_earlier_answers(client):
    code = _started(client)
    client.post(page(1), {"satisfied": "very", "move": "no"})  # the follow-up on page 2 is not shown
    assert Client().post(START, {"code": code}).url == page(3)


def test_a_follow_up_revealed_by_an_answer_is_where_they_carry_on(client):
    code = _started(client)
    client.post(page(1), {"satisfied": "very", "move": "yes"})
    assert Client().post(START, {"code": code}).url == page(2)


def test_the_first_unanswered_page_not_the_last_one_answered(client):
    code = _started(client)
    client.post(page(1), {"satisfied": "very", "move": "no"})
    client.post(page(4), {"age": "16_34"})  # reached from the check page, say, before page 3
    assert Client().post(START, {"code": code}).url == page(3)


def test_optional_questions_left_blank_do_not_call_them_back(client):
    code = _started(client)
    client.post(page(1), {"satisfied": "very", "move": "no"})
    client.post(page(3), {"life": "4", "plans": "work"})
    client.post(page(4), {"age": "16_34", "years": "", "hopes": ""})
    assert Client().post(START, {"code": code}).url == CHECK


def test_a_browser_holding_an_unfinished_response_is_offered_to_carry_on(client):
    wave = wave_factory(open_link=True, neighbourhoods=[NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe")])
    url = reverse("surveys:open", args=[wave.slug])
    token = client.get(url).content.decode().split('name="t" value="')[1].split('"')[0]
    client.post(url, {"t": token, "neighbourhood": wave.neighbourhoods.get().pk})
    client.post(page(1), {"satisfied": "very", "move": "no", "action": "save_and_leave"})
    saved = client.get(reverse("surveys:saved")).content.decode()
    assert f'href="{page(3)}">Carry on now' in saved
    for start in (url, START):
        html = client.get(start).content.decode()
        assert "You have started the survey for Swarcliffe in this browser" in html
        assert f'class="button" href="{page(3)}">Carry on now' in html
    assert "Carry on where you stopped" not in Client().get(START).content.decode()


def test_resident_pages_name_the_place_as_people_know_it(client):
    swarcliffe = NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe")
    plain = NeighbourhoodFactory(name="Leeds 042")
    wave = wave_factory(open_link=True, neighbourhoods=[swarcliffe, plain])
    html = client.get(reverse("surveys:open", args=[wave.slug])).content.decode()
    assert html.index("Leeds 042") < html.index("Swarcliffe (Leeds 041)")  # in order of the names shown
    client.post(START, {"code": codes_for(wave, neighbourhood=swarcliffe)[0]})
    assert "Survey for residents of Swarcliffe" in client.get(page(1)).content.decode()


def test_the_new_words_are_in_welsh_too(client):
    swarcliffe = NeighbourhoodFactory(name="Leeds 041", known_as="Swarcliffe")
    wave = wave_factory(neighbourhoods=[swarcliffe])
    client.post(reverse("surveys:language"), {"language": "cy", "next": START})
    client.post(START, {"code": codes_for(wave)[0]})
    assert "Arolwg i drigolion Swarcliffe" in client.get(page(1)).content.decode()
    assert "Parhau o'r man lle gwnaethoch chi stopio" in client.get(START).content.decode()


def test_saving_to_come_back_later_keeps_what_is_answered_and_returns_to_that_page(client):
    code = _started(client)
    client.post(page(1), {"satisfied": "very", "move": "no"})
    out = client.post(page(3), {"life": "4", "plans": "", "action": "save_and_leave"})
    assert out.url == reverse("surveys:saved")  # a blank required answer waits; it does not stop them leaving
    other = Client()
    assert other.post(START, {"code": code}).url == page(3)
    assert 'value="4" id="q-life-4" checked' in other.get(page(3)).content.decode()
    assert other.post(page(3), {"life": "4", "plans": ""}).status_code == 400  # going on still needs it
    assert other.post(page(3), {"life": "99", "action": "save_and_leave"}).status_code == 400  # not a blank
