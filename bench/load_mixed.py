"""Load test: residents submitting while officers read the monitoring pages.

gunicorn (production settings, DEBUG off) on 127.0.0.1 in front of PostgreSQL, with Redis as
cache and broker. Resident threads POST whole responses with codes made for the run to
/api/v1/responses/; officer threads sign in and read the dashboards (my neighbourhoods, two
neighbourhoods, the matched pairs, a neighbourhood's CSV export) over keep-alive connections. Bounded in
requests and in time; stops gunicorn and cleans up by itself. Never part of the test suite.

    .venv/bin/python bench/load_mixed.py [--responses 1500] [--residents 12] [--officers 4]
                                         [--pages-each 150] [--seconds 60] [--workers N]

Prints throughput, latency percentiles and status counts for each kind of request; fails
(exit status 1) on any 5xx or if the completed responses in the database differ from the
number of 201 answers. Two-factor sign-in is switched off for the run's officer
(REBALANCE_REQUIRE_2FA=false), everything else is production's.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rb_bench_mixed, recreated each run)
and REDIS_URL (default redis://127.0.0.1:6379/6, flushed at the end).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.survey_load import (
    _percentile,
    _recreate_database,
    production_env,
    run_threads,
    start_gunicorn,
    stop_gunicorn,
)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rb_bench_mixed"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
OFFICER, PASSWORD = "bench.officer", "bench-officer-password-" + secrets.token_hex(4)


def _prepare(count: int) -> tuple[list[str], dict, list[str]]:
    """Migrate; make a wave with ``count`` codes, an officer and the pages they read."""
    from bench.survey_load import _prepare as survey_prepare

    codes, answers = survey_prepare(count)
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)  # production serves hashed static files
    from indicators.access.models import Role
    from indicators.places.models import LocalAuthority, MatchedPair, Neighbourhood
    from indicators.places.services import staff_create

    la = LocalAuthority.objects.get(code="E08000012")
    places = list(Neighbourhood.objects.filter(local_authority=la).order_by("pk"))
    MatchedPair.objects.create(first=places[0], second=places[1], reason="Bench pair")
    staff_create(username=OFFICER, password=PASSWORD, role=Role.OFFICER, local_authorities=[la])
    pages = [
        "/places/",
        f"/places/neighbourhoods/{places[0].pk}/",
        "/places/pairs/",
        f"/places/neighbourhoods/{places[1].pk}/",
        f"/places/neighbourhoods/{places[0].pk}/export.csv",
    ]
    return codes, answers, pages


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {"submit": [], "page": []}
        self.statuses: dict[str, dict[int, int]] = {"submit": {}, "page": {}}

    def add(self, kind: str, status: int, elapsed: float) -> None:
        with self.lock:
            self.statuses[kind][status] = self.statuses[kind].get(status, 0) + 1
            if 200 <= status < 300:
                self.latencies[kind].append(elapsed)


def _sign_in(port: int) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
    page = conn.getresponse()
    html = page.read().decode()
    if page.status != 200:
        raise SystemExit(f"sign-in page answered {page.status}: {page.getheader('Location')}")
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({"username": OFFICER, "password": PASSWORD, "csrfmiddlewaretoken": token})
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie}",
        },
    )
    reply = conn.getresponse()
    reply.read()
    cookies = reply.getheader("Set-Cookie") or ""
    session = re.search(r"sessionid=([^;]+)", cookies)
    if reply.status != 302 or session is None:
        raise SystemExit(f"officer sign-in failed: {reply.status}")
    return session.group(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=1500, help="complete responses to submit (at most)")
    parser.add_argument("--residents", type=int, default=12, help="resident client threads")
    parser.add_argument("--officers", type=int, default=4, help="officer client threads")
    parser.add_argument("--pages-each", type=int, default=150, help="pages each officer reads (at most)")
    parser.add_argument("--seconds", type=float, default=60, help="stop after this long whatever happens")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    args = parser.parse_args()

    db_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not db_url.startswith(("postgres://", "postgresql://")):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    env = production_env(
        database_url=db_url,
        redis_url=redis_url,
        key_prefix="rb-bench-mixed",
        REBALANCE_REQUIRE_2FA="false",
        ACCOUNTS_LOGIN_RATE="1000/60",
    )
    os.environ.update(env)
    _recreate_database(db_url)
    print(f"preparing {args.responses} codes in {db_url.rsplit('/', 1)[1]} …", flush=True)
    codes, answers, pages = _prepare(args.responses)

    gunicorn, port = start_gunicorn(env, workers=args.workers, args=("--keep-alive", "30"))
    stats = Stats()
    try:
        sessions = [_sign_in(port) for _ in range(args.officers)]
        queue = iter(codes)
        queue_lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def request(conn, kind, method, path, body=None, headers=None):
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
                reply = conn.getresponse()
                reply.read()
                status = reply.status
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            stats.add(kind, status, time.perf_counter() - started)
            return status

        def resident() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < deadline:
                with queue_lock:
                    code = next(queue, None)
                if code is None:
                    return
                body = json.dumps({"code": code, "answers": answers})
                if (
                    request(conn, "submit", "POST", "/api/v1/responses/", body, {"Content-Type": "application/json"})
                    == 0
                ):
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def officer(session: str) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for n in range(args.pages_each):
                if time.monotonic() >= deadline:
                    return
                if request(conn, "page", "GET", pages[n % len(pages)], headers={"Cookie": f"sessionid={session}"}) == 0:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        threads = [threading.Thread(target=resident) for _ in range(args.residents)]
        threads += [threading.Thread(target=officer, args=(s,)) for s in sessions]
        wall = run_threads(threads)
    finally:
        stop_gunicorn(gunicorn)

    from surveys.models import Response

    stored = Response.objects.filter(status="completed").count()
    acknowledged = stats.statuses["submit"].get(201, 0)
    print(
        f"gunicorn workers {args.workers}, cpus {os.cpu_count()}; {args.residents} residents, "
        f"{args.officers} officers; {wall:.1f} s"
    )
    for kind, label in (("submit", "resident submissions"), ("page", "officer pages")):
        ms = sorted(v * 1000 for v in stats.latencies[kind])
        line = f"{label}: statuses {dict(sorted(stats.statuses[kind].items()))}; {len(ms) / wall:.0f}/s"
        if ms:
            line += (
                f"; ms p50 {_percentile(ms, 50):.0f} p95 {_percentile(ms, 95):.0f} "
                f"p99 {_percentile(ms, 99):.0f} mean {statistics.fmean(ms):.0f} max {ms[-1]:.0f}"
            )
        print(line)
    print(f"completed responses stored {stored}; acknowledged (201) {acknowledged}")
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # the queued engine tasks and cache keys of this run
    server_errors = sum(c for kind in stats.statuses.values() for s, c in kind.items() if s >= 500 or s == 0)
    failed = []
    if server_errors:
        failed.append(f"{server_errors} server errors or dropped connections")
    if stored != acknowledged:
        failed.append("stored responses do not match the 201 answers")
    if stats.statuses["page"].get(200, 0) == 0:
        failed.append("no officer page was served")
    if failed:
        sys.exit("; ".join(failed))


if __name__ == "__main__":
    main()
