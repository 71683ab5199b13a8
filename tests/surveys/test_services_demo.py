import datetime
import itertools
import re

import pytest
from django.utils import timezone

from indicators.access.models import Role
from indicators.places.services import staff_create
from surveys.models import Channel, Response, Wave
from surveys.models.questionnaire import REPORT_FACTORS
from surveys.services.demo import demo_codes_for, seed_surveys
from surveys.services.demo_plan import demo_schedule, factor_leans, months_name
from surveys.services.responses import code_check
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def test_the_demo_waves_are_synthetic_idempotent_and_leave_working_codes():
    places = NeighbourhoodFactory.create_batch(2)
    demo = seed_surveys(neighbourhoods=places, responses_each=12, codes_each=14)
    assert demo.wave.synthetic
    assert "synthetic" in demo.wave.name
    # Two closed waves before the open one, so that the demo shows change over time.
    waves = list(Wave.objects.order_by("opens_on"))
    assert [w.synthetic for w in waves] == [True, True, True]
    assert waves[-1] == demo.wave
    assert waves[0].has_closed()
    assert waves[1].has_closed()
    assert demo.wave.is_open()
    responses = Response.objects.all()
    assert all(Response.objects.filter(wave=w, neighbourhood=n).exists() for w in waves for n in places)
    assert all(r.synthetic and r.status == "completed" for r in responses)
    for w in waves:
        for r in w.responses.all():
            assert w.opens_on <= timezone.localtime(r.completed_at).date() <= w.closes_on
            assert r.completed_at <= timezone.now()
    total = responses.count()
    assert not responses.filter(answers__question__kind="text").exists()  # no made-up free text
    assert len(demo.codes) == 4
    for _neighbourhood, code in demo.codes:
        code_check(code=code)
    again = seed_surveys(neighbourhoods=places, responses_each=12, codes_each=14)
    assert again.wave == demo.wave
    assert again.codes == demo.codes
    assert Response.objects.count() == total


def test_the_demo_answers_come_by_every_channel_and_web_answers_use_their_codes():
    places = NeighbourhoodFactory.create_batch(2)
    demo = seed_surveys(neighbourhoods=places, responses_each=15, codes_each=20)

    current = Response.objects.filter(wave=demo.wave)
    assert {Channel.WEB, Channel.PAPER, Channel.OPEN_LINK} <= set(current.values_list("channel", flat=True))
    web = current.filter(channel=Channel.WEB)
    assert web.count() == demo.wave.invitations.filter(used=True).count()
    assert not web.filter(invitation__isnull=True).exists()
    earlier = Response.objects.exclude(wave=demo.wave)
    assert not earlier.filter(channel=Channel.WEB).exists()  # codes cannot be used once a wave has closed
    assert not earlier.filter(channel=Channel.OPEN_LINK, wave__open_link=False).exists()


def test_the_demo_opens_a_new_wave_when_run_again_after_its_wave_has_closed():
    places = NeighbourhoodFactory.create_batch(1)
    first = seed_surveys(neighbourhoods=places, responses_each=11, codes_each=14)
    # Some weeks later: every demo wave has moved into the past.
    for wave in Wave.objects.all():
        wave.opens_on -= datetime.timedelta(days=120)
        wave.closes_on -= datetime.timedelta(days=120)
        wave.save()

    later = seed_surveys(responses_each=11, codes_each=14)

    assert later.wave != first.wave
    assert later.wave.is_open()
    assert list(later.wave.neighbourhoods.all()) == places
    assert Wave.objects.count() == 4
    assert later.codes
    for _neighbourhood, code in later.codes:
        assert code_check(code=code).wave == later.wave


def test_printed_codes_are_unused_open_and_in_places_the_user_sees():
    mine, other = NeighbourhoodFactory.create_batch(2)
    officer = staff_create(
        username="officer", password="x" * 12, role=Role.OFFICER, local_authorities=[mine.local_authority]
    )
    demo = seed_surveys(neighbourhoods=[mine, other], responses_each=11, codes_each=14)

    codes = demo_codes_for(officer, wave=demo.wave, how_many=3)

    assert [c.neighbourhood for c in codes] == [mine]
    invitation = code_check(code=codes[0].code, wave=demo.wave)
    assert invitation.neighbourhood == mine
    assert not invitation.used
    assert codes[0].url.startswith("https://rebalance.example.org/survey/?code=")
    skipped = demo_codes_for(officer, wave=demo.wave, skip=frozenset({codes[0].code}))
    assert skipped[0].code != codes[0].code


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 12, 2), datetime.date(2027, 1, 5), datetime.date(2027, 3, 20), datetime.date(2027, 9, 14),
     datetime.date(2028, 2, 29), datetime.date(2030, 6, 30), datetime.date(2030, 10, 20)],
)  # fmt: skip
def test_waves_are_named_for_their_months_in_order_with_one_open_on_the_day(today):
    plans = demo_schedule(today)

    assert len(plans) == 3
    assert plans[-1].current
    assert plans[-1].opens_on <= today <= plans[-1].closes_on
    for earlier, later in itertools.pairwise(plans):
        assert earlier.closes_on < later.opens_on
        assert not earlier.current
    for plan in plans:
        assert plan.name.endswith("(synthetic responses)")
        named = re.findall(rf"({MONTHS})(?: (\d{{4}}))?", plan.name)
        assert named[0][0] == f"{plan.opens_on:%B}"
        assert named[-1][0] == f"{plan.closes_on:%B}"
        years = [int(y) for _, y in named if y]
        assert years[-1] == plan.closes_on.year
        if plan.opens_on.year != plan.closes_on.year:  # a wave over a year end says so
            assert years == [plan.opens_on.year, plan.closes_on.year]
        if not plan.current:
            assert plan.opens_on.year == plan.closes_on.year


def test_month_names():
    assert months_name(datetime.date(2024, 3, 1), datetime.date(2024, 4, 11)) == "March–April 2024"
    assert months_name(datetime.date(2024, 3, 1), datetime.date(2024, 3, 30)) == "March 2024"
    assert months_name(datetime.date(2026, 11, 18), datetime.date(2027, 1, 12)) == "November 2026–January 2027"


def test_each_place_has_a_clearly_weak_factor_and_factors_move_both_ways():
    places = [f"Leeds {n:03}" for n in range(1, 45)]
    for place in places:
        weakest, next_weakest = sorted(factor_leans(place, 0).values())[:2]
        assert weakest <= next_weakest - 0.1
    changes = [factor_leans(p, 1)[f] - factor_leans(p, 0)[f] for p in places for f in REPORT_FACTORS]
    assert any(c > 0.05 for c in changes)
    assert any(c < -0.05 for c in changes)
    assert any(abs(c) < 0.01 for c in changes)
