"""The demo's reach: a synthetic population profile loaded through the importer and labelled, letters dated before
the wave opened, one reminder batch; run twice, nothing more."""

import datetime as dt

import pytest
from django.utils import timezone

from indicators.demo.reach import SOURCE, seed_reach
from indicators.engine.models import PopulationGroup
from indicators.places.population import AreaPopulation
from surveys.models.fielding import LetterBatch
from surveys.services.default_questionnaire import default_questionnaire_load
from surveys.services.waves import invitations_create, wave_create
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_seed_reach_loads_a_labelled_profile_dates_letters_and_prints_one_reminder():
    places = [NeighbourhoodFactory(areas=2), NeighbourhoodFactory(areas=1)]
    today = timezone.localdate()
    wave = wave_create(
        survey_version=default_questionnaire_load(),
        name="Now",
        neighbourhoods=places,
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=20),
        synthetic=True,
    )
    for place in places:
        invitations_create(wave=wave, neighbourhood=place, count=5)

    said = seed_reach()
    assert "3 small areas, 2 neighbourhoods weighted" in said
    assert set(AreaPopulation.objects.values_list("source", flat=True)) == {SOURCE}
    assert AreaPopulation.objects.count() == 3 * 182
    # The default questionnaire's seven age bands × two sexes, for each neighbourhood.
    assert PopulationGroup.objects.count() == 2 * 7 * 2
    invitations = LetterBatch.objects.filter(kind="invitation")
    assert {b.printed_at.date() for b in invitations} == {wave.opens_on - dt.timedelta(days=3)}
    reminder = LetterBatch.objects.get(kind="reminder")
    assert reminder.letters == 5
    assert reminder.printed_at.date() == wave.opens_on + dt.timedelta(days=14)

    seed_reach()
    assert LetterBatch.objects.filter(kind="reminder").count() == 1
    assert AreaPopulation.objects.count() == 3 * 182
