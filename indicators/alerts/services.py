"""Choices, unsubscribing, and sending: each e-mail claimed in the database before it goes, so it goes once."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from indicators.alerts import selectors
from indicators.alerts.models import AlertPreference, Delivery, Kind
from indicators.audit.models import Action
from indicators.audit.services import audit_record

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "indicators.alerts.unsubscribe"
# However long since the last e-mail, one never reaches further back than this: someone who turns the digest back
# on after a quiet spell hears about this week, not about the months they chose to miss.
LOOK_BACK = dt.timedelta(days=7)


# --- choices --------------------------------------------------------------------------------------------------


def preference_set(*, user, weekly_digest: bool, immediate: bool, kinds: list[str]) -> AlertPreference:
    unknown = set(kinds) - set(Kind.values)
    if unknown:
        raise ValueError(f"Unknown kinds of item: {', '.join(sorted(unknown))}.")
    values = {"weekly_digest": weekly_digest, "immediate": immediate, **{k: k in kinds for k in Kind.values}}
    with transaction.atomic():
        preference, _ = AlertPreference.objects.update_or_create(user=user, defaults=values)
        audit_record(
            actor=user,
            action=Action.CHANGE,
            object_type="alerts.alertpreference",
            object_id=preference.pk,
            summary="E-mail choices changed",
            detail=values,
        )
    return preference


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


class BadTokenError(Exception):
    """An unsubscribe link that was cut short, changed, or names no one."""


def unsubscribe_user(token: str):
    """The person a link names, or BadTokenError."""
    from django.contrib.auth import get_user_model

    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user_id = int(payload["u"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise BadTokenError("This link is not one we sent, or part of it is missing.") from exc
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise BadTokenError("This link names an account that no longer exists.")
    return user


def unsubscribe(*, token: str):
    """Stop every e-mail to the person the link names. Safe to run twice."""
    user = unsubscribe_user(token)
    with transaction.atomic():
        AlertPreference.objects.update_or_create(user=user, defaults={"weekly_digest": False, "immediate": False})
        audit_record(
            actor=user,
            action=Action.CHANGE,
            object_type="alerts.alertpreference",
            object_id=user.pk,
            summary="Stopped every e-mail from an unsubscribe link",
        )
    return user


# --- periods --------------------------------------------------------------------------------------------------


def digest_period(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def urgent_period(day: dt.date) -> str:
    return day.isoformat()


def digest_day() -> int:
    """The weekday the digest goes out, 0 Monday to 6 Sunday."""
    return int(settings.REBALANCE_DIGEST_WEEKDAY)


# --- sending --------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)  # usernames
    quiet: list[str] = field(default_factory=list)  # nothing to say: nothing sent
    already: list[str] = field(default_factory=list)  # sent (or being sent) for this period before
    failed: list[str] = field(default_factory=list)
    previews: list[str] = field(default_factory=list)  # dry run: the messages as text


def send_due(
    *,
    now: dt.datetime | None = None,
    digests: bool = True,
    urgent: bool = True,
    username: str = "",
    dry_run: bool = False,
    connection=None,
) -> dict[str, Outcome]:
    """The week's digests and the day's urgent e-mails for everyone who chose them. Safe to run again: a period
    already sent to someone is not sent again. A dry run claims nothing and sends nothing."""
    now = now or timezone.now()
    found = selectors.events(since=now - LOOK_BACK, until=now)
    people = list(selectors.recipients(username=username))
    outcomes: dict[str, Outcome] = {}
    connection = connection or (None if dry_run else get_connection())
    plan = []
    if urgent:
        plan.append((Delivery.Sort.URGENT, "immediate", urgent_period(timezone.localdate(now))))
    if digests:
        plan.append((Delivery.Sort.DIGEST, "weekly_digest", digest_period(timezone.localdate(now))))
    for sort, choice, period in plan:
        outcome = outcomes.setdefault(sort, Outcome())
        chosen = [u for u in people if getattr(selectors.choices_of(u), choice)]
        last = selectors.last_covered([u.pk for u in chosen], sort, before=period)
        done = set() if dry_run else selectors.taken([u.pk for u in chosen], period)
        for user in chosen:
            if user.pk in done:
                outcome.already.append(user.username)
                continue
            since = max(last.get(user.pk, now - LOOK_BACK), now - LOOK_BACK)
            items = selectors.items_for(user, found, since=since, urgent_only=sort == Delivery.Sort.URGENT)
            if not items:
                outcome.quiet.append(user.username)
                continue
            message = compose(user=user, items=items, sort=sort, since=since, until=now, connection=connection)
            if dry_run:
                outcome.previews.append(_preview(message))
                continue
            _deliver(user, message, sort=sort, period=period, since=since, until=now, items=items, outcome=outcome)
    return outcomes


def _deliver(user, message, *, sort, period, since, until, items, outcome: Outcome) -> None:
    delivery = _claim(user, sort=sort, period=period, since=since, until=until, items=len(items))
    if delivery is None:
        outcome.already.append(user.username)
        return
    try:
        message.send()
    except Exception as exc:
        Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error=str(exc)[:300])
        log.warning("E-mail %s to %s failed: %s", period, user.username, exc)
        outcome.failed.append(user.username)
        return
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    outcome.sent.append(user.username)


def _claim(user, *, sort, period, since, until, items) -> Delivery | None:
    """The delivery row if this run may send it; None if it was sent, or is being sent, by another."""
    values = {"sort": sort, "covers_from": since, "covers_to": until, "items": items, "claimed_at": timezone.now()}
    try:
        with transaction.atomic():
            return Delivery.objects.create(user=user, period=period, status=Delivery.Status.CLAIMED, **values)
    except IntegrityError:
        pass
    # Only a failed send may be taken over, and only by one run: the update is the claim.
    taken = Delivery.objects.filter(user=user, period=period, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.CLAIMED, error="", **values
    )
    return Delivery.objects.get(user=user, period=period) if taken else None


# --- the message ----------------------------------------------------------------------------------------------


GROUPS = [
    (Kind.WAVES, "Surveys closing soon with a low response"),
    (Kind.VERDICTS, "Worklessness against similar areas"),
    (Kind.FACTORS, "Factors that changed clearly"),
    (Kind.IMPORTS, "New official figures"),
]


def site_url(path: str) -> str:
    return settings.REBALANCE_SITE_URL.rstrip("/") + path


def compose(
    *, user, items, sort: str, since: dt.datetime, until: dt.datetime, connection=None
) -> EmailMultiAlternatives:
    urgent = sort == Delivery.Sort.URGENT
    unsubscribe_link = site_url(reverse("alerts:unsubscribe", args=[unsubscribe_token(user)]))
    groups = []
    for kind, title in GROUPS:
        members = [
            {"item": i, "url": site_url(i.path), "sign": "warn" if i.urgent else ""} for i in items if i.kind == kind
        ]
        if members:
            groups.append({"title": title, "items": members})
    count = len(items)
    if urgent:
        subject = f"Rebalance: {items[0].headline}" if count == 1 else f"Rebalance: {count} urgent items"
    else:
        subject = f"Rebalance weekly digest: {count} item{'s' if count != 1 else ''} for your neighbourhoods"
    context = {
        "user": user,
        "urgent": urgent,
        "groups": groups,
        "count": count,
        "since": timezone.localtime(since),
        "until": timezone.localtime(until),
        "unsubscribe_url": unsubscribe_link,
        "preferences_url": site_url(reverse("alerts:preferences")),
        "home_url": site_url(reverse("indicators:my-neighbourhoods")),
        "glossary_url": site_url(reverse("glossary")),
        "keeping_pace_points": settings.REBALANCE_KEEPING_PACE_POINTS,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("alerts/email/digest.txt", context),
        to=[user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("alerts/email/digest.html", context), "text/html")
    return message


def _preview(message: EmailMultiAlternatives) -> str:
    return f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}"
