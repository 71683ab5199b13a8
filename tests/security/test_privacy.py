"""Privacy: the notice residents see before they start, and the retention job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.audit.models import Action, AuditEntry
from surveys.models import Answer, Invitation, Response, ResponseStatus, Wave
from surveys.services import responses as svc
from surveys.services.retention_policy import retention_apply
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

pytestmark = pytest.mark.django_db


def test_the_start_page_shows_the_notice_before_the_code_box(client):
    page = client.get(reverse("surveys:start")).content.decode()
    assert "Before you start: what happens to your answers" in page
    assert page.index("privacy-summary") < page.index('name="code"')
    assert reverse("surveys:privacy") in page


def test_the_open_link_start_shows_it_too(client):
    wave = wave_factory(open_link=True)
    page = client.get(reverse("surveys:open", args=[wave.slug])).content.decode()
    assert page.index("privacy-summary") < page.index('name="neighbourhood"')


def test_the_full_notice_says_what_how_long_and_who(client, settings):
    settings.SURVEY_RETAIN_FREE_TEXT_DAYS = 123
    settings.REBALANCE_DISCLOSURE_MIN_RESPONSES = 12
    response = client.get(reverse("surveys:privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "What we collect",
        "Who can see it",
        "deleted 123 days after the survey closes",
        "at least 12 people",
        "the link between your code and your answers is deleted",
        "Information Commissioner",
    ):
        assert words in page, words


@pytest.fixture
def closed_wave():
    """A wave with one completed response with free text, one unfinished and one withdrawn; then closed."""
    wave = wave_factory()
    done, unfinished, withdrawn = codes_for(wave, count=3)
    svc.response_submit(raw={**GOOD_ANSWERS, "hopes": "Leave the estate"}, channel="web", code=done)
    svc.response_start(invitation=svc.code_check(code=unfinished))
    taken_back = svc.response_submit(raw=GOOD_ANSWERS, channel="web", code=withdrawn)
    svc.response_withdraw(response=taken_back)
    assert Answer.objects.exclude(text="").count() == 1

    def close(days_ago: int) -> Wave:
        today = timezone.localdate()
        Wave.objects.filter(pk=wave.pk).update(
            opens_on=today - dt.timedelta(days=days_ago + 30), closes_on=today - dt.timedelta(days=days_ago)
        )
        return wave

    close.code = done
    return close


def test_nothing_is_touched_before_its_time(closed_wave):
    closed_wave(days_ago=10)
    done = retention_apply()
    assert set(done.values()) == {0}
    assert Response.objects.count() == 3


def test_past_their_time_free_text_goes_codes_are_anonymised_unfinished_deleted(closed_wave):
    wave = closed_wave(days_ago=settings.SURVEY_RETAIN_FREE_TEXT_DAYS + 1)
    done = retention_apply()
    assert done == {
        "free_text_blanked": 1,
        "invitations_anonymised": 3,
        "unfinished_responses_deleted": 2,
        "completed_responses_deleted": 0,
    }
    assert Answer.objects.exclude(text="").count() == 0
    assert list(Response.objects.values_list("status", flat=True)) == [ResponseStatus.COMPLETED]
    assert Response.objects.get().answers.count() > 0  # the figures' answers stay
    assert Invitation.objects.filter(wave=wave).count() == 3  # counts for response rates stay
    assert not Invitation.objects.filter(wave=wave).exclude(code_hash__startswith="retired-").exists()
    with pytest.raises(svc.CodeProblem):
        svc.code_check(code=closed_wave.code)
    entry = AuditEntry.objects.get(action=Action.RETENTION)
    assert entry.detail["free_text_blanked"] == 1
    assert entry.detail["periods_days"]["free_text"] == settings.SURVEY_RETAIN_FREE_TEXT_DAYS
    # Idempotent: a second run finds nothing and says so.
    assert set(retention_apply().values()) == {0}
    assert AuditEntry.objects.filter(action=Action.RETENTION).count() == 2


def test_completed_responses_go_only_when_a_period_is_set(closed_wave, settings):
    closed_wave(days_ago=400)
    assert retention_apply()["completed_responses_deleted"] == 0
    settings.SURVEY_RETAIN_RESPONSES_DAYS = 365
    assert retention_apply()["completed_responses_deleted"] == 1
    assert Response.objects.count() == 0


def test_the_job_is_scheduled_and_has_a_command(capsys):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "surveys.tasks.apply_retention" in tasks
    from surveys.tasks import apply_retention

    assert apply_retention.delay().get() == dict.fromkeys(
        [
            "free_text_blanked",
            "invitations_anonymised",
            "unfinished_responses_deleted",
            "completed_responses_deleted",
        ],
        0,
    )
    call_command("survey_apply_retention")
    assert "free text blanked: 0" in capsys.readouterr().out
