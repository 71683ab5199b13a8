"""Aggregation benchmark: the engine's full recompute and incremental update on generated data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rebalance_bench .venv/bin/python bench/aggregate.py

Generates (once; pass --regenerate to start again) 200,000 completed responses of
30 scored answers over 300 neighbourhoods, and ten years of monthly claimant
counts with yearly populations for 33,755 LSOAs; then prints

- one bare SQL GROUP BY (neighbourhood, wave, factor) over the same answers, and one per resident and
  factor (the step a resident-level statistic cannot skip),
- rescoring every resident from their answers and comparing with their stored scores (what the nightly
  run adds; each response is scored once as it completes),
- the engine's full recompute of the factor figures (from the residents' stored scores), of everything,
  and of everything after rescoring every resident,
- the incremental update after one more response (median of repeated runs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_postgres

RESPONSES = 200_000
ANSWERS_PER_RESPONSE = 30
NEIGHBOURHOODS = 300
WAVES = 4
LSOAS = 33_755
MONTHS = 120
FACTORS = ["housing_environment", "retention", "work_connection", "outlook", "confidence", "aspiration",
           "leadership", "travel_to_work"]  # fmt: skip


def generate() -> None:
    import datetime as dt

    from django.db import connection, transaction

    from indicators.official.models import Indicator
    from indicators.places.models import LocalAuthority, Neighbourhood
    from surveys.models import Question, Survey, SurveyVersion, Wave

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        c.execute(
            "TRUNCATE indicators_localauthority, indicators_smallarea, surveys_survey, indicators_import, "
            "indicators_period RESTART IDENTITY CASCADE"
        )
        las = LocalAuthority.objects.bulk_create(
            LocalAuthority(code=f"E08{i:06d}", name=f"Authority {i}") for i in range(30)
        )
        c.execute(
            """INSERT INTO indicators_smallarea (code, name, kind, local_authority_id)
               SELECT 'E01' || lpad(g::text, 6, '0'), 'Area ' || g, 'lsoa11', %s + (g %% 30)
               FROM generate_series(1, %s) g""",
            [las[0].pk, LSOAS],
        )
        c.execute(
            """INSERT INTO indicators_deprivation (small_area_id, edition, rank, decile)
               SELECT id, 'iod2019', id, 1 + ((id * 7919) % 10) FROM indicators_smallarea"""
        )
        neighbourhoods = Neighbourhood.objects.bulk_create(
            Neighbourhood(name=f"Neighbourhood {i}", local_authority=las[i % 30]) for i in range(NEIGHBOURHOODS)
        )
        # Each neighbourhood: three to five small areas of its own authority.
        c.execute(
            """INSERT INTO indicators_neighbourhood_small_areas (neighbourhood_id, smallarea_id)
               SELECT n.id, sa.id FROM indicators_neighbourhood n
               JOIN LATERAL (SELECT id FROM indicators_smallarea WHERE local_authority_id = n.local_authority_id
                             ORDER BY id OFFSET (n.id / 30) * 5 LIMIT 3 + n.id % 3) sa ON true"""
        )
        version = SurveyVersion.objects.create(survey=Survey.objects.create(slug="bench", name="Bench"), number=1)
        Question.objects.bulk_create(
            Question(version=version, key=f"q{i}", position=i, page=i, factor=FACTORS[i % 8], kind="scale",
                     text=f"Item {i}", source="bench")
            for i in range(ANSWERS_PER_RESPONSE)
        )  # fmt: skip
        waves = [
            Wave.objects.create(survey_version=version, name=f"Wave {y}", slug=f"bench-{y}",
                                opens_on=dt.date(2022 + y, 3, 1), closes_on=dt.date(2022 + y, 5, 1))
            for y in range(WAVES)
        ]  # fmt: skip
        for w in waves:
            w.neighbourhoods.set(neighbourhoods)
        c.execute(
            """INSERT INTO surveys_response (wave_id, neighbourhood_id, channel, status, language, age_band, sex,
                                             synthetic, started_at, completed_at)
               SELECT %s + (g %% %s), %s + (g / %s) %% %s, 'web', 'completed', 'en',
                      (ARRAY['16_24','25_44','45_64','65_plus'])[1 + g %% 4],
                      (ARRAY['female','male'])[1 + (g / 4) %% 2],
                      true, now(), now()
               FROM generate_series(0, %s - 1) g""",
            [waves[0].pk, WAVES, neighbourhoods[0].pk, WAVES, NEIGHBOURHOODS, RESPONSES],
        )
        # Answers arrive response by response, as they do from the site (this matters to the heap's order).
        c.execute(
            """INSERT INTO surveys_answer (response_id, question_id, choices, text, score)
               SELECT r.id, q.id, '[]', '', ((r.id * 31 + q.id * 17) %% 5) * 25
               FROM surveys_response r CROSS JOIN surveys_question q WHERE q.version_id = %s
               ORDER BY r.id, q.id""",
            [version.pk],
        )
        claimants = Indicator.objects.get(slug="claimant-count")
        population = Indicator.objects.get(slug="working-age-population")
        c.execute(
            """INSERT INTO indicators_import (indicator_id, format, source, file_name, sha256, dataset_id, options,
                   created_at, status, progress, rows_read, rows_inserted, rows_updated, rows_unchanged,
                   rows_skipped, unknown_area_count, unknown_area_sample, errors, file, attempts)
               VALUES (%s, 'generated', 'benchmark', 'bench', '', '', '{}', now(), 'succeeded', 100,
                       0, 0, 0, 0, 0, 0, '[]', '[]', '', 1) RETURNING id""",
            [claimants.pk],
        )
        import_id = c.fetchone()[0]
        c.execute(
            """INSERT INTO indicators_period (kind, start, "end", label)
               SELECT 'month', d::date, (d + interval '1 month' - interval '1 day')::date, to_char(d, 'FMMonth YYYY')
               FROM generate_series(date '2015-01-01', date '2015-01-01' + interval '119 months', interval '1 month') d
               UNION ALL
               SELECT 'year', d::date, (d + interval '1 year' - interval '1 day')::date, to_char(d, 'YYYY')
               FROM generate_series(date '2015-01-01', date '2024-01-01', interval '1 year') d"""
        )
        c.execute(
            """INSERT INTO indicators_observation (indicator_id, period_id, small_area_id, value, status, status_code,
                                                   source_import_id)
               SELECT %s, p.id, sa.id, 5 * ((sa.id + extract(month from p.start)::int) %% 30), 'normal', 'A', %s
               FROM indicators_period p CROSS JOIN indicators_smallarea sa WHERE p.kind = 'month'""",
            [claimants.pk, import_id],
        )
        c.execute(
            """INSERT INTO indicators_observation (indicator_id, period_id, small_area_id, value, status, status_code,
                                                   source_import_id)
               SELECT %s, p.id, sa.id, 900 + sa.id %% 300, 'normal', 'A', %s
               FROM indicators_period p CROSS JOIN indicators_smallarea sa WHERE p.kind = 'year'""",
            [population.pk, import_id],
        )
    with connection.cursor() as c:
        c.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - t0:.0f} s")


def timed(fn, repeat: int = 1) -> list[float]:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    django_on_postgres("rebalance_bench")

    from django.db import connection
    from django.utils import timezone

    from indicators.engine.services.factors import cells_refresh, residents_score, scores_refresh
    from indicators.engine.services.refresh import neighbourhood_wave_refresh, recompute_all
    from surveys.models import Answer, Question, Response, Wave

    if args.regenerate or Answer.objects.count() != RESPONSES * ANSWERS_PER_RESPONSE:
        generate()

    def bare(groups: str):
        """One bare GROUP BY over the completed, scored answers, by the given columns."""

        def run():
            with connection.cursor() as c:
                c.execute(
                    f"""SELECT {groups}, AVG(a.score), COUNT(*)
                       FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
                       JOIN surveys_question q ON q.id = a.question_id
                       WHERE r.status = 'completed' AND a.score IS NOT NULL
                       GROUP BY {groups}"""
                )
                c.fetchall()

        return run

    bare_group_by = bare("r.neighbourhood_id, r.wave_id, q.factor")
    bare_group_by_resident = bare("a.response_id, q.factor")

    def factors_only():
        cells_refresh()
        for wave_id in Wave.objects.order_by("opens_on").values_list("pk", flat=True):
            scores_refresh(wave_id=wave_id)

    print(f"data: {RESPONSES:,} responses × {ANSWERS_PER_RESPONSE} answers, {NEIGHBOURHOODS} neighbourhoods, "
          f"{WAVES} waves; {LSOAS:,} LSOAs × {MONTHS} months", flush=True)  # fmt: skip
    timed(bare_group_by)  # warm the cache once
    bare = statistics.median(timed(bare_group_by, 3))
    print(f"bare GROUP BY over the answers        {bare * 1000:9.0f} ms (median of 3)", flush=True)
    per_resident = statistics.median(timed(bare_group_by_resident, 3))
    print(f"bare GROUP BY per resident and factor {per_resident * 1000:9.0f} ms (median of 3; 1.6M groups)", flush=True)
    rescore = statistics.median(timed(lambda: residents_score(rescore=True), 3))
    print(f"rescoring every resident from answers {rescore * 1000:8.0f} ms (median of 3; 1.6M scores compared)",
          flush=True)  # fmt: skip
    factor_full = statistics.median(timed(factors_only, 3))
    print(f"full recompute, factor figures        {factor_full * 1000:9.0f} ms (median of 3)  "
          f"= {factor_full / bare:.2f} × the first bare GROUP BY, {factor_full / per_resident:.2f} × the second",
          flush=True)  # fmt: skip
    everything = timed(lambda: recompute_all(compare=False))[0]
    print(
        f"full recompute, everything            {everything * 1000:9.0f} ms (factors, worklessness, pairs)", flush=True
    )
    nightly = timed(lambda: recompute_all(compare=True, rescore=True))[0]
    print(f"the nightly run: rescore, everything   {nightly * 1000:9.0f} ms (and compared with the figures before)",
          flush=True)  # fmt: skip

    response = Response.objects.order_by("-pk").first()
    questions = list(Question.objects.filter(version__waves=response.wave_id))

    def one_more_response():
        new = Response.objects.create(
            wave_id=response.wave_id, neighbourhood_id=response.neighbourhood_id, channel="web", status="completed",
            completed_at=timezone.now(), age_band="25_44", sex="female", synthetic=True,
        )  # fmt: skip
        Answer.objects.bulk_create(Answer(response=new, question=q, score=75) for q in questions)
        t0 = time.perf_counter()
        neighbourhood_wave_refresh(wave_id=new.wave_id, neighbourhood_id=new.neighbourhood_id)
        return time.perf_counter() - t0

    incremental = [one_more_response() for _ in range(20)]
    print(f"incremental update after one response {statistics.median(incremental) * 1000:9.1f} ms median, "
          f"{max(incremental) * 1000:.1f} ms max of 20")  # fmt: skip
    Response.objects.filter(synthetic=True, age_band="25_44", sex="female", pk__gt=RESPONSES).delete()


if __name__ == "__main__":
    main()
