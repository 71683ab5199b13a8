"""Choices, unsubscribing, and sending: each e-mail claimed in the database before it goes, so it goes once."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

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
    plan = []
    if urgent:
        plan.append((Delivery.Sort.URGENT, "immediate", urgent_period(timezone.localdate(now))))
    if digests:
        plan.append((Delivery.Sort.DIGEST, "weekly_digest", digest_period(timezone.localdate(now))))
    fragments: dict = {}  # an item shared by many people is rendered once
    connection = connection or get_connection()
    with contextlib.nullcontext() if dry_run else connection:  # one SMTP session for the whole run
        for sort, choice, period in plan:
            outcome = outcomes.setdefault(sort, Outcome())
            chosen = [u for u in people if getattr(selectors.choices_of(u), choice)]
            last = selectors.last_covered([u.pk for u in chosen], sort, before=period)
            done = set() if dry_run else selectors.taken([u.pk for u in chosen], period)
            batch: list[Pending] = []
            for user in chosen:
                if user.pk in done:
                    outcome.already.append(user.username)
                    continue
                since = max(last.get(user.pk, now - LOOK_BACK), now - LOOK_BACK)
                items = selectors.items_for(user, found, since=since, urgent_only=sort == Delivery.Sort.URGENT)
                if not items:
                    outcome.quiet.append(user.username)
                    continue
                message = compose(
                    user=user, items=items, sort=sort, since=since, until=now, connection=connection, cache=fragments
                )
                if dry_run:
                    outcome.previews.append(_preview(message))
                    continue
                batch.append(Pending(user, message, since, len(items)))
                if len(batch) == BATCH:
                    _deliver(batch, sort=sort, period=period, until=now, outcome=outcome)
                    batch = []
            _deliver(batch, sort=sort, period=period, until=now, outcome=outcome)
    return outcomes


# People are claimed, sent to and marked sent in batches: two commits per batch rather than per person. A run that
# dies part-way leaves at most one batch claimed and unsent ("Being sent" in the admin): never sent twice.
BATCH = 100


@dataclass
class Pending:
    user: object
    message: EmailMultiAlternatives
    since: dt.datetime
    items: int


def _deliver(batch: list[Pending], *, sort, period, until, outcome: Outcome) -> None:
    if not batch:
        return
    token = uuid.uuid4().hex
    now = timezone.now()
    ids = [p.user.pk for p in batch]
    with transaction.atomic():
        # The unique (user, period) decides: a row someone else holds stays theirs.
        Delivery.objects.bulk_create(
            [
                Delivery(
                    user=p.user, period=period, sort=sort, status=Delivery.Status.CLAIMED, covers_from=p.since,
                    covers_to=until, items=p.items, claimed_at=now, claim=token,
                )
                for p in batch
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        # Only a failed send may be taken over, and only by one run: the update is the claim.
        Delivery.objects.filter(user_id__in=ids, period=period, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.CLAIMED, claim=token, claimed_at=now, covers_to=until, error=""
        )
        mine = set(
            Delivery.objects.filter(user_id__in=ids, period=period, claim=token).values_list("user_id", flat=True)
        )
    sent, failed = [], {}
    for p in batch:
        if p.user.pk not in mine:
            outcome.already.append(p.user.username)
            continue
        try:
            p.message.send()
        except Exception as exc:
            log.warning("E-mail %s to %s failed: %s", period, p.user.username, exc)
            failed[p.user.pk] = str(exc)[:300]
            outcome.failed.append(p.user.username)
        else:
            sent.append(p.user.pk)
            outcome.sent.append(p.user.username)
    Delivery.objects.filter(claim=token, user_id__in=sent).update(status=Delivery.Status.SENT, sent_at=timezone.now())
    for user_id, error in failed.items():
        Delivery.objects.filter(claim=token, user_id=user_id).update(status=Delivery.Status.FAILED, error=error)


# --- the message ----------------------------------------------------------------------------------------------


GROUPS = [
    (Kind.WAVES, "Surveys closing soon with a low response"),
    (Kind.VERDICTS, "Worklessness against similar areas"),
    (Kind.FACTORS, "Factors that changed clearly"),
    (Kind.IMPORTS, "New official figures"),
    (Kind.INTERVENTIONS, "Did it work? First estimates"),
]


def site_url(path: str) -> str:
    return settings.REBALANCE_SITE_URL.rstrip("/") + path


def compose(
    *, user, items, sort: str, since: dt.datetime, until: dt.datetime, connection=None, cache: dict | None = None
) -> EmailMultiAlternatives:
    urgent = sort == Delivery.Sort.URGENT
    unsubscribe_link = site_url(reverse("alerts:unsubscribe", args=[unsubscribe_token(user)]))
    groups = []
    for kind, title in GROUPS:
        members = [_fragment(i, {} if cache is None else cache) for i in items if i.kind == kind]
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


LINK_WORDS = {
    Kind.WAVES: "Open the survey wave",
    Kind.IMPORTS: "Open your neighbourhoods",
    Kind.INTERVENTIONS: "Open the programme",
}


def _fragment(item, cache: dict) -> dict:
    """One item in both parts of the e-mail, rendered once however many people it goes to."""
    if item not in cache:
        context = {
            "item": item,
            "url": site_url(item.path),
            "link": LINK_WORDS.get(item.kind) or (f"Open {item.place}" if item.place else "Open your neighbourhoods"),
        }
        cache[item] = {
            "text": render_to_string("alerts/email/_item.txt", context).strip("\n") + "\n",
            "html": mark_safe(render_to_string("alerts/email/_item.html", context)),  # noqa: S308 (escaped by it)
        }
    return cache[item]


def _preview(message: EmailMultiAlternatives) -> str:
    return f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}"
