"""Demo interventions: a few SYNTHETIC programmes in the demo officers' places, recorded through the services.

Each says in its description that it is a synthetic demo record, not a real programme. Dates are set from the day
of seeding so that the figures around them exist: the Leeds employment hub started about three and a half years
ago (years of monthly worklessness figures before it and over three years after, enough for an estimate of the
change since); the clean-up started between the demo's two earlier survey waves (a wave before it and after it);
the Tees Valley leadership programme ran for a year and has ended. The Liverpool estate manager's proposal waits for
an officer. Idempotent: a title already recorded is left alone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.interventions.models import Intervention
from indicators.interventions.services import intervention_create
from indicators.places.models import MatchedPair, Neighbourhood
from surveys.services.demo_plan import demo_schedule

NOTE = "Synthetic demo record, not a real programme. "


def _first_side(codes: list[str]) -> Neighbourhood | None:
    """The improving side of the first matched pair in these authorities: the pages have a story there."""
    pair = (
        MatchedPair.objects.filter(first__local_authority__code__in=codes)
        .select_related("first")
        .order_by("first__local_authority__name", "first__name")
        .first()
    )
    return pair.first if pair else Neighbourhood.objects.filter(local_authority__code__in=codes).first()


def _months_ago(today: dt.date, months: int) -> dt.date:
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def seed_interventions(today: dt.date | None = None) -> list[Intervention]:
    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(
        ["officer.leeds", "officer.tees", "manager.liverpool"], field_name="username"
    )
    leeds = _first_side(["E08000035"])
    tees = _first_side(["E06000002", "E06000004", "E06000001", "E06000003", "E06000005"])
    waves = demo_schedule(today)
    between = waves[0].closes_on + (waves[1].opens_on - waves[0].closes_on) / 2
    liverpool = (
        Neighbourhood.objects.visible_to(users["manager.liverpool"]).order_by("name").first()
        if "manager.liverpool" in users
        else None
    )
    plans = [
        (
            "officer.leeds",
            leeds,
            {
                "title": "Estate employment hub",
                "lead_organisation": "Leeds City Council Employment and Skills, with the local housing office",
                "start_date": _months_ago(today, 42),
                "factors": ["work_connection", "confidence", "travel_to_work"],
                "recommendations": ["local_welfare_to_work"],
                "description": NOTE + "A weekly drop-in on the estate: tailored advice, CV help, job matching with "
                "employers across the city and fares paid for the first month in work.",
            },
        ),
        (
            "officer.leeds",
            leeds,
            {
                "title": "Crime and grime clean-up",
                "lead_organisation": "Leeds City Council Housing, with West Yorkshire Police",
                "start_date": between,
                "end_date": between + dt.timedelta(days=120),
                "factors": ["housing_environment", "retention"],
                "recommendations": ["early_action_housing"],
                "description": NOTE + "Fly-tipping cleared, void homes repaired and relet, lighting fixed on the "
                "walkways, with residents choosing the first streets.",
            },
        ),
        (
            "officer.tees",
            tees,
            {
                "title": "Community leadership programme",
                "lead_organisation": "Tees Valley community foundation",
                "start_date": _months_ago(today, 24),
                "end_date": _months_ago(today, 12) - dt.timedelta(days=1),
                "factors": ["leadership", "outlook"],
                "recommendations": ["community_leadership", "community_groups"],
                "description": NOTE + "Training and a small grants fund for residents who lead local groups; "
                "monthly meetings with the estate manager and the neighbourhood officer.",
            },
        ),
        (
            "manager.liverpool",
            liverpool,
            {
                "title": "Tenants' job club",
                "lead_organisation": "Liverpool housing association tenancy team",
                "start_date": _months_ago(today, 2),
                "factors": ["work_connection", "aspiration"],
                "recommendations": ["local_welfare_to_work"],
                "description": NOTE + "Proposed by the estate manager: a fortnightly job club in the tenants' hall.",
            },
        ),
    ]
    made = []
    for username, place, fields in plans:
        user = users.get(username)
        if user is None or place is None or Intervention.objects.filter(title=fields["title"]).exists():
            continue
        made.append(intervention_create(user=user, neighbourhoods=[place], **fields))
    return made
