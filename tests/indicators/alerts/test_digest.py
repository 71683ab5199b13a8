"""The digest and urgent e-mails, sent through a real SMTP server and read back from what arrived."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.core.management.base import CommandError

from indicators.alerts import services
from indicators.alerts.models import Delivery, Kind
from indicators.alerts.tasks import send_alerts_due
from tests.indicators.alerts.conftest import NOW, QUIET, free_port

LEEDS = "leeds.officer@council.test"
ANFIELD = "anfield.manager@housing.test"


def _text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _run(at=NOW):
    return send_alerts_due.delay(at=at.isoformat()).get()


def test_each_person_gets_one_digest_about_their_own_places_only(smtp, alert_world):
    _run()

    assert sorted(a for rcpt, _ in smtp.messages for a in rcpt) == [ANFIELD, LEEDS]  # not the admin
    (leeds,) = smtp.to(LEEDS)
    (anfield,) = smtp.to(ANFIELD)
    for message in (leeds, anfield):
        assert message["Subject"].strip().startswith("Rebalance weekly digest: ")
        assert re.fullmatch(
            r"<https://rebalance\.test/alerts/unsubscribe/[^/>]+/>", message["List-Unsubscribe"].strip()
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    leeds_text = _text(leeds)
    # The survey closing soon with a low response, with its figures, marked urgent.
    assert "[!] Harehills: survey “Wave" in leeds_text
    assert "10% of invitation codes used (2 of 20); a response under 20% counts as low" in leeds_text
    # Every factor of Harehills rose clearly between the two waves; signed changes beside the words.
    assert leeds_text.count("clearly better than the wave before") == 8
    assert re.search(
        r"Harehills: Confidence clearly better than the wave before\n  \+\d+\.\d points out of 100", leeds_text
    )
    # Their import, not Liverpool's; no verdict changed in Leeds.
    assert "first.csv" in leeds_text
    assert "second.csv" not in leeds_text
    assert "It has figures for 2 of your neighbourhoods." in leeds_text
    assert "falling behind\n" not in leeds_text
    assert "caught up" not in leeds_text

    anfield_text = _text(anfield)
    assert "Anfield caught up: now improving" in anfield_text
    assert "Worklessness −0.50 points from January 2020 to January 2021 (13.5% → 13.0%); similar areas −0.28." in (
        anfield_text
    )
    assert "second.csv" in anfield_text
    assert "first.csv" not in anfield_text
    assert "It has figures for 1 of your neighbourhood." in anfield_text
    assert "closes" not in anfield_text  # Anfield's response is 50%: not low

    # No place of another authority, nor a neighbourhood the manager does not look after, in either part.
    for body in (leeds_text, _html(leeds)):
        for other in ("Anfield", "Everton", "Liverpool"):
            assert other not in body
    for body in (anfield_text, _html(anfield)):
        for other in ("Harehills", "Seacroft", "Leeds", "Everton"):
            assert other not in body

    # The HTML part says the same in the same order, with links to the pages.
    html = _html(leeds)
    assert "Urgent: </span>Harehills: survey" in html
    assert f'href="https://rebalance.test/places/neighbourhoods/{alert_world["harehills"].pk}/"' in html
    assert html.index("Surveys closing soon") < html.index("Factors that changed clearly") < html.index("New official")


def test_running_twice_sends_nothing_twice(smtp, alert_world):
    first = _run()
    second = _run()

    assert len(smtp.messages) == 2
    assert first["digest"]["sent"] == 2
    assert second["digest"]["sent"] == 0
    assert second["digest"]["already"] == 2
    assert Delivery.objects.filter(sort=Delivery.Sort.DIGEST, status=Delivery.Status.SENT).count() == 2
    assert set(Delivery.objects.values_list("period", flat=True)) == {"2025-W19"}


def test_a_quiet_week_sends_nothing(smtp, alert_world):
    summary = _run(QUIET)

    assert smtp.messages == []
    assert summary["digest"]["quiet"] == 2
    assert summary["digest"]["sent"] == 0
    assert not Delivery.objects.exists()


def test_a_day_that_is_not_the_digest_day_sends_no_digest(smtp, alert_world):
    _run(NOW + dt.timedelta(days=1))

    assert smtp.messages == []  # nobody chose urgent e-mails, and Tuesday is no digest day


def test_choices_are_respected(smtp, alert_world):
    services.preference_set(user=alert_world["officer"], weekly_digest=True, immediate=True, kinds=[Kind.IMPORTS])
    services.preference_set(user=alert_world["manager"], weekly_digest=False, immediate=True, kinds=list(Kind.values))

    _run()

    # The officer: the digest with imports only; their urgent item (the wave) is a kind they turned off.
    (leeds,) = smtp.to(LEEDS)
    text = _text(leeds)
    assert "first.csv" in text
    assert "Harehills" not in text
    assert "clearly" not in text
    # The manager: no digest, and nothing urgent in Anfield (catching up is good news, not urgent).
    assert smtp.to(ANFIELD) == []


def test_urgent_items_go_at_once_and_once(smtp, alert_world):
    services.preference_set(user=alert_world["officer"], weekly_digest=False, immediate=True, kinds=list(Kind.values))

    _run()
    _run(NOW + dt.timedelta(hours=3))  # a retry later the same morning

    (urgent,) = smtp.to(LEEDS)
    text = _text(urgent)
    assert urgent["Subject"].strip().startswith("Rebalance: Harehills: survey “Wave")
    assert "Something in your neighbourhoods needs attention now." in text
    assert "clearly better" not in text
    assert "first.csv" not in text
    # The next day the same wave is not news again.
    _run(NOW + dt.timedelta(days=1))
    assert len(smtp.to(LEEDS)) == 1


def test_unsubscribe_link_stops_every_email(smtp, alert_world, client):
    _run()
    (leeds,) = smtp.to(LEEDS)
    path = leeds["List-Unsubscribe"].strip().strip("<>").removeprefix("https://rebalance.test")
    assert path in _text(leeds)

    asked = client.get(path)
    assert asked.status_code == 200
    assert b"Stop every e-mail" in asked.content
    assert not Delivery.objects.filter(user=alert_world["officer"], status="claimed").exists()
    done = client.post(path)  # no sign-in, no CSRF token: the signed link is the proof
    assert done.status_code == 200
    assert b"E-mails stopped" in done.content

    smtp.messages.clear()
    _run(NOW + dt.timedelta(days=7))
    assert smtp.to(LEEDS) == []


def test_a_mail_server_that_is_down_claims_nothing(smtp, alert_world, settings):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    with pytest.raises(Retry, match="Connection refused"):
        send_alerts_due.apply(kwargs={"at": NOW.isoformat()}, throw=True)
    assert not Delivery.objects.exists()

    settings.EMAIL_PORT = smtp.port
    _run()
    assert len(smtp.messages) == 2


def test_a_refused_message_is_tried_again_and_sent_once(smtp, alert_world):
    smtp.refuse = {LEEDS}
    with pytest.raises(Retry, match="Some e-mails failed and will be tried again"):
        send_alerts_due.apply(kwargs={"at": NOW.isoformat()}, throw=True)
    assert dict(Delivery.objects.values_list("user__email", "status")) == {
        LEEDS: Delivery.Status.FAILED,
        ANFIELD: Delivery.Status.SENT,
    }
    assert "550" in Delivery.objects.get(user__email=LEEDS).error

    smtp.refuse = set()
    _run()
    _run()
    assert [rcpt for rcpt, _ in smtp.messages] == [[ANFIELD], [LEEDS]]
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_send_digests_command(smtp, alert_world, capsys):
    call_command("send_digests", "--dry-run", "--user", "officer.pages", "--at", "2025-05-05T07:00")
    printed = capsys.readouterr().out
    assert "To: leeds.officer@council.test" in printed
    assert "Digests would be sent: 1" in printed
    assert smtp.messages == []
    assert not Delivery.objects.exists()

    with pytest.raises(CommandError, match="--user: no account is called 'nobody'"):
        call_command("send_digests", "--user", "nobody")
    with pytest.raises(CommandError, match="only active officers and estate managers"):
        call_command("send_digests", "--user", "admin.pages")
    with pytest.raises(CommandError, match="--at: 'next monday' is not a date or time"):
        call_command("send_digests", "--at", "next monday")

    call_command("send_digests", "--at", "2025-05-05T07:00")
    call_command("send_digests", "--at", "2025-05-06T07:00")  # later in the same week: nothing new
    assert "Digests sent: 0; nothing to say: 0; already sent this week: 2" in capsys.readouterr().out
    assert len(smtp.messages) == 2
