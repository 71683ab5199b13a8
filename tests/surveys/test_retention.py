import datetime

import pytest
from django.core.management import call_command

from surveys.models import Response
from surveys.services.responses import response_submit
from surveys.services.retention import waves_unlink_closed
from surveys.tasks import unlink_closed_waves
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db


def _close(wave):
    wave.opens_on = wave.closes_on = datetime.date.today() - datetime.timedelta(days=1)
    wave.save()


def test_closing_a_wave_removes_the_link_between_responses_and_codes_idempotently():
    open_wave = wave_factory()
    closing = wave_factory(version=open_wave.survey_version, name="Closing")
    kept = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(open_wave)[0])
    cut = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(closing)[0])
    _close(closing)
    assert waves_unlink_closed() == {closing.pk: 1}
    assert Response.objects.get(pk=cut.pk).invitation_id is None
    assert Response.objects.get(pk=kept.pk).invitation_id is not None
    closing.refresh_from_db()
    assert closing.unlinked_at is not None
    assert waves_unlink_closed() == {}
    assert Response.objects.get(pk=cut.pk).status == "completed"


def test_the_task_and_the_command_do_the_same(capsys):
    wave = wave_factory()
    response = response_submit(raw=GOOD_ANSWERS, channel="api", code=codes_for(wave)[0])
    _close(wave)
    call_command("survey_unlink_closed")
    assert "1 responses unlinked" in capsys.readouterr().out
    assert Response.objects.get(pk=response.pk).invitation_id is None
    assert unlink_closed_waves.delay().get() == {}


def test_the_beat_schedule_runs_it(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["surveys-unlink-closed-waves"]
    assert entry["task"] == unlink_closed_waves.name
