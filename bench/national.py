"""Capacity benchmark at national scale: England's 33,755 LSOAs, 300 authorities, 3,000 neighbourhoods and
1,000,000 survey responses, every figure beside a bare baseline measured in the same run.

    make bench-national           # or: .venv/bin/python bench/national.py [--reuse] [--skip-digest] [--skip-load]

1. Generates the world in SQL (bench/national_world.py) into its own database, dropped and made again
   (NATIONAL_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/rb_national; never DATABASE_URL, so a
   deployment's database is never the one dropped), and prints how long that took.
2. The engine: scoring every resident and the full recompute, the nightly run, against bare GROUP BYs over
   the same answers; the incremental update after one response, against a bare GROUP BY of that
   neighbourhood and wave's answers; and after one import of a month for every LSOA through the real Nomis
   importer, against a bare COPY of the same file.
3. A fresh render (page cache off and emptied) of each monitoring page as an officer (one authority, ten
   neighbourhoods) and as an admin (everything), against a bare template render of the same size; the maps
   against a bare read of the same outlines.
4. The weekly digest for every officer and estate manager (1,600), against a bare per-person e-mail.
5. Submissions through the real API with the Celery queues split (bench/national_load.py): gunicorn on
   loopback and a worker per queue, against the bare INSERT endpoint.

Redis: NATIONAL_REDIS_URL (default redis://127.0.0.1:6379/5), flushed as the run goes. On demand, never in CI.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rb_national"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def line(label: str, seconds: float, base: float | None = None, base_label: str = "") -> None:
    ratio = f"  = {seconds / base:6.2f} × {base_label} ({base * 1000:,.1f} ms)" if base else ""
    print(f"  {label:<58} {seconds * 1000:11,.1f} ms{ratio}", flush=True)


def timed(fn, repeat: int = 1) -> float:
    """The median seconds of ``repeat`` runs."""
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - began)
    return statistics.median(runs)


def setup(url: str, *, fresh: bool) -> None:
    import psycopg

    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = os.environ.get("NATIONAL_REDIS_URL", DEFAULT_REDIS)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    # Codes are made here and sent to gunicorn: both hash them with this key.
    os.environ["SURVEY_CODE_HASH_KEY"] = secrets.token_urlsafe(32)
    sys.path.insert(0, str(ROOT))
    base, name = url.rsplit("/", 1)
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        made = fresh or not exists
        if made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    if made:  # a world kept by --reuse is measured as it was made
        call_command("migrate", verbosity=0)


def sql(statement: str, params=()):
    from django.db import connection

    def run():
        with connection.cursor() as c:
            c.execute(statement, params)
            c.fetchall()

    return run


def engine(*, recompute: bool, nightly: bool) -> None:
    from django.utils import timezone

    from bench.national_world import MONTHS, month
    from indicators.engine.services.refresh import neighbourhood_wave_refresh, observations_refresh
    from indicators.official.models import Indicator, Period
    from surveys.models import Answer, Question, Response

    say("the engine")
    answers = """FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
                 JOIN surveys_question q ON q.id = a.question_id
                 WHERE r.status = 'completed' AND a.score IS NOT NULL"""
    if recompute:
        recompute_figures(answers, nightly=nightly)

    last = Response.objects.order_by("-pk").first()
    questions = list(Question.objects.filter(version__waves=last.wave_id, scored=True, show_if_question__isnull=True))
    cell = sql(f"SELECT q.factor, avg(a.score) {answers} AND r.wave_id = %s AND r.neighbourhood_id = %s GROUP BY 1",
               [last.wave_id, last.neighbourhood_id])  # fmt: skip
    runs, bare = [], []
    for _ in range(15):
        new = Response.objects.create(
            wave_id=last.wave_id, neighbourhood_id=last.neighbourhood_id, channel="web", status="completed",
            completed_at=timezone.now(), age_band="25_34", sex="female", synthetic=True,
        )  # fmt: skip
        Answer.objects.bulk_create(Answer(response=new, question=q, score=75) for q in questions)
        bare.append(timed(cell))
        runs.append(
            timed(lambda n=new: neighbourhood_wave_refresh(wave_id=n.wave_id, neighbourhood_id=n.neighbourhood_id))
        )
    line("bare GROUP BY of one neighbourhood-wave's answers (median)", statistics.median(bare))
    line("incremental update after one response (median of 15)", statistics.median(runs),
         statistics.median(bare), "that GROUP BY")  # fmt: skip
    line("  the slowest of the 15", max(runs))

    # One import: the month left out of the generated data, every LSOA, as a Nomis CSV.
    period = month(MONTHS - 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claimants.csv"
        rows = nomis_month(path, period)
        bare_copy = timed(lambda: copy_bare(path))
        claimants = Indicator.objects.get(slug="claimant-count")
        began = time.perf_counter()
        from indicators.official.importing.nomis import nomis_import

        done = nomis_import(source=path, indicator=claimants, file_name=path.name, source_label="bench")
        imported = time.perf_counter() - began
    if done.status != "succeeded":
        sys.exit(f"the import failed: {done.errors}")
    period_id = Period.objects.get(kind="month", start=period).pk
    refreshed = timed(lambda: observations_refresh(indicator_id=claimants.pk, period_ids=[period_id]))
    line(f"bare COPY of the month's file ({rows:,} rows)", bare_copy)
    line("the importer on that file (read, check, COPY, upsert)", imported, bare_copy, "the bare COPY")
    line("incremental update after that import (rates, pairs)", refreshed, bare_copy, "the bare COPY")


def recompute_figures(answers: str, *, nightly: bool) -> None:
    """The full recompute (and with ``nightly`` the nightly run), against bare queries over the answers."""
    from indicators.engine.services.refresh import recompute_all

    timed(sql("SELECT count(*) FROM surveys_answer"))  # into the cache, as far as it fits
    count = timed(sql("SELECT count(*) FROM surveys_answer"), 3)
    by_cell = timed(sql(f"SELECT r.neighbourhood_id, r.wave_id, q.factor, avg(a.score) {answers} GROUP BY 1, 2, 3"))
    line("bare SELECT count(*) over the answers (median of 3)", count)
    line("bare GROUP BY neighbourhood, wave, factor", by_cell, count, "count(*)")
    again = timed(lambda: recompute_all(compare=False))
    line("full recompute from the residents' stored scores", again, by_cell, "the cell GROUP BY")
    if nightly:
        by_resident = timed(sql(f"SELECT a.response_id, q.factor, avg(a.score) {answers} GROUP BY 1, 2"))
        line("bare GROUP BY resident, factor (8M groups)", by_resident, count, "count(*)")
        run = timed(lambda: recompute_all(compare=True, rescore=True))
        line("the nightly run: rescore, recompute, compare", run, by_resident, "the resident GROUP BY")


def nomis_month(path: Path, start) -> int:
    from indicators.places.models import SmallArea

    name = start.strftime("%B %Y")
    with path.open("w") as out:
        out.write('"DATE","DATE_NAME","GEOGRAPHY_NAME","GEOGRAPHY_CODE","MEASURES_NAME","OBS_VALUE","OBS_STATUS",'
                  '"OBS_STATUS_NAME"\n')  # fmt: skip
        codes = SmallArea.objects.order_by("code").values_list("code", flat=True)
        out.writelines(f'"{start:%Y-%m}","{name}","Generated","{c}","Value",{(n * 7) % 60 * 5},"A","Normal Value"\n'
                       for n, c in enumerate(codes))  # fmt: skip
    return len(codes)


def copy_bare(path: Path) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as c:
        c.execute("CREATE TEMPORARY TABLE bench_bare_copy (date text, date_name text, geography_name text, "
                  "geography_code text, measures_name text, obs_value numeric, obs_status text, "
                  "obs_status_name text) ON COMMIT DROP")  # fmt: skip
        with c.cursor.copy("COPY bench_bare_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
            copy.write(path.read_bytes())


def pages() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from bench.bare_wsgi import bare_render, bare_render_path
    from indicators.monitoring.selectors import maps, neighbourhoods
    from indicators.monitoring.selectors.league import league_choices
    from indicators.places import selectors
    from indicators.places.models import Neighbourhood

    settings.REBALANCE_PAGE_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["testserver"]

    def bare(size: int) -> float:
        environ = {"PATH_INFO": bare_render_path(size)}
        bare_render(environ, lambda *a: None)  # its filler made once
        return timed(lambda: bare_render(environ, lambda *a: None), 21)

    def fresh(client, url: str) -> tuple[float, int, int]:
        """Seconds (the median of 3, or one run when it takes over 10 s), bytes and status of a fresh render."""
        runs, size, status = [], 0, 0
        while len(runs) < (1 if runs and runs[0] > 10 else 3):
            cache.clear()  # the league's improvement report and every kept page
            began = time.perf_counter()
            reply = client.get(url)
            runs.append(time.perf_counter() - began)
            size, status = len(reply.content), reply.status_code
        return statistics.median(runs), size, status

    say("pages, rendered afresh (the median of 3, or one run over 10 s; the cache emptied before each)")
    for username in ("national.officer", "national.admin"):
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        hoods = selectors.neighbourhood_list(user=user)
        first = hoods.order_by("pk").first()
        pair = selectors.matched_pair_list(user=user).order_by("pk").first()
        areas = [a for a, _ in league_choices(user=user).areas]
        wanted = "region:" if user.is_superuser else "la:"  # an admin's region; an officer's own authority
        area = next((a for a in areas if a.startswith(wanted)), areas[0])
        print(f"  as {username} ({hoods.count():,} neighbourhoods):")
        for label, url in [
            ("my neighbourhoods", reverse("indicators:my-neighbourhoods")),
            ("a neighbourhood", reverse("indicators:neighbourhood-detail", args=[first.pk])),
            ("matched pairs", reverse("indicators:matched-pair-list")),
            ("a matched pair", reverse("indicators:matched-pair-detail", args=[pair.pk])),
            (f"league ({area})", reverse("indicators:league") + f"?area={area}"),
        ]:
            seconds, size, status = fresh(client, url)
            if status != 200:
                print(f"    {label}: HTTP {status} from {url}, not measured")
                continue
            line(f"  {label} ({size / 1024:,.0f} KB)", seconds, bare(size), "a bare render of that size")
        rows = neighbourhoods.my_neighbourhoods(user=user).rows
        members = Neighbourhood.small_areas.through.objects.filter(neighbourhood__in=hoods)
        las = sorted({r.neighbourhood.local_authority_id for r in rows})
        outlines = sql("SELECT boundary FROM indicators_smallarea WHERE local_authority_id = ANY(%s)", [las])
        line(f"  maps of my neighbourhoods ({len(las)} authorities, {members.count():,} areas inside)",
             timed(lambda r=rows: maps.my_neighbourhoods_maps(r), 3), timed(outlines, 3),
             "a bare read of their outlines")  # fmt: skip
        near = sql("SELECT boundary FROM indicators_smallarea WHERE local_authority_id = %s",
                   [first.local_authority_id])  # fmt: skip
        line("  a neighbourhood's map", timed(lambda n=first: maps.neighbourhood_map(n), 3), timed(near, 3),
             "a bare read of its authority's outlines")  # fmt: skip


def digest() -> None:
    """The weekly digest for every officer and estate manager, against the least a per-person e-mail costs. The
    week's news is what the run made: the import, the recompute's verdicts and factor changes."""
    from django.conf import settings
    from django.core import mail
    from django.utils import timezone

    from bench.digest import bare_baseline, digest_for_everyone
    from indicators.alerts.models import Delivery

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    say("the weekly digest for every staff user (median of 3; mail to memory, not a mail server)")
    now = timezone.now()
    bare_runs, runs = [], []
    for _ in range(3):
        mail.outbox = []
        bare_runs.append(timed(bare_baseline))
        mail.outbox = []
        began = time.perf_counter()
        sent = digest_for_everyone(now)
        runs.append(time.perf_counter() - began)
    items = sum(Delivery.objects.values_list("items", flat=True))
    sizes = sorted(len(m.body) for m in mail.outbox) or [0]
    print(f"  {sent:,} digests with {items:,} items (median text {sizes[len(sizes) // 2]:,} characters)")
    line("bare: each person's neighbourhoods and a one-line e-mail", statistics.median(bare_runs))
    line("the weekly digest for all of them", statistics.median(runs), statistics.median(bare_runs), "the bare")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the world generated by the last run")
    parser.add_argument("--skip-engine", action="store_true")
    parser.add_argument("--skip-recompute", action="store_true", help="of the engine, only the incremental updates")
    parser.add_argument("--nightly", action="store_true", help="also the nightly run (rescore, recompute, compare)")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--skip-digest", action="store_true")
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn and workers")
    parser.add_argument("--requests", type=int, default=6000, help="submissions in the load phase (at most)")
    parser.add_argument("--seconds", type=float, default=60, help="the load's real phases stop after this long")
    parser.add_argument("--web", type=int, default=5, help="gunicorn workers")
    args = parser.parse_args()

    url = os.environ.get("NATIONAL_DATABASE_URL", DEFAULT_DB)
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("This benchmark measures PostgreSQL: set NATIONAL_DATABASE_URL=postgres://…")
    began = time.perf_counter()
    setup(url, fresh=not args.reuse)
    from bench import national_world

    if args.reuse and national_world.counts()["responses"] >= national_world.RESPONSES:
        say("reusing the world of the last run")
        if not national_world.counts()["residents' scores"]:
            national_world.score_residents(say)
        national_world.staff(say)
    else:
        say(f"generating the national world in {url.rsplit('/', 1)[1]}")
        seconds = national_world.generate(say)
        say(f"generated in {seconds:.0f} s")
    for label, n in national_world.counts().items():
        print(f"  {label:<20} {n:>12,}")
    model = next((x.split(":", 1)[1].strip() for x in Path("/proc/cpuinfo").read_text().splitlines()
                  if x.startswith("model name")), "?")  # fmt: skip
    print(f"  machine: {os.cpu_count()} cores ({model})")
    if not args.skip_engine:
        engine(recompute=not args.skip_recompute, nightly=args.nightly)
    if not args.skip_pages:
        pages()
    if not args.skip_digest:
        digest()
    if not args.skip_load:
        from bench.national_load import submissions

        submissions(url, os.environ["REDIS_URL"], requests=args.requests, seconds=args.seconds, web=args.web)
    say(f"done in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
