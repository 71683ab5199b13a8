"""A generated national world for bench/national.py, built in SQL for volume.

England's shape: 33,755 LSOAs (2011 codes E01000001…) in 300 local authorities of nine regions, each LSOA
a small square outline on a grid (so the maps draw), an IoD2019 rank and decile; 3,000 neighbourhoods,
ten per authority, each three of its authority's most deprived LSOAs; 1,500 matched pairs; ten years of
monthly claimant counts (the last month left out, for the benchmark to import) and yearly working-age
populations; the default questionnaire (loaded by its service), four waves (made by the wave service) in
every neighbourhood, and 1,000,000 completed responses, each with an answer to the 30 questions with options
that every resident is asked (26 of them scored): 30,000,000 answers. Only the questionnaire and the waves
go through the project's services; every bulk row is one INSERT … SELECT over generate_series.

The figures are synthetic and deterministic (hashes of ids, no random state).
"""

from __future__ import annotations

import datetime as dt
import time

LSOAS = 33_755
AUTHORITIES = 300
PER_AUTHORITY = 10  # neighbourhoods
AREAS_PER_NEIGHBOURHOOD = 3
RESPONSES = 1_000_000
WAVE_YEARS = (2021, 2022, 2023, 2024)
FIRST_MONTH = dt.date(2015, 1, 1)
MONTHS = 120  # the last is imported by the benchmark
REGIONS = ["North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
           "East of England", "London", "South East", "South West"]  # fmt: skip
SQUARE = 0.03  # degrees: an LSOA's side on the grid


def month(i: int) -> dt.date:
    return dt.date(FIRST_MONTH.year + i // 12, 1 + i % 12, 1)


class BulkLoad:
    """Secondary indexes of the tables about to be filled, dropped first and built once afterwards (much
    faster than maintaining them row by row); the primary keys stay."""

    def __init__(self, cursor, tables: list[str]) -> None:
        self.cursor, self.tables, self.restore = cursor, tables, []

    def __enter__(self):
        c = self.cursor
        for table in self.tables:
            c.execute(
                """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = %s::regclass AND contype = 'u'""",
                [table],
            )
            for name, definition in c.fetchall():
                c.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                self.restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            c.execute(
                """SELECT i.indexname, i.indexdef FROM pg_indexes i
                   WHERE i.tablename = %s AND i.indexname NOT IN (
                       SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)""",
                [table, table],
            )
            for name, definition in c.fetchall():
                c.execute(f'DROP INDEX "{name}"')
                self.restore.append(definition)
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            for statement in self.restore:
                self.cursor.execute(statement)


def generate(say) -> float:
    """Fill the (freshly migrated, empty) database; returns the seconds it took."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from indicators.access.models import Assignment, Role, StaffProfile
    from indicators.official.models import Import, Indicator, Period
    from indicators.places.models import LocalAuthority, Neighbourhood, Region
    from surveys.services.default_questionnaire import default_questionnaire_load
    from surveys.services.waves import wave_create

    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        # Every row below is consistent by construction: the deferred foreign-key checks (one per row at
        # commit) and the answers' reference trigger would only double the time it takes to make them.
        c.execute("SET LOCAL session_replication_role = replica")
        Region.objects.bulk_create(Region(name=n, slug=n.lower().replace(" ", "-")) for n in REGIONS)
        c.execute(
            """INSERT INTO indicators_localauthority (code, name, region_id)
               SELECT 'E08' || lpad(g::text, 6, '0'), 'Authority ' || lpad(g::text, 3, '0'),
                      (SELECT min(id) FROM indicators_region) + g %% 9
               FROM generate_series(1, %s) g""",
            [AUTHORITIES],
        )
        # LSOA g lies in authority (g-1) mod 300, at place (g-1) div 300 of an 11-wide grid in that authority's
        # 0.4° block; its outline is the grid square, 16 points round (about a real simplified LSOA's size).
        c.execute(
            """WITH placed AS (
                 SELECT g, la.id AS la_id,
                        -5.5 + ((g - 1) %% 300 %% 20) * 0.4 + ((g - 1) / 300 %% 11) * %(d)s AS x0,
                        50.2 + ((g - 1) %% 300 / 20) * 0.4 + ((g - 1) / 300 / 11) * %(d)s AS y0
                 FROM generate_series(1, %(n)s) g
                 JOIN indicators_localauthority la ON la.code = 'E08' || lpad((1 + (g - 1) %% 300)::text, 6, '0'))
               INSERT INTO indicators_smallarea (code, name, kind, local_authority_id, latitude, longitude, boundary)
               SELECT 'E01' || lpad(g::text, 6, '0'), 'Generated ' || lpad(g::text, 5, '0'), 'lsoa11', la_id,
                      round(y0 + %(d)s / 2, 5), round(x0 + %(d)s / 2, 5),
                      jsonb_build_object('type', 'Polygon', 'coordinates', jsonb_build_array((
                        SELECT jsonb_agg(jsonb_build_array(round(px, 5), round(py, 5)) ORDER BY k)
                        FROM (SELECT k,
                                CASE (k %% 16) / 4 WHEN 0 THEN x0 + (k %% 4) * %(d)s / 4 WHEN 1 THEN x0 + %(d)s
                                     WHEN 2 THEN x0 + %(d)s - (k %% 4) * %(d)s / 4 ELSE x0 END AS px,
                                CASE (k %% 16) / 4 WHEN 0 THEN y0 WHEN 1 THEN y0 + (k %% 4) * %(d)s / 4
                                     WHEN 2 THEN y0 + %(d)s ELSE y0 + %(d)s - (k %% 4) * %(d)s / 4 END AS py
                              FROM generate_series(0, 16) k) ring)))
               FROM placed""",
            {"n": LSOAS, "d": SQUARE},
        )
        c.execute(
            """INSERT INTO indicators_deprivation (small_area_id, edition, rank, decile)
               SELECT id, 'iod2019', r, 1 + (r - 1) * 10 / %s
               FROM (SELECT id, row_number() OVER (ORDER BY md5(code)) AS r FROM indicators_smallarea) ranked""",
            [LSOAS],
        )
        c.execute(
            """INSERT INTO indicators_neighbourhood (name, known_as, description, created_at, local_authority_id)
               SELECT la.name || ' ' || lpad(k::text, 3, '0'), 'Place ' || la.id || '-' || k, '', now(), la.id
               FROM indicators_localauthority la CROSS JOIN generate_series(1, %s) k ORDER BY la.id, k""",
            [PER_AUTHORITY],
        )
        c.execute(
            """WITH ranked AS (
                 SELECT sa.id, sa.local_authority_id AS la,
                        row_number() OVER (PARTITION BY sa.local_authority_id ORDER BY d.rank) - 1 AS pos
                 FROM indicators_smallarea sa JOIN indicators_deprivation d ON d.small_area_id = sa.id),
               hoods AS (
                 SELECT id, local_authority_id AS la,
                        row_number() OVER (PARTITION BY local_authority_id ORDER BY id) - 1 AS k
                 FROM indicators_neighbourhood)
               INSERT INTO indicators_neighbourhood_small_areas (neighbourhood_id, smallarea_id)
               SELECT h.id, r.id FROM ranked r JOIN hoods h ON h.la = r.la AND h.k = r.pos / %s""",
            [AREAS_PER_NEIGHBOURHOOD],
        )
        c.execute(
            """WITH h AS (SELECT id, local_authority_id AS la,
                                 row_number() OVER (PARTITION BY local_authority_id ORDER BY id) - 1 AS k
                          FROM indicators_neighbourhood)
               INSERT INTO indicators_matchedpair (first_id, second_id, reason, created_at)
               SELECT a.id, b.id, 'Alike in size and deprivation at baseline (generated).', now()
               FROM h a JOIN h b ON b.la = a.la AND b.k = a.k + 1 WHERE a.k %% 2 = 0""",
            [],
        )
        say(f"  places in {time.perf_counter() - began:.0f} s")

        months = [
            Period(kind="month", start=month(i), end=Period.describe("month", month(i))[0],
                   label=Period.describe("month", month(i))[1])
            for i in range(MONTHS)
        ]  # fmt: skip
        years = [
            Period(kind="year", start=dt.date(y, 1, 1), end=Period.describe("year", dt.date(y, 1, 1))[0],
                   label=Period.describe("year", dt.date(y, 1, 1))[1])
            for y in range(FIRST_MONTH.year, FIRST_MONTH.year + MONTHS // 12)
        ]  # fmt: skip
        Period.objects.bulk_create(months + years)
        claimants = Indicator.objects.get(slug="claimant-count")
        population = Indicator.objects.get(slug="working-age-population")
        imports = {
            ind.slug: Import.objects.create(
                indicator=ind, format="generated", source="bench/national.py", file_name="generated",
                status="succeeded", finished_at=timezone.now(),
            )
            for ind in (claimants, population)
        }  # fmt: skip
        with BulkLoad(c, ["indicators_observation"]):
            # Population 900-1,799 a small area, a little higher each year.
            c.execute(
                """INSERT INTO indicators_observation (indicator_id, period_id, small_area_id, value, status,
                                                       status_code, source_import_id)
                   SELECT %s, p.id, sa.id, 900 + (sa.id * 37) %% 900 + 5 * extract(year from p.start)::int - 10075,
                          'normal', 'A', %s
                   FROM indicators_period p CROSS JOIN indicators_smallarea sa WHERE p.kind = 'year'""",
                [population.pk, imports["working-age-population"].pk],
            )
            # Claimants: a rate by decile (13% in the most deprived, 2% in the least), drifting by up to
            # ±0.3 points a year by area, with a seasonal wobble; rounded to 5 as Nomis does. The last month
            # is left for the benchmark's import.
            c.execute(
                """INSERT INTO indicators_observation (indicator_id, period_id, small_area_id, value, status,
                                                       status_code, source_import_id)
                   SELECT %s, p.id, sa.id, 5 * round(
                            (900 + (sa.id * 37) %% 900) * greatest(0.005,
                              0.02 + 0.012 * (10 - d.decile)
                              + ((sa.id * 7919) %% 7 - 4) * 0.0005 * (extract(year from p.start) - 2015)
                              + 0.004 * sin(extract(month from p.start)::float * 0.52)) / 5),
                          'normal', 'A', %s
                   FROM indicators_period p CROSS JOIN indicators_smallarea sa
                   JOIN indicators_deprivation d ON d.small_area_id = sa.id
                   WHERE p.kind = 'month' AND p.start < %s""",
                [claimants.pk, imports["claimant-count"].pk, month(MONTHS - 1)],
            )
        say(f"  official figures in {time.perf_counter() - began:.0f} s")

        version = default_questionnaire_load()
        hoods = list(Neighbourhood.objects.order_by("pk"))
        for y in WAVE_YEARS:
            wave_create(survey_version=version, name=f"Spring {y}", neighbourhoods=hoods,
                        opens_on=dt.date(y, 3, 1), closes_on=dt.date(y, 4, 30), synthetic=True)  # fmt: skip
        with BulkLoad(c, ["surveys_response"]):
            c.execute(
                """WITH w AS (SELECT array_agg(id ORDER BY opens_on) AS ids, array_agg(opens_on ORDER BY opens_on)
                              AS opens FROM surveys_wave),
                        n AS (SELECT array_agg(id ORDER BY id) AS ids FROM indicators_neighbourhood)
                   INSERT INTO surveys_response (wave_id, neighbourhood_id, channel, status, language, age_band,
                                                 sex, synthetic, started_at, completed_at)
                   SELECT w.ids[1 + g %% 4], n.ids[1 + (g / 4) %% cardinality(n.ids)],
                          (ARRAY['web','web','web','paper','open_link'])[1 + g %% 5], 'completed', 'en',
                          (ARRAY['16_24','25_34','35_44','45_54','55_64','65_74','75_plus'])[1 + (g / 3) %% 7],
                          (ARRAY['female','male'])[1 + (g / 7) %% 2], true, t, t
                   FROM w, n, generate_series(0, %s - 1) g,
                        LATERAL (SELECT (w.opens[1 + g %% 4] + (g %% 50)) + time '12:00' AS t) stamp""",
                [RESPONSES],
            )
        say(f"  {RESPONSES:,} responses in {time.perf_counter() - began:.0f} s")
        # An answer to each question with options that every resident is asked (26 scored, then age, sex,
        # employment and tenure; age and sex as on the response); the option by a hash of the response and
        # question, nudged by neighbourhood and wave, so places and waves differ. In response order, as
        # answers arrive from the site (the heap's order matters to the engine's reads); sorted in memory.
        c.execute("SET LOCAL work_mem = '2GB'")
        c.execute("SET LOCAL maintenance_work_mem = '1GB'")
        with BulkLoad(c, ["surveys_answer"]):
            c.execute(
                """WITH q AS (
                     SELECT q.id, q.key, array_agg(o.id ORDER BY o.position) AS opts,
                            array_agg(o.score ORDER BY o.position) AS scores,
                            array_agg(o.code::text ORDER BY o.position) AS codes
                     FROM surveys_question q JOIN surveys_option o ON o.question_id = q.id
                     WHERE q.version_id = %s AND q.scored AND q.show_if_question_id IS NULL
                     GROUP BY q.id)
                   INSERT INTO surveys_answer (response_id, question_id, option_id, score, choices, text)
                   SELECT r.id, q.id, q.opts[k], q.scores[k], '[]', ''
                   FROM surveys_response r CROSS JOIN q,
                        LATERAL (SELECT CASE q.key
                          WHEN 'age_band' THEN array_position(q.codes, r.age_band::text)
                          WHEN 'sex' THEN array_position(q.codes, r.sex::text)
                          ELSE 1 + ((r.id * 40503 + q.id * 977 + (r.neighbourhood_id %% 7) * (r.id %% 3)
                                     * (r.wave_id %% 4)) %% cardinality(q.opts))::int END AS k) pick
                   ORDER BY r.id, q.id""",
                [version.pk],
            )
        say(f"  answers in {time.perf_counter() - began:.0f} s")

        user_model = get_user_model()
        officer_la = LocalAuthority.objects.order_by("code").first()
        for username, role in (("national.admin", Role.ADMIN), ("national.officer", Role.OFFICER)):
            user = user_model.objects.create(username=username, is_staff=role == Role.ADMIN,
                                             is_superuser=role == Role.ADMIN)  # fmt: skip
            StaffProfile.objects.create(user=user, role=role)
            if role == Role.OFFICER:
                Assignment.objects.create(user=user, local_authority=officer_la)
        staff(say)
    with connection.cursor() as c:
        c.execute("ANALYZE")
    score_residents(say)
    return time.perf_counter() - began


OFFICERS_PER_AUTHORITY = 2
ESTATE_MANAGERS = 1_000  # three neighbourhoods each


def staff(say) -> None:
    """The people the weekly digest goes to: two officers per authority and 1,000 estate managers with three
    neighbourhoods each, all with an e-mail address and the default choices (the digest on). Made once."""
    from django.contrib.auth import get_user_model

    from indicators.access.models import Assignment, Role, StaffProfile
    from indicators.places.models import LocalAuthority, Neighbourhood

    user_model = get_user_model()
    if user_model.objects.filter(username__startswith="national.manager.").exists():
        return
    began = time.perf_counter()
    authorities = list(LocalAuthority.objects.order_by("code").values_list("pk", flat=True))
    hoods = list(Neighbourhood.objects.order_by("pk").values_list("pk", flat=True))
    people = [(f"national.officer.{a}.{k}", Role.OFFICER) for a in authorities for k in range(OFFICERS_PER_AUTHORITY)]
    people += [(f"national.manager.{m}", Role.ESTATE_MANAGER) for m in range(ESTATE_MANAGERS)]
    users = user_model.objects.bulk_create(user_model(username=name, email=f"{name}@example.org") for name, _ in people)
    roles = [(u, role) for u, (_, role) in zip(users, people, strict=True)]
    StaffProfile.objects.bulk_create(StaffProfile(user=u, role=role) for u, role in roles)
    officers = [u for u, role in roles if role == Role.OFFICER]
    managers = [u for u, role in roles if role == Role.ESTATE_MANAGER]
    places = [Assignment(user=u, local_authority_id=authorities[i // OFFICERS_PER_AUTHORITY])
              for i, u in enumerate(officers)]  # fmt: skip
    places += [Assignment(user=u, neighbourhood_id=hoods[(3 * m + k) % len(hoods)])
               for m, u in enumerate(managers) for k in range(3)]  # fmt: skip
    Assignment.objects.bulk_create(places)
    say(f"  {len(officers):,} officers and {len(managers):,} estate managers in {time.perf_counter() - began:.0f} s")


def score_residents(say) -> None:
    """Each response is scored as it completes; the generated ones all at once, by the engine's set-based
    rescore. Its 8M new rows' deferred foreign-key checks would take longer at commit than the scoring."""
    from django.db import connection, transaction

    from indicators.engine.services.factors import residents_score

    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL session_replication_role = replica")
        c.execute("SET LOCAL work_mem = '1GB'")
        written = residents_score(rescore=True)
    say(f"  {written:,} residents' scores in {time.perf_counter() - began:.0f} s")


def counts() -> dict[str, int]:
    from django.db import connection

    tables = {
        "local authorities": "indicators_localauthority", "LSOAs": "indicators_smallarea",
        "neighbourhoods": "indicators_neighbourhood", "matched pairs": "indicators_matchedpair",
        "observations": "indicators_observation", "waves": "surveys_wave", "responses": "surveys_response",
        "answers": "surveys_answer", "residents' scores": "engine_residentscore",
    }  # fmt: skip
    with connection.cursor() as c:
        found = {}
        for label, table in tables.items():
            c.execute(f"SELECT count(*) FROM {table}")
            found[label] = c.fetchone()[0]
    return found
