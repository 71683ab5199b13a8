"""What an e-mail could say: the week's events, worked out once for every place, then cut to each person's own.

Every rule here is one the pages already use, read from where they keep it:
- a neighbourhood's worklessness verdict is the engine's ``worklessness_verdict`` over the monitoring pages' window
  (the latest period with a benchmark against the same month a year earlier); it *started falling behind* when the
  verdict at the latest period is "falling behind" and at the period before it was not, and *caught up* the other
  way round. This is news in the week new worklessness figures were imported.
- a factor *changed clearly* when the engine marked its change since the previous wave better or worse (its
  significance test); this is news in the week the wave closed.
- a wave is *closing soon with a low response* in a neighbourhood when it closes within
  ``REBALANCE_ALERT_CLOSING_DAYS`` and under ``REBALANCE_ALERT_LOW_RESPONSE_PERCENT`` of its invitation codes have
  been used; news from the day it comes within that many days of closing, and in every digest while it is so.
- *new official figures*: an import stored in the period that wrote figures for the person's places.
- an intervention *reaches its first measurable point* when the engine first makes an estimate of its effect
  (``effects_first_measurable``, read through the person's scope, so a comparison group outside their places that
  would show another's figures is withheld from them as it is on the pages).
Scoping is ``Neighbourhood.objects.visible_to`` (indicators.access), the one rule every page uses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from indicators.access.models import Role
from indicators.alerts.models import AlertPreference, Delivery, Kind
from indicators.engine.models import EffectEstimate, FactorScore, Trend, WorklessnessPoint
from indicators.engine.selectors.comparisons import (
    effect_sentence,
    effects_first_measurable,
    measure_name,
    verdict_words,
)
from indicators.engine.selectors.verdicts import FALLING_BEHIND, IMPROVING, KEEPING_PACE, worklessness_verdict
from indicators.monitoring.content import FACTOR_LABELS
from indicators.monitoring.selectors.common import benchmark_series, window, worklessness_provenance
from indicators.monitoring.wording import VERDICT_WORDS, rate, signed
from indicators.official.models import Import, Observation
from indicators.places.models import Neighbourhood
from surveys.models import Invitation, Wave


@dataclass(frozen=True)
class Item:
    """One thing worth telling someone about one place: plain words first, the figures beside them."""

    kind: str  # a Kind value
    urgent: bool
    neighbourhood_ids: frozenset[int]  # the places it is about; someone who sees none of them never hears of it
    headline: str
    detail: str
    path: str  # the page that shows it, site-relative
    at: dt.datetime | None  # when it happened; None for a state that holds now (a wave closing soon)
    place: str = ""  # the neighbourhood's name, or empty for an item about several
    sort_key: tuple = ()  # (kind's place in the e-mail, then within it); every part a str or int
    state: bool = False  # true of a state that holds now: in every digest while it holds, at once only when it began


@dataclass
class Events:
    """Everything that could go into anyone's e-mail for the period ``since`` to ``until``."""

    since: dt.datetime
    until: dt.datetime
    items: list[Item] = field(default_factory=list)
    # Where to look: each neighbourhood's items (their positions in ``items``), and the neighbourhoods with a new
    # effect estimate, so that a person's share is found from their places rather than by reading every item.
    by_place: dict[int, list[int]] = field(default_factory=dict)
    measurable: set[int] = field(default_factory=set)

    def index(self) -> Events:
        self.by_place = defaultdict(list)
        for position, item in enumerate(self.items):
            for n_id in item.neighbourhood_ids:
                self.by_place[n_id].append(position)
        return self


def closing_days() -> int:
    return int(settings.REBALANCE_ALERT_CLOSING_DAYS)


def low_response_percent() -> float:
    return float(settings.REBALANCE_ALERT_LOW_RESPONSE_PERCENT)


def events(*, since: dt.datetime, until: dt.datetime) -> Events:
    """The period's items for every place: a handful of queries whatever the number of people."""
    found = Events(since=since, until=until)
    found.items += _import_items(since, until)
    found.items += _verdict_items(since, until)
    found.items += _factor_items(since, until)
    found.items += _wave_items(timezone.localdate(until))
    found.measurable = set(
        EffectEstimate.objects.filter(
            status=EffectEstimate.Status.ESTIMATED, measurable_since__gte=since, measurable_since__lt=until
        ).values_list("neighbourhood_id", flat=True)
    )
    return found.index()


# --- official figures -----------------------------------------------------------------------------------------


def _stored_imports(since: dt.datetime, until: dt.datetime):
    return Import.objects.filter(
        status=Import.Status.SUCCEEDED, finished_at__gte=since, finished_at__lt=until
    ).select_related("indicator")


def _import_items(since: dt.datetime, until: dt.datetime) -> list[Item]:
    items = []
    for source in _stored_imports(since, until).order_by("finished_at", "pk"):
        rows = Observation.objects.filter(source_import=source)
        touched = set(
            Neighbourhood.small_areas.through.objects.filter(
                smallarea_id__in=rows.filter(small_area__isnull=False).values("small_area_id")
            ).values_list("neighbourhood_id", flat=True)
        )
        # Figures for a whole authority are news to everyone whose neighbourhoods lie in it.
        authorities = rows.filter(local_authority__isnull=False).values("local_authority_id")
        touched |= set(Neighbourhood.objects.filter(local_authority_id__in=authorities).values_list("pk", flat=True))
        if not touched:
            continue
        span = rows.aggregate(first=Min("period__start"), last=Max("period__start"))
        periods = _span_words(rows, span)
        when = timezone.localtime(source.finished_at)
        items.append(
            Item(
                kind=Kind.IMPORTS,
                urgent=False,
                neighbourhood_ids=frozenset(touched),
                headline=f"New official figures: {source.indicator.name}{periods}",
                detail=(
                    f"Stored on {when:%-d %B %Y} from {source.source or 'an upload'} ({source.file_name}): "
                    f"{source.rows_inserted:,} new and {source.rows_updated:,} changed figures."
                ),
                path=reverse("indicators:my-neighbourhoods"),
                at=source.finished_at,
                sort_key=(3, source.finished_at.isoformat()),
            )
        )
    return items


def _span_words(rows, span: dict) -> str:
    if span["first"] is None:
        return ""
    labels = dict(
        rows.filter(period__start__in=[span["first"], span["last"]]).values_list("period__start", "period__label")[:2]
    )
    first, last = labels.get(span["first"], ""), labels.get(span["last"], "")
    return f", {first}" if first == last else f", {first} to {last}"


# --- worklessness verdicts ------------------------------------------------------------------------------------


def _verdict_items(since: dt.datetime, until: dt.datetime) -> list[Item]:
    provenance = worklessness_provenance()
    indicator = provenance.indicator
    if indicator is None:
        return []
    parts = [p for p in (indicator.pk, indicator.numerator_id, indicator.denominator_id) if p]
    arrived = _stored_imports(since, until).filter(indicator_id__in=parts).aggregate(at=Max("finished_at"))["at"]
    if arrived is None:
        return []  # no new worklessness figures: the verdicts are what they were last week
    series = benchmark_series(indicator)
    now, before = window(series), window(series[:-1])
    if now.start is None or before.start is None:
        return []
    periods = {p.pk for p in (now.start, now.end, before.start, before.end)}
    rates: dict[int, dict[int, float | None]] = defaultdict(dict)
    for n_id, period_id, value in WorklessnessPoint.objects.filter(
        indicator=indicator, level=WorklessnessPoint.Level.NEIGHBOURHOOD, period_id__in=periods
    ).values_list("neighbourhood_id", "period_id", "rate"):
        rates[n_id][period_id] = value
    names = dict(Neighbourhood.objects.filter(pk__in=list(rates)).values_list("pk", "name"))
    known_as = dict(Neighbourhood.objects.filter(pk__in=list(rates)).exclude(known_as="").values_list("pk", "known_as"))
    items = []
    for n_id, by_period in rates.items():
        change_now = _change(by_period, now)
        change_before = _change(by_period, before)
        verdict_now = worklessness_verdict(change_now, now.benchmark_change)
        verdict_before = worklessness_verdict(change_before, before.benchmark_change)
        if verdict_now == FALLING_BEHIND and verdict_before in (IMPROVING, KEEPING_PACE):
            headline, urgent = "started falling behind", True
        elif verdict_before == FALLING_BEHIND and verdict_now in (IMPROVING, KEEPING_PACE):
            headline, urgent = f"caught up: now {VERDICT_WORDS[verdict_now].lower()}", False
        else:
            continue
        place = f"{known_as[n_id]} ({names[n_id]})" if n_id in known_as else names[n_id]
        items.append(
            Item(
                kind=Kind.VERDICTS,
                urgent=urgent,
                neighbourhood_ids=frozenset({n_id}),
                place=place,
                headline=f"{place} {headline}",
                detail=(
                    f"Worklessness {signed(change_now)} points from {now.start} to {now.end} "
                    f"({rate(by_period.get(now.start.pk))} → {rate(by_period.get(now.end.pk))}); similar areas "
                    f"{signed(now.benchmark_change)}. The year to {before.end}: {signed(change_before)} against "
                    f"{signed(before.benchmark_change)}, {VERDICT_WORDS[verdict_before].lower()}."
                ),
                path=reverse("indicators:neighbourhood-detail", args=[n_id]),
                at=arrived,
                sort_key=(1, 0 if urgent else 1, place.casefold()),
            )
        )
    return items


def _change(by_period: dict[int, float | None], span) -> float | None:
    start, end = by_period.get(span.start.pk), by_period.get(span.end.pk)
    return None if start is None or end is None else end - start


# --- factors --------------------------------------------------------------------------------------------------


def _factor_items(since: dt.datetime, until: dt.datetime) -> list[Item]:
    first, last = timezone.localdate(since), timezone.localdate(until)
    rows = (
        FactorScore.objects.filter(
            level=FactorScore.Level.NEIGHBOURHOOD,
            wave__closes_on__gte=first,
            wave__closes_on__lt=last,
            trend__in=[Trend.BETTER, Trend.WORSE],
            withheld=False,
            change__isnull=False,
            previous_wave__isnull=False,
        )
        .select_related("wave", "previous_wave", "neighbourhood")
        .order_by("neighbourhood__name", "factor")
    )
    items = []
    for row in rows:
        place = row.neighbourhood.display_name
        before = row.mean - row.change
        direction = "clearly better" if row.trend == Trend.BETTER else "clearly worse"
        closed = timezone.make_aware(dt.datetime.combine(row.wave.closes_on, dt.time(23, 59)))
        items.append(
            Item(
                kind=Kind.FACTORS,
                urgent=False,
                neighbourhood_ids=frozenset({row.neighbourhood_id}),
                place=place,
                headline=f"{place}: {FACTOR_LABELS.get(row.factor, row.factor)} {direction} than the wave before",
                detail=(
                    f"{signed(row.change, 1)} points out of 100 ({before:.1f} → {row.mean:.1f}) from "
                    f"{row.previous_wave.name} to {row.wave.name}, {row.responses} residents answering."
                ),
                path=reverse("indicators:neighbourhood-detail", args=[row.neighbourhood_id]),
                at=closed,
                sort_key=(2, place.casefold(), row.factor),
            )
        )
    return items


# --- waves ----------------------------------------------------------------------------------------------------


def _wave_items(today: dt.date) -> list[Item]:
    days = closing_days()
    threshold = low_response_percent()
    soon = today + dt.timedelta(days)
    waves = {w.pk: w for w in Wave.objects.filter(opens_on__lte=today, closes_on__gte=today, closes_on__lte=soon)}
    if not waves:
        return []
    counts = (
        Invitation.objects.filter(wave_id__in=list(waves))
        .values("wave_id", "neighbourhood_id")
        .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
        .order_by()
    )
    places = {
        n.pk: n.display_name
        for n in Neighbourhood.objects.filter(pk__in={c["neighbourhood_id"] for c in counts}).only("name", "known_as")
    }
    items = []
    for row in counts:
        if not row["issued"] or 100.0 * row["used"] / row["issued"] >= threshold:
            continue
        wave = waves[row["wave_id"]]
        place = places[row["neighbourhood_id"]]
        left = (wave.closes_on - today).days
        share = 100.0 * row["used"] / row["issued"]
        when = "today" if left == 0 else "tomorrow" if left == 1 else f"in {left} days"
        became = wave.closes_on - dt.timedelta(days=days)
        items.append(
            Item(
                kind=Kind.WAVES,
                urgent=True,
                neighbourhood_ids=frozenset({row["neighbourhood_id"]}),
                place=place,
                headline=f"{place}: survey “{wave.name}” closes {when} with a low response",
                detail=(
                    f"{share:.0f}% of invitation codes used ({row['used']:,} of {row['issued']:,}); a response "
                    f"under {threshold:g}% counts as low. It closes on {wave.closes_on:%-d %B %Y}."
                ),
                path=reverse("surveys:wave-detail", args=[wave.pk]),
                at=timezone.make_aware(dt.datetime.combine(max(became, wave.opens_on), dt.time())),
                sort_key=(0, wave.closes_on.isoformat(), place.casefold()),
                state=True,
            )
        )
    return items


# --- people ---------------------------------------------------------------------------------------------------


DEFAULTS = AlertPreference()  # unsaved: the choices of someone who has not made any


def preference_of(user) -> AlertPreference:
    return AlertPreference.objects.filter(user=user).first() or AlertPreference(user=user)


def recipients(*, username: str = ""):
    """Officers and estate managers with an e-mail address, each with their choices (or None) on ``choices``."""
    from django.contrib.auth import get_user_model

    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_profile__role__in=[Role.OFFICER, Role.ESTATE_MANAGER],
        )
        .exclude(email="")
        .select_related("staff_profile", "alert_preference")
        .order_by("pk")
    )
    if username:
        users = users.filter(username=username)
    return users


def choices_of(user) -> AlertPreference:
    try:
        return user.alert_preference
    except AlertPreference.DoesNotExist:
        return DEFAULTS


def last_covered(user_ids, sort: str, *, before: str) -> dict[int, dt.datetime]:
    """Each person's latest sent period's end (of the periods before ``before``), so that the next e-mail starts
    where the last one stopped."""
    return dict(
        Delivery.objects.filter(user_id__in=user_ids, sort=sort, status=Delivery.Status.SENT)
        .filter(period__lt=before)  # "2025-W19" and "2025-05-05" both sort in time order
        .values("user_id")
        .annotate(last=Max("covers_to"))
        .values_list("user_id", "last")
    )


def taken(user_ids, period: str) -> set[int]:
    """Those whose e-mail for this period was sent or is being sent."""
    return set(
        Delivery.objects.filter(user_id__in=user_ids, period=period)
        .exclude(status=Delivery.Status.FAILED)
        .values_list("user_id", flat=True)
    )


def items_for(user, found: Events, *, since: dt.datetime, urgent_only: bool = False) -> list[Item]:
    """The items about this person's own places that they chose to hear about, newest period only."""
    choices = choices_of(user)
    own = set(Neighbourhood.objects.visible_to(user).values_list("pk", flat=True))
    chosen = []
    positions = sorted({p for n_id in own for p in found.by_place.get(n_id, ())})
    for item in (found.items[p] for p in positions):
        if not choices.wants(item.kind):
            continue
        if urgent_only and not item.urgent:
            continue
        if item.at is not None and not since <= item.at < found.until and (urgent_only or not item.state):
            continue
        chosen.append(_narrowed(item, own))
    if not urgent_only and choices.wants(Kind.INTERVENTIONS) and found.measurable & own:
        chosen += _intervention_items(user, since, found.until)
    return sorted(chosen, key=lambda i: i.sort_key)


def _intervention_items(user, since: dt.datetime, until: dt.datetime) -> list[Item]:
    items = []
    for effect in effects_first_measurable(user=user, since=since):
        row = effect.row
        if row.measurable_since >= until:
            continue
        place = row.neighbourhood.display_name
        if effect.withheld:
            detail = f"The estimate is not shown to you: {effect.withheld_reason}"
        else:
            detail = f"{verdict_words(effect)}. {effect_sentence(effect)}"
            if row.weak_reasons:
                reasons = [r.rstrip(".") for r in row.weak_reasons]
                detail += " The comparison is weak: " + "; ".join(r[:1].lower() + r[1:] for r in reasons) + "."
        items.append(
            Item(
                kind=Kind.INTERVENTIONS,
                urgent=False,
                neighbourhood_ids=frozenset({row.neighbourhood_id}),
                place=place,
                headline=f"{place}: “{row.intervention.title}” can now be measured ({measure_name(row.measure)})",
                detail=detail,
                path=reverse("indicators:intervention-detail", args=[row.intervention_id]),
                at=row.measurable_since,
                sort_key=(4, row.measurable_since.isoformat(), place.casefold(), row.measure),
            )
        )
    return items


def _narrowed(item: Item, own: set[int]) -> Item:
    """An import item names how many of *their* neighbourhoods it touched, never anyone else's."""
    if item.kind != Kind.IMPORTS:
        return item
    mine = item.neighbourhood_ids & own
    count = len(mine)
    return replace(
        item,
        neighbourhood_ids=frozenset(mine),
        detail=f"{item.detail} It has figures for {count} of your neighbourhood{'s' if count != 1 else ''}.",
    )
