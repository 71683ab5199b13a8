"""Did it work? and statistical neighbours: what they add to the engine's full recompute.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rebalance_bench_effects .venv/bin/python bench/effects.py

Builds the aggregation benchmark's world (bench/aggregate.py: 300 neighbourhoods in 30 authorities, four survey
waves, monthly claimant counts and yearly populations), smaller by default (20,000 responses, 3,000 LSOAs; --full
for aggregate.py's 200,000 and 33,755), once; then records 30 interventions over one to three neighbourhoods each,
naming two or three factors, started between the waves so that both worklessness and the factors are estimated.

It times the full recompute (recompute_all, as the nightly task runs it) alternately without the statistical
neighbours and the estimates (their two steps skipped, no interventions) and with them, three times each, and
prints the medians and their ratio (the aim: within 1.5 ×). The smaller world is the harder test: the two steps
cost about the same whatever the number of responses, while the rest of the recompute grows with it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
import aggregate
from _setup import django_on_postgres

INTERVENTIONS = 30
FACTORS = aggregate.FACTORS


def record_interventions() -> int:
    from django.contrib.auth import get_user_model

    from indicators.access.models import Role, StaffProfile
    from indicators.interventions.models import Intervention
    from indicators.interventions.services import intervention_create
    from indicators.places.models import Neighbourhood

    Intervention.objects.all().delete()
    admin, made = get_user_model().objects.get_or_create(username="bench.admin")
    if made:
        StaffProfile.objects.create(user=admin, role=Role.ADMIN)
    places = list(Neighbourhood.objects.order_by("pk"))
    for i in range(INTERVENTIONS):
        covered = places[i * 7 % len(places) : i * 7 % len(places) + 1 + i % 3]
        intervention_create(
            user=admin,
            title=f"Programme {i}",
            lead_organisation="Bench council",
            # Between the 2023 and 2024 waves (they close in May and open in March), with monthly figures on
            # both sides; a few start earlier, so that they overlap others and thin the comparison groups.
            start_date=dt.date(2023, 6, 1) if i % 5 else dt.date(2022, 9, 1),
            neighbourhoods=covered,
            factors=[FACTORS[i % 8], FACTORS[(i + 3) % 8], *([FACTORS[(i + 5) % 8]] if i % 2 else [])],
        )
    return Intervention.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--full", action="store_true", help="aggregate.py's full size: 200,000 responses")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not args.full:
        aggregate.RESPONSES, aggregate.LSOAS = 20_000, 3_000
    django_on_postgres("rebalance_bench_effects")

    from indicators.engine.models import EffectEstimate, StatisticalNeighbour
    from indicators.engine.services import refresh
    from indicators.interventions.models import Intervention
    from surveys.models import Answer

    if args.regenerate or Answer.objects.count() != aggregate.RESPONSES * aggregate.ANSWERS_PER_RESPONSE:
        aggregate.generate()

    def without():
        Intervention.objects.all().delete()
        with (
            mock.patch.object(refresh, "neighbours_refresh", return_value=0),
            mock.patch.object(refresh, "effects_refresh", return_value=0),
        ):
            refresh.recompute_all(compare=False)
        assert not EffectEstimate.objects.exists()

    print(
        f"data: {aggregate.RESPONSES:,} responses, {aggregate.NEIGHBOURHOODS} neighbourhoods, {aggregate.WAVES} waves, "
        f"{aggregate.LSOAS:,} LSOAs × {aggregate.MONTHS} months; {INTERVENTIONS} interventions",
        flush=True,
    )
    refresh.recompute_all(compare=False)  # warm the cache once
    bare, full = [], []
    for _ in range(args.repeat):  # alternately, so that a busy moment of the machine falls on both
        t0 = time.perf_counter()
        without()
        bare.append(time.perf_counter() - t0)
        record_interventions()  # not timed: recording is the officer's, not the recompute's
        t0 = time.perf_counter()
        refresh.recompute_all(compare=False)
        full.append(time.perf_counter() - t0)
    estimates = EffectEstimate.objects.count()
    shown = EffectEstimate.objects.filter(status=EffectEstimate.Status.ESTIMATED).count()
    a, b = statistics.median(bare), statistics.median(full)
    print(f"full recompute without neighbours and estimates {a * 1000:9.0f} ms (median of {args.repeat})")
    print(
        f"full recompute with them                         {b * 1000:9.0f} ms (median of {args.repeat}): "
        f"{StatisticalNeighbour.objects.count():,} neighbour rows, {estimates} estimates ({shown} estimated)"
    )
    print(f"ratio {b / a:.2f} × (aim: within 1.5 ×)")


if __name__ == "__main__":
    main()
