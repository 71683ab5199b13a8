"""Weekly digest benchmark: everyone's digest for a week with news in it, against a bare baseline of the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rebalance_bench_digest .venv/bin/python bench/digest.py

Generates (each run afresh) 30 authorities, 300 neighbourhoods of two LSOAs each and 1,000 people (800 officers
with one authority each, 200 estate managers with three neighbourhoods each), and a week in which an import
stored claimant counts for every LSOA, 14 months of worklessness figures moved some verdicts, a survey wave closed
with clear changes in some factors and another closes in four days with a low response in some places. Then prints

- the bare baseline: per person, their neighbourhoods read through ``visible_to`` (one query) and a message made
  from a one-line template and handed to the mail backend: the least any per-person e-mail can cost;
- the weekly digest for all 1,000 (``send_due``: the week's events worked out once, then each person's items,
  claim, compose and send), median of three runs, each after clearing the deliveries;
- their ratio, and whether the digest stays under a minute (the issue's aim).

Mail goes to Django's in-memory backend, so the figures are the application's and the database's, not a mail
server's.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_postgres

AUTHORITIES = 30
NEIGHBOURHOODS = 300
OFFICERS = 800
MANAGERS = 200
MONTHS = 14
FACTORS = ["housing_environment", "retention", "work_connection", "outlook", "confidence", "aspiration",
           "leadership", "travel_to_work"]  # fmt: skip


def generate(now) -> None:
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from indicators.access.models import Assignment, Role, StaffProfile
    from indicators.engine.models import FactorScore, Trend, WorklessnessPoint
    from indicators.official.catalogue import ensure_indicators
    from indicators.official.models import Import, Indicator, Observation, Period
    from indicators.places.models import LocalAuthority, Neighbourhood, SmallArea
    from surveys.models import Invitation, Survey, SurveyVersion, Wave

    rng = random.Random(18)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "TRUNCATE indicators_localauthority, indicators_smallarea, surveys_survey, indicators_import, "
            "indicators_period, indicators_observation, auth_user RESTART IDENTITY CASCADE"
        )
        ensure_indicators(Indicator)
        las = LocalAuthority.objects.bulk_create(
            LocalAuthority(code=f"E08{i:06d}", name=f"Authority {i}") for i in range(AUTHORITIES)
        )
        areas = SmallArea.objects.bulk_create(
            SmallArea(code=f"E01{i:06d}", name=f"Area {i}", kind="lsoa11", local_authority=las[(i // 2) % AUTHORITIES])
            for i in range(NEIGHBOURHOODS * 2)
        )
        hoods = Neighbourhood.objects.bulk_create(
            Neighbourhood(name=f"Neighbourhood {i}", local_authority=las[i % AUTHORITIES])
            for i in range(NEIGHBOURHOODS)
        )
        through = Neighbourhood.small_areas.through
        through.objects.bulk_create(
            through(neighbourhood_id=n.pk, smallarea_id=a.pk)
            for i, n in enumerate(hoods)
            for a in (areas[2 * i], areas[2 * i + 1])
        )
        users = get_user_model().objects
        people = [
            users.create(username=f"person{i}", email=f"person{i}@council.example") for i in range(OFFICERS + MANAGERS)
        ]
        StaffProfile.objects.bulk_create(
            StaffProfile(user=u, role=Role.OFFICER if i < OFFICERS else Role.ESTATE_MANAGER)
            for i, u in enumerate(people)
        )
        Assignment.objects.bulk_create(
            [Assignment(user=u, local_authority=las[i % AUTHORITIES]) for i, u in enumerate(people[:OFFICERS])]
            + [
                Assignment(user=u, neighbourhood=hoods[(3 * i + k) % NEIGHBOURHOODS])
                for i, u in enumerate(people[OFFICERS:])
                for k in range(3)
            ]
        )

        # The week's import: claimant counts for every LSOA for the latest month.
        claimants = Indicator.objects.get(slug="claimant-count")
        worklessness = Indicator.objects.get(slug="worklessness")
        months = []
        for m in range(MONTHS):
            start = dt.date(2025 + (m // 12), 1 + m % 12, 1)
            end, label = Period.describe(Period.Kind.MONTH, start)
            months.append(Period.objects.create(kind=Period.Kind.MONTH, start=start, end=end, label=label))
        stored = Import.objects.create(
            indicator=claimants, format="generated", source="bench", file_name="claimants.csv",
            status=Import.Status.SUCCEEDED, finished_at=now - dt.timedelta(days=2), rows_inserted=len(areas),
        )  # fmt: skip
        Observation.objects.bulk_create(
            Observation(indicator=claimants, period=months[-1], small_area=a, value=Decimal(50), source_import=stored)
            for a in areas
        )
        # Worklessness: the benchmark drifts; each neighbourhood has its own trend with noise, so some verdicts turn.
        points = []
        for m, period in enumerate(months):
            points.append(
                WorklessnessPoint(indicator=worklessness, period=period, level="benchmark", rate=12 - 0.02 * m,
                                  areas=600, areas_expected=600, computed_at=now)
            )  # fmt: skip
        for n in hoods:
            slope = rng.uniform(-0.06, 0.04)
            for m, period in enumerate(months):
                points.append(
                    WorklessnessPoint(indicator=worklessness, period=period, level="neighbourhood", neighbourhood=n,
                                      rate=12 + slope * m + rng.gauss(0, 0.15), areas=2, areas_expected=2,
                                      computed_at=now)
                )  # fmt: skip
        WorklessnessPoint.objects.bulk_create(points)

        # Two waves: one closed this week (a fifth of its factor figures changed clearly), one closes in four days.
        version = SurveyVersion.objects.create(survey=Survey.objects.create(slug="bench", name="Bench"), number=1)
        today = now.date()
        before = Wave.objects.create(
            survey_version=version,
            name="Autumn",
            slug="bench-autumn",
            opens_on=today - dt.timedelta(days=200),
            closes_on=today - dt.timedelta(days=160),
        )
        closed = Wave.objects.create(
            survey_version=version,
            name="Spring",
            slug="bench-spring",
            opens_on=today - dt.timedelta(days=45),
            closes_on=today - dt.timedelta(days=3),
        )
        closing = Wave.objects.create(
            survey_version=version,
            name="Summer",
            slug="bench-summer",
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=4),
        )
        for w in (before, closed, closing):
            w.neighbourhoods.set(hoods)
        scores = []
        for n in hoods:
            for factor in FACTORS:
                change = rng.choice([-9.0, 0.5, 1.0, -1.0, 9.0])
                trend = Trend.BETTER if change > 5 else Trend.WORSE if change < -5 else Trend.NO_CLEAR_CHANGE
                scores.append(
                    FactorScore(level="neighbourhood", wave=closed, neighbourhood=n, factor=factor, responses=60,
                                mean=55 + change, previous_wave=before, change=change, trend=trend, computed_at=now)
                )  # fmt: skip
        FactorScore.objects.bulk_create(scores)
        Invitation.objects.bulk_create(
            Invitation(wave=closing, neighbourhood=n, code_hash=f"bench-{n.pk}-{k}", used=k < (3 if i % 4 else 30))
            for i, n in enumerate(hoods)
            for k in range(40)
        )
    print(f"generated in {time.perf_counter() - t0:.1f} s", flush=True)


def bare_baseline() -> int:
    """The least any per-person e-mail can cost: each recipient's neighbourhoods read through ``visible_to`` (one
    query) and a one-line template handed to the mail backend."""
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.template import engines

    from indicators.alerts.selectors import recipients
    from indicators.places.models import Neighbourhood

    template = engines["django"].from_string("Hello {{ user.username }}: {{ count }} neighbourhoods.")
    sent = 0
    connection = get_connection()
    for user in recipients():
        own = list(Neighbourhood.objects.visible_to(user).values_list("pk", flat=True))
        body = template.render({"user": user, "count": len(own)})
        EmailMultiAlternatives(subject="Digest", body=body, to=[user.email], connection=connection).send()
        sent += 1
    return sent


def digest_for_everyone(now) -> int:
    """The week's digest for everyone who chose it, as the beat's job sends it, after clearing the deliveries."""
    from indicators.alerts.models import Delivery
    from indicators.alerts.services import send_due

    Delivery.objects.all().delete()
    outcome = send_due(now=now, digests=True, urgent=False)["digest"]
    if outcome.failed:
        sys.exit(f"the digest failed for {len(outcome.failed)} people")
    return len(outcome.sent)


def main() -> None:
    django_on_postgres("rebalance_bench_digest")
    from django.conf import settings
    from django.core import mail
    from django.utils import timezone

    from indicators.alerts.models import Delivery

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    now = timezone.now()
    generate(now)

    bare_times, digest_times = [], []
    for _ in range(3):
        mail.outbox = []
        t0 = time.perf_counter()
        bare_sent = bare_baseline()
        bare_times.append(time.perf_counter() - t0)
        mail.outbox = []
        t0 = time.perf_counter()
        sent = digest_for_everyone(now)
        digest_times.append(time.perf_counter() - t0)
    items = sum(d.items for d in Delivery.objects.all())
    sizes = [len(m.body) for m in mail.outbox]
    b, d = statistics.median(bare_times), statistics.median(digest_times)
    print(f"people: {OFFICERS + MANAGERS:,} ({OFFICERS} officers, {MANAGERS} estate managers); "
          f"{NEIGHBOURHOODS} neighbourhoods in {AUTHORITIES} authorities")  # fmt: skip
    print(f"digests sent: {sent:,} with {items:,} items (median text part {statistics.median(sizes):,.0f} chars)")
    print(f"bare baseline, {bare_sent:,} people  {b * 1000:9.0f} ms (median of 3)")
    print(f"weekly digest, {sent:,} people  {d * 1000:9.0f} ms (median of 3)  ratio {d / b:.1f} × bare")
    print(f"under a minute: {'yes' if d < 60 else 'NO'}")


if __name__ == "__main__":
    main()
