"""A real SMTP server in this process (aiosmtpd), and the monitored world the digests are made from."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.official.models import Import, Indicator, Observation
from surveys.models import Invitation
from tests.indicators.engine.builders import month, wave
from tests.indicators.monitoring.world import build_world

# A Monday: the week before it holds the second wave's close (30 April), and a third wave closes four days after.
NOW = timezone.make_aware(dt.datetime(2025, 5, 5, 7, 0))
QUIET = timezone.make_aware(dt.datetime(2023, 6, 5, 7, 0))


class Inbox:
    """Keeps every message the server accepts, parsed, with the envelope's recipients."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()  # addresses whose mailbox is "unavailable"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse & set(envelope.rcpt_tos):
            return "550 Mailbox unavailable"
        self.messages.append(
            (list(envelope.rcpt_tos), email.message_from_bytes(envelope.content, policy=email.policy.default))
        )
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for rcpt, m in self.messages if address in rcpt]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """An SMTP server on a loopback port, with Django's SMTP backend pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.REBALANCE_SITE_URL = "https://rebalance.test"
    settings.REBALANCE_DIGEST_WEEKDAY = 0
    settings.REBALANCE_ALERT_CLOSING_DAYS = 7
    settings.REBALANCE_ALERT_LOW_RESPONSE_PERCENT = 20
    inbox.port = port
    yield inbox
    controller.stop()


def _stored_import(file_name: str, areas, at: dt.datetime) -> Import:
    """Claimant counts for February 2021 for the given small areas, stored at ``at``."""
    indicator = Indicator.objects.get(slug="claimant-count")
    source = Import.objects.create(indicator=indicator, format="generated", source="test", file_name=file_name)
    period = month(2021, 2)
    Observation.objects.bulk_create(
        Observation(indicator=indicator, period=period, small_area=a, value=Decimal("100"), source_import=source)
        for a in areas
    )
    Import.objects.filter(pk=source.pk).update(status=Import.Status.SUCCEEDED, finished_at=at, rows_inserted=len(areas))
    return source


@pytest.fixture
def alert_world(db):
    """The monitoring world with e-mail addresses, a week with news in it, and a third wave closing soon.

    The Leeds officer looks after Harehills and Seacroft; the estate manager Anfield only. In the week to NOW:
    one import for Leeds's areas and one for Liverpool's; the second wave closed (Harehills's factors all rose
    clearly; Anfield's held); Anfield's worklessness verdict went from falling behind to improving (the world's
    January 2020 and 2021 figures). The third wave closes on 9 May with 2 of 20 codes used in Harehills (10%:
    low), 5 of 10 in Anfield (50%) and 1 of 20 in Everton, whom neither of them looks after.
    """
    world = build_world()
    users = get_user_model().objects
    users.filter(pk=world["officer"].pk).update(email="leeds.officer@council.test")
    users.filter(pk=world["manager"].pk).update(email="anfield.manager@housing.test")
    users.filter(pk=world["admin"].pk).update(email="admin@council.test")
    leeds_areas = [*world["harehills"].small_areas.all(), *world["seacroft"].small_areas.all()]
    liverpool_areas = [*world["anfield"].small_areas.all(), *world["everton"].small_areas.all()]
    world["first_import"] = _stored_import("first.csv", leeds_areas, NOW - dt.timedelta(days=2))
    world["second_import"] = _stored_import("second.csv", liverpool_areas, NOW - dt.timedelta(days=1))
    version = world["waves"][1].survey_version
    w3 = wave(version, [world["harehills"], world["anfield"], world["everton"]], opens=dt.date(2025, 3, 10))
    for place, issued, used in ((world["harehills"], 20, 2), (world["anfield"], 10, 5), (world["everton"], 20, 1)):
        Invitation.objects.bulk_create(
            Invitation(wave=w3, neighbourhood=place, code_hash=f"w3-{place.pk}-{i}", used=i < used)
            for i in range(issued)
        )
    world["third_wave"] = w3
    for key in ("officer", "manager", "admin"):
        world[key].refresh_from_db()
    return world
