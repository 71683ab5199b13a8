"""The matched pairs' part of the refresh after an import, at national scale: every pair rewritten (what the refresh
did before: ``pairs_refresh()``, factors and every indicator, in Python) against only the imported indicator's
worklessness comparisons (``pairs_refresh(indicator_id=…)``, one INSERT … SELECT), and only from the imported month
on (``since=…``: a month's import, the usual case), in the same run.

    .venv/bin/python bench/pairs_after_import.py [--pairs 1500] [--months 120]

Makes its world in a database of its own (PAIRS_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/rb_pairs_bench; dropped and made again, never DATABASE_URL): 300 authorities,
two neighbourhoods a pair, a worklessness rate for every neighbourhood and month, and four waves of eight factor
scores each (as bench/national.py's world has them: 3,000 neighbourhoods, 1,500 pairs, 120 months). Prints each
time, the ratio of the two, and checks that both leave the same worklessness rows. On demand, never in CI.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rb_pairs_bench"
FACTORS = ["confidence", "skills", "enterprise", "connections", "housing", "crime_grime", "services", "health"]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup(url: str) -> None:
    import psycopg

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def world(pairs: int, months: int) -> int:
    """Fill the database; returns the worklessness indicator's id."""
    from django.db import connection, transaction

    from indicators.official.models import Indicator, Period
    from indicators.places.models import Neighbourhood, Region
    from surveys.services.default_questionnaire import default_questionnaire_load
    from surveys.services.waves import wave_create

    with transaction.atomic(), connection.cursor() as c:
        region = Region.objects.create(name="England", slug="england")
        c.execute(
            """INSERT INTO indicators_localauthority (code, name, region_id)
               SELECT 'E08' || lpad(g::text, 6, '0'), 'Authority ' || g, %s FROM generate_series(1, 300) g""",
            [region.pk],
        )
        c.execute(
            """INSERT INTO indicators_neighbourhood (name, known_as, description, created_at, local_authority_id)
               SELECT 'Place ' || g, '', '', now(), (SELECT min(id) FROM indicators_localauthority) + g %% 300
               FROM generate_series(1, %s) g""",
            [2 * pairs],
        )
        c.execute(
            """WITH h AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM indicators_neighbourhood)
               INSERT INTO indicators_matchedpair (first_id, second_id, reason, created_at)
               SELECT a.id, b.id, 'generated', now() FROM h a JOIN h b ON b.k = a.k + 1 WHERE a.k %% 2 = 0""",
            [],
        )
        first = dt.date(2015, 1, 1)
        starts = [dt.date(first.year + i // 12, 1 + i % 12, 1) for i in range(months)]
        Period.objects.bulk_create(
            Period(kind="month", start=s, end=Period.describe("month", s)[0], label=Period.describe("month", s)[1])
            for s in starts
        )
        worklessness = Indicator.objects.get(slug="worklessness")
        # A rate for every neighbourhood and month, a few missing (a side not measured that month).
        c.execute(
            """INSERT INTO engine_worklessnesspoint (indicator_id, period_id, level, neighbourhood_id, numerator,
                                                     denominator, rate, areas, areas_expected, computed_at)
               SELECT %s, p.id, 'neighbourhood', n.id, 100, 1000,
                      8 + (n.id * 37 %% 90) / 10.0 + sin(p.id * 0.5) / 3, 3, 3, now()
               FROM indicators_neighbourhood n CROSS JOIN indicators_period p
               WHERE (n.id * 7 + p.id) %% 53 <> 0""",
            [worklessness.pk],
        )
        version = default_questionnaire_load()
        hoods = list(Neighbourhood.objects.order_by("pk"))
        waves = [
            wave_create(
                survey_version=version, name=f"Spring {y}", neighbourhoods=hoods,
                opens_on=dt.date(y, 3, 1), closes_on=dt.date(y, 4, 30), synthetic=True,
            )
            for y in (2021, 2022, 2023, 2024)
        ]  # fmt: skip
        c.execute(
            """INSERT INTO engine_factorscore (level, wave_id, neighbourhood_id, factor, responses, withheld,
                                               withheld_reason, mean, trend, computed_at)
               SELECT 'neighbourhood', w, n.id, f, 80, false, '', 40 + (n.id * 13 + w * 7) %% 30, '', now()
               FROM indicators_neighbourhood n, unnest(%s::int[]) w, unnest(%s::text[]) f""",
            [[w.pk for w in waves], FACTORS],
        )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    return worklessness.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=1500)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the median printed")
    args = parser.parse_args()
    url = os.environ.get("PAIRS_BENCH_DATABASE_URL", DEFAULT_DB)
    setup(url)
    began = time.perf_counter()
    indicator_id = world(args.pairs, args.months)
    say(f"world made in {time.perf_counter() - began:.0f} s")

    from django.db import transaction

    from indicators.engine.models import PairComparison
    from indicators.engine.services.pairs import pairs_refresh
    from indicators.official.models import Period

    def rows():
        fields = ("pair_id", "period_id", "first_value", "second_value", "gap", "first_change", "second_change",
                  "difference_in_differences")  # fmt: skip
        return set(PairComparison.objects.filter(measure="worklessness:worklessness").values_list(*fields))

    def timed(fn, repeat: int = args.repeat) -> float:
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            with transaction.atomic():
                fn()
            runs.append(time.perf_counter() - start)
        return statistics.median(runs)

    full = timed(pairs_refresh, 1)  # a minute or more: once
    full_rows = rows()
    targeted = timed(lambda: pairs_refresh(indicator_id=indicator_id))
    if rows() != full_rows:
        sys.exit("the targeted refresh left other rows than the full one")
    last = Period.objects.filter(kind="month").order_by("-start").first().start
    latest = timed(lambda: pairs_refresh(indicator_id=indicator_id, since=last))
    if rows() != full_rows:
        sys.exit("the refresh of the last month left other rows than the full one")
    print(f"  pairs {args.pairs:,}; months {args.months}; worklessness comparisons {len(full_rows):,}; "
          f"all comparisons {PairComparison.objects.count():,}")  # fmt: skip
    print(f"  every pair's comparisons rewritten (pairs_refresh())           {full * 1000:11,.1f} ms")
    print(f"  only the indicator's (pairs_refresh(indicator_id=…))           {targeted * 1000:11,.1f} ms"
          f"  = {targeted / full:.3f} × the full rewrite ({full / targeted:,.0f} times faster)")  # fmt: skip
    print(f"  only its last month (since=…, after a month's import)          {latest * 1000:11,.1f} ms"
          f"  = {latest / full:.4f} × the full rewrite ({full / latest:,.0f} times faster)")  # fmt: skip


if __name__ == "__main__":
    main()
