"""Load test of the monitoring pages: gunicorn on loopback, DEBUG off, 20 concurrent users, bounded in time.

    .venv/bin/python bench/pages.py                       # full size, 30 s of load
    .venv/bin/python bench/pages.py --lsoas 5000 --duration 15   # quicker
    .venv/bin/python bench/pages.py --cache on --think 1 --fieldwork 5   # during fieldwork

The data is the engine issue's benchmark size where pages can feel it: 33,755
LSOAs with 10 years of monthly claimant counts and yearly populations (the
league page runs the engine's improvement report over them), 300 neighbourhoods
in 10 authorities with their worklessness rollups computed by the engine,
200,000 completed survey responses (counted per neighbourhood on the pages;
answers are never read by a page) in four waves, factor-score rollups for every
neighbourhood and wave, and 150 matched pairs compared by the engine.

Factor scores are written straight into the rollup table instead of being
aggregated from 6 million answers: pages read only rollups, so the page
timings are the same, and building the answers belongs to bench/aggregate.py.

``--fieldwork R`` runs the pages during fieldwork: an open wave of the default
questionnaire in every neighbourhood, a resident submitting R complete responses
a second through the API, and a real Celery worker refreshing the engine's
figures after them, so the states behind the page cache change as they would.

Prints p50 / p95 / p99 latency and throughput, overall and per page, and sets
each page against a bare render of the same size measured in the same run,
since the machine's speed changes from one minute to the next: the same
gunicorn also answers /_bench/bare-render/<bytes> (bench/bare_wsgi.py, before
Django's handler sees the request), a trivial Django template rendered to a
body of that many bytes with no query. Bare and real phases alternate (bare,
real, bare, real with --rounds 2), hit by the same users in the same loop, each
page's bare twin sized to its body; the real phases share --duration.

The data is kept in the database (default ``rb_pages_bench``) and reused by the
next run unless ``--rebuild`` is given. Targets 127.0.0.1 only; stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8018
FACTORS = [
    "housing_environment",
    "retention",
    "work_connection",
    "outlook",
    "confidence",
    "aspiration",
    "leadership",
    "travel_to_work",
]


def setup_django(url: str) -> None:
    import psycopg

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    sys.path.insert(0, str(ROOT))
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- data ----------------------------------------------------------------------------------------------------


def build(args) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from indicators.access.models import Assignment, Role, StaffProfile
    from indicators.engine.models import FactorScore
    from indicators.engine.services.pairs import pairs_refresh
    from indicators.engine.services.worklessness import worklessness_refresh
    from indicators.official.catalogue import ensure_indicators
    from indicators.official.models import Import, Indicator, Period
    from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region, SmallArea
    from surveys.models import Survey, SurveyVersion, Wave

    rng = random.Random(6)
    ensure_indicators(Indicator)
    say("clearing old benchmark data")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE engine_factorscore, engine_worklessnesspoint, engine_paircomparison, "
            "indicators_observation, surveys_response, surveys_invitation CASCADE"
        )
    with transaction.atomic():
        MatchedPair.objects.all().delete()
        Assignment.objects.all().delete()
        Wave.objects.all().delete()
        Neighbourhood.objects.all().delete()
        Deprivation.objects.all().delete()
        SmallArea.objects.all().delete()
        LocalAuthority.objects.all().delete()
        Import.objects.all().delete()

    say(f"places: {args.lsoas:,} LSOAs, {args.neighbourhoods} neighbourhoods")
    regions = [Region.objects.get_or_create(slug=s, defaults={"name": n})[0] for s, n in
               [("greater-liverpool", "Greater Liverpool"), ("greater-leeds", "Greater Leeds"),
                ("tees-valley", "Tees Valley")]]  # fmt: skip
    authorities = LocalAuthority.objects.bulk_create(
        LocalAuthority(code=f"E08{i:06d}", name=f"Authority {i:02d}", region=regions[i % 3] if i < 10 else None)
        for i in range(40)
    )
    areas = SmallArea.objects.bulk_create(
        (
            SmallArea(code=f"E01{i:06d}", name=f"LSOA {i:05d}", kind="lsoa11", local_authority=authorities[i % 40])
            for i in range(args.lsoas)
        ),
        batch_size=5000,
    )
    ranks = list(range(1, args.lsoas + 1))
    rng.shuffle(ranks)
    Deprivation.objects.bulk_create(
        (
            Deprivation(small_area=a, edition="iod2019", rank=r, decile=min(10, 1 + (r - 1) * 10 // args.lsoas))
            for a, r in zip(areas, ranks, strict=True)
        ),
        batch_size=5000,
    )
    deprived = [a for a, r in zip(areas, ranks, strict=True) if r <= args.lsoas // 10 and a.local_authority_id in
                {la.pk for la in authorities[:10]}]  # fmt: skip
    per = max(1, min(3, len(deprived) // args.neighbourhoods))
    neighbourhoods = Neighbourhood.objects.bulk_create(
        Neighbourhood(name=f"Neighbourhood {i:03d}", local_authority=authorities[i % 10])
        for i in range(args.neighbourhoods)
    )
    by_la: dict[int, list] = {}
    for a in deprived:
        by_la.setdefault(a.local_authority_id, []).append(a)
    through = Neighbourhood.small_areas.through
    links = []
    for n in neighbourhoods:
        pool = by_la[n.local_authority_id]
        for _ in range(per):
            if pool:
                links.append(through(neighbourhood_id=n.pk, smallarea_id=pool.pop().pk))
    through.objects.bulk_create(links)
    # Pairs in the same authority: 0 with 10, 1 with 11, … 20 with 30, …: half the neighbourhoods.
    pairs = MatchedPair.objects.bulk_create(
        MatchedPair(first=neighbourhoods[k], second=neighbourhoods[k + 10], reason="Alike at baseline (benchmark).")
        for k in range(args.neighbourhoods - 10)
        if (k // 10) % 2 == 0
    )

    say(f"official figures: {args.months} months of claimants, {args.months // 12} years of population")
    claimants, population = (
        Indicator.objects.get(slug="claimant-count"),
        Indicator.objects.get(slug="working-age-population"),
    )
    months = []
    for m in range(args.months):
        start = dt.date(2016 + m // 12, 1 + m % 12, 1)
        end, label = Period.describe(Period.Kind.MONTH, start)
        months.append(Period.objects.get_or_create(kind="month", start=start, defaults={"end": end, "label": label})[0])
    years = []
    for y in range(2016, 2016 + max(1, args.months // 12)):
        start = dt.date(y, 1, 1)
        end, label = Period.describe(Period.Kind.YEAR, start)
        years.append(Period.objects.get_or_create(kind="year", start=start, defaults={"end": end, "label": label})[0])
    imports = {
        ind.pk: Import.objects.create(
            indicator=ind, format="generated", source="bench/pages.py", file_name="bench.csv", status="succeeded",
            finished_at=timezone.now(),
        )
        for ind in (claimants, population)
    }  # fmt: skip
    base = {a.pk: rng.uniform(2, 20) for a in areas}
    trend = {a.pk: rng.uniform(-0.03, 0.01) for a in areas}
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY indicators_observation (indicator_id, period_id, small_area_id, value, status, status_code, "
            "source_import_id) FROM STDIN"
        ) as copy,
    ):
        for p in years:
            for a in areas:
                copy.write_row((population.pk, p.pk, a.pk, 1500, "normal", "", imports[population.pk].pk))
        for i, p in enumerate(months):
            for a in areas:
                value = max(0, round(15 * (base[a.pk] + trend[a.pk] * i) / 5) * 5)
                copy.write_row((claimants.pk, p.pk, a.pk, value, "normal", "", imports[claimants.pk].pk))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE indicators_observation")
    say("engine: worklessness rollups")
    t0 = time.perf_counter()
    worklessness_refresh(indicator_id=Indicator.objects.get(slug="worklessness").pk)
    say(f"  done in {time.perf_counter() - t0:.1f} s")

    say(f"survey: {args.responses:,} responses in 4 waves, factor rollups")
    survey = Survey.objects.create(slug="bench", name="Benchmark survey")
    version = SurveyVersion.objects.create(survey=survey, number=1)
    waves = []
    for w in range(4):
        wave = Wave.objects.create(
            survey_version=version,
            name=f"Wave {w + 1}",
            slug=f"bench-{w + 1}",
            opens_on=dt.date(2023 + w, 3, 1),
            closes_on=dt.date(2023 + w, 5, 1),
        )
        wave.neighbourhoods.set(neighbourhoods)
        waves.append(wave)
    now = timezone.now()
    with (
        connection.cursor() as cursor,
        cursor.copy(
            "COPY surveys_response (wave_id, neighbourhood_id, channel, status, language, age_band, sex, synthetic, "
            "started_at, completed_at) FROM STDIN"
        ) as copy,
    ):
        for i in range(args.responses):
            copy.write_row((waves[i % 4].pk, neighbourhoods[(i // 4) % len(neighbourhoods)].pk, "web", "completed",
                            "en", "", "", True, now, now))  # fmt: skip
    scores = []
    n_per_wave = args.responses // (4 * len(neighbourhoods))
    for w_index, wave in enumerate(waves):
        for n in neighbourhoods:
            for f in FACTORS:
                if rng.random() < 0.05:
                    scores.append(FactorScore(level="neighbourhood", wave=wave, neighbourhood=n, factor=f,
                                              responses=7, withheld=True, withheld_reason="Fewer than 10 responses",
                                              computed_at=now))  # fmt: skip
                    continue
                mean = rng.uniform(35, 70)
                se = rng.uniform(1.5, 4)
                change = rng.uniform(-6, 6) if w_index else None
                scores.append(FactorScore(
                    level="neighbourhood", wave=wave, neighbourhood=n, factor=f, responses=n_per_wave, mean=mean,
                    ci_low=mean - 1.96 * se, ci_high=mean + 1.96 * se, favourable_share=rng.uniform(20, 70),
                    standard_error=se, previous_wave=waves[w_index - 1] if w_index else None, change=change,
                    change_p_value=rng.random() if w_index else None,
                    trend=rng.choice(["better", "worse", "no_clear_change"]) if w_index else "", computed_at=now,
                ))  # fmt: skip
        for f in FACTORS:
            scores.append(FactorScore(level="wave", wave=wave, factor=f, responses=args.responses // 4, mean=50,
                                      ci_low=49, ci_high=51, standard_error=0.5, computed_at=now))  # fmt: skip
            for la in authorities[:10]:
                scores.append(FactorScore(level="local_authority", wave=wave, local_authority=la, factor=f,
                                          responses=args.responses // 40, mean=50, ci_low=48, ci_high=52,
                                          standard_error=1, computed_at=now))  # fmt: skip
    FactorScore.objects.bulk_create(scores, batch_size=5000)
    say("engine: matched pairs")
    pairs_refresh(pair_ids=[p.pk for p in pairs])

    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for username, role, las, hoods in [
        ("bench.admin", Role.ADMIN, [], []),
        ("bench.officer", Role.OFFICER, [authorities[0]], []),
        ("bench.manager", Role.ESTATE_MANAGER, [], neighbourhoods[1:4]),
    ]:
        user, _ = user_model.objects.get_or_create(username=username)
        user.is_superuser = user.is_staff = role == Role.ADMIN
        user.set_unusable_password()
        user.save()
        StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
        for la in las:
            Assignment.objects.create(user=user, local_authority=la)
        for n in hoods:
            Assignment.objects.create(user=user, neighbourhood=n)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    say("data ready")


def data_ready(args) -> bool:
    from indicators.engine.models import PairComparison
    from indicators.places.models import Neighbourhood, SmallArea

    return (
        Neighbourhood.objects.count() == args.neighbourhoods
        and SmallArea.objects.count() == args.lsoas
        and PairComparison.objects.exists()
    )


# --- fieldwork ---------------------------------------------------------------------------------------------

FIELDWORK_WAVE = "Fieldwork (benchmark)"


def fieldwork_codes(count: int) -> list[str]:
    """A new open wave of the default questionnaire in every neighbourhood, with ``count`` codes."""
    from bench.survey_load import open_wave
    from indicators.places.models import Neighbourhood
    from surveys.models import Response, Wave
    from surveys.services.default_questionnaire import default_questionnaire_load

    last = Wave.objects.filter(name=FIELDWORK_WAVE)
    Response.objects.filter(wave__in=last).delete()  # the last run's, with their answers and scores
    last.delete()  # and its codes and figures
    version = default_questionnaire_load()
    _wave, codes = open_wave(version, list(Neighbourhood.objects.order_by("pk")), count, name=FIELDWORK_WAVE)
    random.Random(7).shuffle(codes)  # residents of every neighbourhood, in no order
    return codes


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [str(ROOT / ".venv/bin/celery"), "--quiet", "-A", "config", "worker", "--concurrency", "1",
         "--loglevel", os.environ.get("BENCH_WORKER_LOG", "warning"), "--without-gossip", "--without-mingle",
         "--without-heartbeat"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def resident(codes: list[str], rate: float, stop_at: float, sent: list[int]) -> None:
    """Submit complete responses at ``rate`` a second over one kept-alive connection until ``stop_at``."""
    from bench.survey_load import ANSWERS, post_response

    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    began = time.perf_counter()
    for n, code in enumerate(codes):
        due = began + n / rate
        if due >= stop_at:
            break
        time.sleep(max(0.0, due - time.perf_counter()))
        status = post_response(conn, code, ANSWERS)
        sent.append(status)
        if status == 0:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)


# --- load ----------------------------------------------------------------------------------------------------

_application = None


def application(environ, start_response):
    """The site's WSGI app for gunicorn, with the page cache switched off when BENCH_PAGE_CACHE=off,
    and the bare render the pages are measured against."""
    global _application
    from bench.bare_wsgi import BARE_RENDER_PREFIX, bare_render

    if environ.get("PATH_INFO", "").startswith(BARE_RENDER_PREFIX):
        return bare_render(environ, start_response)
    if _application is None:
        from django.conf import settings
        from django.core.wsgi import get_wsgi_application

        _application = get_wsgi_application()
        if os.environ.get("BENCH_PAGE_CACHE") == "off":
            settings.REBALANCE_PAGE_CACHE_SECONDS = 0
    return _application(environ, start_response)


def sessions_and_urls() -> list[tuple[str, str, str]]:
    """(user, page, url) targets, with a logged-in session cookie per user."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from indicators.monitoring.selectors.league import league_choices
    from indicators.places import selectors

    targets = []
    for username in ("bench.officer", "bench.manager", "bench.admin"):
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        hoods = list(selectors.neighbourhood_list(user=user).values_list("pk", flat=True))[:10]
        pairs = list(selectors.matched_pair_list(user=user).values_list("pk", flat=True))[:5]
        choices = league_choices(user=user)
        targets.append((cookie, "my neighbourhoods", reverse("indicators:my-neighbourhoods")))
        for pk in hoods:
            targets.append((cookie, "a neighbourhood", reverse("indicators:neighbourhood-detail", args=[pk])))
        for pk in pairs:
            targets.append((cookie, "a matched pair", reverse("indicators:matched-pair-detail", args=[pk])))
        area = next((a for a, _ in choices.areas if a.startswith("la:")), None)
        if area:
            targets.append((cookie, "an area's league", reverse("indicators:league") + f"?area={area}"))
    return targets


def hit(url: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("GET", url, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        status = response.status
    finally:
        conn.close()
    return status, time.perf_counter() - started


def body_size(url: str, cookie: str) -> int:
    """The bytes of a page's body, as the load's users get it."""
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        conn.request("GET", url, headers={"Cookie": cookie})
        return len(conn.getresponse().read())
    finally:
        conn.close()


def load(
    targets, *, users: int, duration: float, warmup: float, think: float, fieldwork: float = 0, codes=()
) -> tuple[dict[str, list[float]], list[str], list[int], float]:
    """Each page's latencies over ``duration`` after ``warmup``; the errors, the fieldwork's statuses and the
    seconds the fieldwork ran."""
    pages = sorted({page for _, page, _ in targets})
    by_page = {page: [t for t in targets if t[1] == page] for page in pages}
    results: dict[str, list[float]] = {page: [] for page in pages}
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration

    def user_loop(seed: int) -> None:
        rng = random.Random(seed)
        while (now := time.perf_counter()) < stop_at:
            page = pages[rng.randrange(len(pages))]  # every page equally often
            cookie, _, url = rng.choice(by_page[page])
            try:
                status, elapsed = hit(url, cookie)
            except OSError as exc:
                with lock:
                    errors.append(f"{url}: {exc}")
                continue
            if now >= measure_from:
                with lock:
                    if status != 200:
                        errors.append(f"{url}: HTTP {status}")
                    results[page].append(elapsed)
            if think:
                time.sleep(rng.uniform(0, 2 * think))  # a person reading the page

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(users)]
    sent: list[int] = []
    if fieldwork:
        threads.append(threading.Thread(target=resident, args=(list(codes), fieldwork, stop_at, sent)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors, sent, stop_at - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(results: dict[str, list[float]], duration: float, users: int, think: float) -> None:
    every = [v for vs in results.values() for v in vs]
    print()
    pause = f"{think:g} s mean think time" if think else "no think time"
    print(f"{users} concurrent users, {pause}, for {duration:.0f} s against gunicorn on 127.0.0.1:{PORT} (DEBUG off)")
    print(f"{'page':<20} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for page, values in [*list(results.items()), ("all pages", every)]:
        if not values:
            continue
        print(
            f"{page:<20} {len(values):>9} {1000 * statistics.median(values):>8.1f} "
            f"{1000 * percentile(values, 95):>8.1f} {1000 * percentile(values, 99):>8.1f}"
        )
    print(f"throughput: {len(every) / duration:.1f} requests/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/rb_pages_bench")
    parser.add_argument("--lsoas", type=int, default=33_755)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--neighbourhoods", type=int, default=300)
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument(
        "--think", type=float, default=0, help="mean seconds a user reads a page before the next (0: none)"
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    parser.add_argument(
        "--fieldwork", type=float, default=0, help="complete responses a second submitted meanwhile (0: none)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="bare and real phases taken alternately this many times")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--cache", choices=["on", "off", "both"], default="both", help="the page cache")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5", help="the page cache's Redis database")
    args = parser.parse_args()
    args.duration = min(args.duration, 300)  # bounded, whatever is asked
    args.rounds = max(1, min(args.rounds, 10))

    setup_django(args.database)
    if args.rebuild or not data_ready(args):
        build(args)
    else:
        say("reusing the data already in the database (--rebuild to make it again)")
    targets = sessions_and_urls()

    modes = ["on", "off"] if args.cache == "both" else [args.cache]
    for mode in modes:
        run(args, targets, mode)


def run(args, targets, mode: str) -> None:
    """One gunicorn with the page cache ``mode``: bare and real phases in turn, then their figures."""
    from bench.bare_wsgi import bare_render_path

    env = {**os.environ, "DJANGO_DEBUG": "false", "DATABASE_URL": args.database, "BENCH_PAGE_CACHE": mode}
    # The page cache is shared by the workers through Redis, as in production; sessions live in the database.
    env["REDIS_URL"] = args.redis
    env["SURVEY_API_SUBMIT_RATE"] = "100000000/60"  # one client address sends every response
    codes: list[str] = []
    phase_seconds = args.duration / args.rounds
    # The residents submit through every phase, bare ones too, so both are measured under the same load.
    per_phase = int(args.fieldwork * (args.warmup + phase_seconds)) + 10
    if args.fieldwork:
        codes = fieldwork_codes(2 * args.rounds * per_phase)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "bench.pages:application", "-b", f"127.0.0.1:{PORT}",
         "-w", str(args.workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                if hit("/healthz", "")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit("gunicorn did not start")
        if mode == "on":
            import redis

            redis.Redis.from_url(args.redis).flushdb()
            started = time.perf_counter()
            for cookie, _, url in targets:  # each page rendered once, then served from the cache
                hit(url, cookie)
            say(f"page cache filled with {len(targets)} pages in {time.perf_counter() - started:.1f} s")
        # Measured as this mode serves them, after the fill: a page cached is a page as the load will get it.
        # By user as well as address: the same address shows each user their own page.
        sizes = {(cookie, url): body_size(url, cookie) for cookie, _, url in targets}
        # Each page's bare twin: the same user, cookie and page name, a body of the same bytes.
        bare_targets = [(cookie, page, bare_render_path(sizes[cookie, url])) for cookie, page, url in targets]
        say(f"page cache {mode}: gunicorn with {args.workers} workers on {os.cpu_count()} CPUs; {args.users} users, "
            f"{args.rounds} rounds of a bare phase then a real one, each {args.warmup:.0f} s warm-up then "
            f"{phase_seconds:.0f} s measured ({args.duration:.0f} s of each kind in all)")  # fmt: skip
        worker = start_worker(env) if args.fieldwork else None
        phases = []
        try:
            for r in range(2 * args.rounds):
                kind = ("bare", "real")[r % 2]
                results, errors, sent, span = load(
                    bare_targets if kind == "bare" else targets, users=args.users, duration=phase_seconds,
                    warmup=args.warmup, think=args.think, fieldwork=args.fieldwork,
                    codes=codes[r * per_phase : (r + 1) * per_phase],
                )  # fmt: skip
                phases.append((kind, results, errors, sent, span))
        finally:
            if worker is not None:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
        real, bare = merged_phases(phases, "real"), merged_phases(phases, "bare")
        for kind, (_, errors, _, _) in (("real", real), ("bare", bare)):
            if errors:
                print(f"{len(errors)} errors in the {kind} phases, e.g. {errors[:3]}")
        if args.fieldwork:
            sent = real[2] + bare[2]
            stored = sum(1 for status in sent if status == 201)
            rate = len(sent) / (real[3] + bare[3])
            print(f"fieldwork: {len(sent)} responses sent ({rate:.1f}/s), {stored} stored")
        print(f"\npage cache {mode}:", end="")
        report(real[0], args.duration, args.users, args.think)
        report_against_bare(real[0], bare[0], targets, sizes, args.duration)
        for n, (b, p) in enumerate(zip(phases[::2], phases[1::2], strict=True), start=1):
            b_all = [v for vs in b[1].values() for v in vs]
            p_all = [v for vs in p[1].values() for v in vs]
            if b_all and p_all:
                print(
                    f"round {n}: all pages p50 {1000 * statistics.median(p_all):.1f} ms = "
                    f"{statistics.median(p_all) / statistics.median(b_all):.1f} × the bare renders' "
                    f"{1000 * statistics.median(b_all):.1f} ms"
                )
        if args.fieldwork:
            fieldwork_report()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def merged_phases(phases, kind: str) -> tuple[dict[str, list[float]], list[str], list[int], float]:
    """The phases of one kind as one: each page's latencies, the errors, the fieldwork's statuses, the seconds."""
    results: dict[str, list[float]] = {}
    errors: list[str] = []
    sent: list[int] = []
    span = 0.0
    for phase_kind, phase_results, phase_errors, phase_sent, phase_span in phases:
        if phase_kind != kind:
            continue
        for page, values in phase_results.items():
            results.setdefault(page, []).extend(values)
        errors += phase_errors
        sent += phase_sent
        span += phase_span
    return results, errors, sent, span


def report_against_bare(
    results: dict[str, list[float]],
    bare: dict[str, list[float]],
    targets,
    sizes: dict[tuple[str, str], int],
    duration: float,
) -> None:
    """Each page's p50 and p95 beside those of its bare render of the same size, and their ratios."""
    every = [v for vs in results.values() for v in vs]
    bare_every = [v for vs in bare.values() for v in vs]
    page_bytes = {
        page: int(statistics.median(sizes[cookie, url] for cookie, p, url in targets if p == page)) for page in results
    }
    print(
        "against a bare render of the same size (a trivial Django template, no query; same gunicorn and users; "
        f"{len(bare_every)} requests, {len(bare_every) / duration:.1f} requests/s; bytes: the page's median body):"
    )
    print(
        f"{'page':<20} {'bytes':>8} {'p50 ms':>8} {'p95 ms':>8} {'bare p50':>9} {'bare p95':>9} "
        f"{'p50 ×':>7} {'p95 ×':>7}"
    )
    for page, values, bare_values in [
        *[(page, values, bare.get(page, [])) for page, values in results.items()],
        ("all pages", every, bare_every),
    ]:
        if not values or not bare_values:
            continue
        p50, p95 = statistics.median(values), percentile(values, 95)
        b50, b95 = statistics.median(bare_values), percentile(bare_values, 95)
        size = f"{page_bytes[page]:,}" if page in page_bytes else ""
        print(
            f"{page:<20} {size:>8} {1000 * p50:>8.1f} {1000 * p95:>8.1f} {1000 * b50:>9.1f} {1000 * b95:>9.1f} "
            f"{p50 / b50:>7.1f} {p95 / b95:>7.1f}"
        )


def fieldwork_report() -> None:
    """What the engine made of the responses meanwhile: figures written for the fieldwork wave."""
    from indicators.engine.models import FactorScore
    from surveys.models import Response

    responses = Response.objects.filter(wave__name=FIELDWORK_WAVE, status="completed").count()
    figures = FactorScore.objects.filter(wave__name=FIELDWORK_WAVE)
    places = figures.filter(level="neighbourhood").values("neighbourhood_id").distinct().count()
    print(f"fieldwork: {responses} completed responses stored; factor figures refreshed for {places} neighbourhoods")


if __name__ == "__main__":
    main()
