"""The demo seed builds the report's case-study areas from the real IoD2019 file, then synthetic
survey waves and official figures, and the engine's figures from them. One seed serves every check:
it is the slowest fixture in the suite."""

import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max, Q
from django.test import Client

from indicators.access.models import Role
from indicators.engine.models import (
    AnswerShare,
    EffectEstimate,
    FactorScore,
    PairComparison,
    StatisticalNeighbour,
    WorklessnessPoint,
)
from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region
from surveys.models import Channel, Response, Wave
from surveys.services.demo_plan import months_name
from surveys.services.responses import code_check


@pytest.mark.django_db
def test_seed_builds_the_demo_can_run_twice_and_its_logins_work():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)

    assert sorted(Region.objects.values_list("name", flat=True)) == [
        "Greater Leeds",
        "Greater Liverpool",
        "Tees Valley",
    ]
    tees = LocalAuthority.objects.filter(region__name="Tees Valley")
    assert sorted(tees.values_list("code", flat=True)) == [
        "E06000001",
        "E06000002",
        "E06000003",
        "E06000004",
        "E06000005",
    ]
    # Every neighbourhood is made of real LSOAs in the most deprived decile of its own authority.
    neighbourhoods = Neighbourhood.objects.all()
    assert neighbourhoods.count() > 50
    for n in neighbourhoods.prefetch_related("small_areas__deprivation"):
        for area in n.small_areas.all():
            assert area.local_authority_id == n.local_authority_id
            assert area.deprivation.get(edition=Deprivation.Edition.IOD2019).decile == 1
    assert MatchedPair.objects.count() >= 6
    for pair in MatchedPair.objects.all():
        assert pair.first.small_areas.count() == pair.second.small_areas.count()
    for username in ["admin", "officer.leeds", "officer.tees", "manager.liverpool"]:
        assert username in out.getvalue()
    # Synthetic, labelled, and turned into figures.
    assert not Response.objects.filter(synthetic=False).exists()
    assert FactorScore.objects.filter(withheld=False, trend__gt="").exists()
    assert FactorScore.objects.filter(withheld=True).exists()
    assert WorklessnessPoint.objects.filter(level="benchmark").exists()
    assert PairComparison.objects.filter(withheld=False, wave__isnull=False).exists()
    # Every neighbourhood has its statistical neighbours, and a demo intervention has an estimate of its effect.
    assert StatisticalNeighbour.objects.values("neighbourhood").distinct().count() == neighbourhoods.count()
    assert EffectEstimate.objects.filter(status=EffectEstimate.Status.ESTIMATED).exists()

    _every_place_of_the_leeds_officer_and_liverpool_manager_has_two_waves_and_some_figures_are_withheld()
    _results_per_question_mostly_show_and_withholding_shows_too()
    _printed_codes_are_unused_and_in_each_users_own_places(out.getvalue())
    _waves_are_named_for_their_months_and_answers_come_by_every_channel()

    counts = (Neighbourhood.objects.count(), MatchedPair.objects.count(), Response.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (Neighbourhood.objects.count(), MatchedPair.objects.count(), Response.objects.count()) == counts

    client = Client()
    assert client.login(username="officer.leeds", password="rebalance-demo")
    page = client.get("/places/").content.decode()
    assert "Leeds" in page
    assert "Liverpool 0" not in page
    manager = Client()
    assert manager.login(username="manager.liverpool", password="rebalance-demo")
    assert len(manager.get("/places/").context["neighbourhoods"]) == 3
    assert get_user_model().objects.get(username="manager.liverpool").staff_profile.role == Role.ESTATE_MANAGER


def _results_per_question_mostly_show_and_withholding_shows_too():
    """Samples of 40 to 90 in most neighbourhoods and waves: most questions there show some answers. A few
    neighbourhoods have too few answers, or just enough, so withheld answers and whole questions show as well."""
    threshold = settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    questions = AnswerShare.objects.values("wave", "neighbourhood", "question").annotate(
        shown=Count("pk", filter=Q(withheld=False)), residents=Max("answered")
    )
    large = questions.filter(residents__gte=40)
    assert large.count() > questions.count() / 2
    assert large.filter(shown__gt=0).count() > 0.75 * large.count()
    assert AnswerShare.objects.filter(withheld_reason=f"Fewer than {threshold} residents answered").exists()
    assert AnswerShare.objects.filter(withheld=True, answered__gte=40).exists()


def _every_place_of_the_leeds_officer_and_liverpool_manager_has_two_waves_and_some_figures_are_withheld():
    users = get_user_model().objects
    for username in ["officer.leeds", "manager.liverpool"]:
        seen = Neighbourhood.objects.visible_to(users.get(username=username))
        assert seen.exists()
        for neighbourhood in seen:
            answered = Wave.objects.filter(responses__neighbourhood=neighbourhood, responses__status="completed")
            assert answered.distinct().count() >= 2, neighbourhood
    leeds = FactorScore.objects.filter(neighbourhood__local_authority__name="Leeds", level="neighbourhood")
    for wave in Wave.objects.all():  # too few answers somewhere in every wave, so suppression shows
        assert leeds.filter(wave=wave, withheld=True).exists(), wave
    assert leeds.filter(withheld=False, trend="better").exists()
    assert leeds.filter(withheld=False, trend="worse").exists()
    # Tees Valley keeps its surveyed pairs.
    assert Response.objects.filter(neighbourhood__local_authority__region__name="Tees Valley").exists()


def _printed_codes_are_unused_and_in_each_users_own_places(printed: str):
    sections = re.split(r"^  as ([a-z.]+):$", printed.split("Survey wave open now:")[1], flags=re.M)[1:]
    by_user = dict(zip(sections[::2], sections[1::2], strict=True))
    assert sorted(by_user) == ["admin", "manager.liverpool", "officer.leeds", "officer.tees"]
    all_codes = []
    for username, text in by_user.items():
        codes = re.findall(r"http://127\.0\.0\.1:8000/survey/\?code=([0-9A-Z-]+)", text)
        assert len(codes) >= 2, username
        seen = Neighbourhood.objects.visible_to(get_user_model().objects.get(username=username))
        for code in codes:
            invitation = code_check(code=code)  # unused, and its wave is open today
            assert seen.filter(pk=invitation.neighbourhood_id).exists(), (username, code)
        all_codes += codes
    assert len(all_codes) == len(set(all_codes))  # two people trying the demo never share a code


def _waves_are_named_for_their_months_and_answers_come_by_every_channel():
    waves = list(Wave.objects.order_by("opens_on"))
    assert all(w.synthetic and w.name == f"{months_name(w.opens_on, w.closes_on)} (synthetic responses)" for w in waves)
    assert [w.opens_on for w in waves] == sorted(w.opens_on for w in waves)
    assert waves[-1].is_open()
    channels = set(Response.objects.values_list("channel", flat=True))
    assert {Channel.WEB, Channel.PAPER, Channel.OPEN_LINK} <= channels
