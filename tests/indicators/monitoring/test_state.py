from __future__ import annotations

import pytest

from indicators.monitoring import state
from indicators.official.models import Import, Indicator
from surveys.models import Invitation, Response
from tests.indicators.monitoring.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def new_response(world) -> Response:
    return Response.objects.create(wave=world["waves"][1], neighbourhood=world["harehills"], channel="web")


def test_each_state_follows_its_own_figures(world, settings):
    settings.REBALANCE_PAGE_STATE_SECONDS = 0  # read every state afresh each time
    official, setup, survey = state.official_state(), state.setup_state(), state.survey_state()

    new_response(world)
    assert state.survey_state() != survey  # pages showing response counts are made again
    assert state.official_state() == official  # the league's report over every small area is not
    assert state.setup_state() == setup

    Invitation.objects.create(wave=world["waves"][1], neighbourhood=world["harehills"], code_hash="hash-new")
    assert state.setup_state() != setup
    assert state.official_state() == official

    Import.objects.create(indicator=Indicator.objects.get(slug="claimant-count"), format="nomis", file_name="x.csv")
    assert state.official_state() != official


def test_states_are_kept_for_a_few_seconds(world, settings):
    settings.REBALANCE_PAGE_STATE_SECONDS = 5
    before = state.survey_state()
    new_response(world)
    assert state.survey_state() == before  # a busy site reads each state a few times a minute
    settings.REBALANCE_PAGE_STATE_SECONDS = 0
    assert state.survey_state() != before
