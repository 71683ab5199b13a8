"""Writes that others react to: a completed response and an import reach the engine after commit,
and a broker that is down fails neither."""

import pytest
from django.core.cache import cache

from indicators.engine import tasks
from indicators.engine.models import FactorScore, WorklessnessPoint
from indicators.official.models import Indicator
from surveys.models import Response
from surveys.services.responses import response_submit
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory


@pytest.fixture
def wave(db):
    return wave_factory()


@pytest.fixture(autouse=True)
def _standard_indicators(db):
    """Transactional tests empty the tables, data migrations included: put the indicators back."""
    from indicators.official.catalogue import ensure_indicators

    ensure_indicators(Indicator)


@pytest.mark.django_db(transaction=True)
def test_a_completed_response_updates_its_neighbourhoods_figures(wave, settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    for code in codes_for(wave, 5):
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code)

    figure = FactorScore.objects.get(level="neighbourhood", factor="housing_environment")
    assert figure.responses == 5
    assert figure.mean == 100  # "Very satisfied" is the top of the scale


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_loses_no_response_and_the_catch_up_finds_it(wave, settings):
    from config.celery import app

    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    # Nothing listens on port 1 of the loopback: every publish fails at once.
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        for code in codes_for(wave, 5):
            response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = "memory://"
        # Forget the pools made for the dead broker (without closing kombu's shared ones).
        app._pool = None
        app.amqp._producer_pool = None

    assert Response.objects.completed().count() == 5
    assert not FactorScore.objects.exists()
    assert tasks.catch_up.delay().get() == 1
    assert FactorScore.objects.get(level="neighbourhood", factor="housing_environment").responses == 5


@pytest.mark.django_db(transaction=True)
def test_responses_that_arrive_while_a_refresh_is_waiting_are_covered_by_it_not_queued_again(wave, settings):
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    codes = codes_for(wave, 6)
    response_submit(raw=GOOD_ANSWERS, channel="api", code=codes[0])
    first = Response.objects.get()
    key = tasks.pending_key(first.wave_id, first.neighbourhood_id)
    FactorScore.objects.all().delete()
    cache.set(key, 1)  # a refresh is queued and no worker has started it yet
    for code in codes[1:]:
        response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    # Tasks run as they are queued here: had any been queued, the figures would be back.
    assert not FactorScore.objects.exists()
    assert cache.get(key) == 1

    tasks.refresh_neighbourhood_wave.delay(first.wave_id, first.neighbourhood_id)  # the waiting run starts
    assert cache.get(key) is None
    assert FactorScore.objects.get(level="neighbourhood", factor="housing_environment").responses == 6


@pytest.mark.django_db(transaction=True)
def test_an_import_updates_the_rates_for_the_periods_it_touched(db):
    from indicators.official.importing.nomis import nomis_import
    from tests.factories import NeighbourhoodFactory, SmallAreaFactory

    area = SmallAreaFactory(code="E01033000")
    NeighbourhoodFactory(local_authority=area.local_authority, areas=[area])
    header = "DATE,DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME"
    nomis_import(
        source=f"{header}\n2021,2021,E01033000,1000,A,Normal Value\n".encode(),
        indicator=Indicator.objects.get(slug="working-age-population"),
    )
    nomis_import(
        source=f"{header}\n2021-12,December 2021,E01033000,55,A,Normal Value\n".encode(),
        indicator=Indicator.objects.get(slug="claimant-count"),
    )
    point = WorklessnessPoint.objects.get(level="neighbourhood")
    assert point.rate == pytest.approx(5.5)
    assert str(point.period) == "December 2021"


@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_response_leaves_the_figures(wave, settings):
    from surveys.services.responses import response_withdraw

    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 5
    responses = [response_submit(raw=GOOD_ANSWERS, channel="api", code=code) for code in codes_for(wave, 6)]
    assert FactorScore.objects.get(level="neighbourhood", factor="housing_environment").responses == 6

    response_withdraw(response=responses[0])
    assert FactorScore.objects.get(level="neighbourhood", factor="housing_environment").responses == 5
