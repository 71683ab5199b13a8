"""Fault: PostgreSQL restarted while residents submit.

Starts a PRIVATE PostgreSQL cluster (initdb as the postgres user in a temporary directory, on a
free loopback port; the machine's shared cluster is never touched), migrates it, and runs
gunicorn (production settings, DEBUG off) on 127.0.0.1 in front of it, with Redis as cache and
broker. Resident threads POST complete responses to /api/v1/responses/; part-way through, the
cluster is restarted (`pg_ctl restart -m fast`). Then every code whose submission failed is
sent again, as a resident would.

Prints what each phase answered and how long the outage lasted, and fails (exit status 1) unless:
requests during the restart failed cleanly (an error status, no hang past the client timeout),
requests after it succeed, and every acknowledged response is stored, complete, exactly once.

    .venv/bin/python bench/fault_postgres_restart.py [--responses 2000] [--residents 8] [--restart-after 3]

Environment: REDIS_URL (default redis://127.0.0.1:6379/6, flushed at the end). Needs root (to run
initdb as postgres) and /usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.survey_load import _free_port, _percentile, post_response, production_env, start_gunicorn, stop_gunicorn

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"
PG_BIN = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1]) if glob.glob("/usr/lib/postgresql/*/bin") else None


def _as_postgres(*args: str) -> None:
    # No pipes: a postmaster started by pg_ctl would hold them open and the call would never return.
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )


class PrivateCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="rb-pg-"))
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = _free_port()

    def pg_ctl(self, *args: str) -> None:
        _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60", *args)

    def init_and_start(self) -> None:
        _as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
        self.pg_ctl("-o", options, "-l", str(self.dir / "log"), "start")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.pg_ctl("-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--responses", type=int, default=2000)
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--restart-after", type=float, default=3, help="seconds into the run")
    parser.add_argument("--seconds", type=float, default=90, help="stop after this long whatever happens")
    args = parser.parse_args()
    if PG_BIN is None or os.geteuid() != 0:
        sys.exit("needs root and /usr/lib/postgresql/*/bin to start a private cluster")

    cluster = PrivateCluster()
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    gunicorn = None
    try:
        cluster.init_and_start()
        import psycopg

        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute('CREATE DATABASE "rb_fault"')
        env = production_env(
            database_url=cluster.url("rb_fault"),
            redis_url=redis_url,
            key_prefix="rb-bench-pgfault",
            DJANGO_LOG_LEVEL="CRITICAL",
        )
        os.environ.update(env)
        from bench.survey_load import _prepare

        print(f"private cluster on 127.0.0.1:{cluster.port}; preparing {args.responses} codes …", flush=True)
        codes, answers = _prepare(args.responses)
        from django.db import connections

        connections.close_all()

        gunicorn, port = start_gunicorn(env, workers=4, args=("--timeout", "30"), quiet=True)

        results: list[tuple[float, float, int, str]] = []  # (sent at, seconds, status, code)
        lock = threading.Lock()
        queue = iter(codes)
        began = time.monotonic()
        deadline = began + args.seconds
        restart: dict[str, float] = {}

        def submit(conn, code):
            sent = time.monotonic()
            status = post_response(conn, code, answers)
            return sent - began, time.monotonic() - sent, status

        def resident() -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=35)
            while time.monotonic() < deadline:
                with lock:
                    code = next(queue, None)
                if code is None:
                    return
                at, took, status = submit(conn, code)
                with lock:
                    results.append((at, took, status, code))
                time.sleep(0.01)  # a steady stream rather than a flood, so the run spans the restart

        def restarter() -> None:
            time.sleep(args.restart_after)
            restart["start"] = time.monotonic() - began
            cluster.pg_ctl("-m", "fast", "-l", str(cluster.dir / "log"), "restart")
            restart["end"] = time.monotonic() - began

        threads = [threading.Thread(target=resident) for _ in range(args.residents)]
        threads.append(threading.Thread(target=restarter))
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        # Residents whose submission failed try again.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=35)
        failed_codes = [code for _at, _took, status, code in results if status != 201]
        retries = {}
        for code in failed_codes:
            _at, _took, status = submit(conn, code)
            retries[status] = retries.get(status, 0) + 1
    except BaseException:
        cluster.destroy()
        raise
    finally:
        if gunicorn is not None:
            stop_gunicorn(gunicorn)

    from django.db.models import Count

    from surveys.models import Response

    completed = Response.objects.filter(status="completed")
    stored = completed.count()
    without_answers = completed.annotate(n=Count("answers")).filter(n=0).count()
    cluster.destroy()
    import redis

    redis.Redis.from_url(redis_url).flushdb()

    def summary(rows):
        counts: dict[int, int] = {}
        for _at, _took, status, _code in rows:
            counts[status] = counts.get(status, 0) + 1
        return dict(sorted(counts.items()))

    start, end = restart["start"], restart["end"]
    before = [r for r in results if r[0] + r[1] < start]
    during = [r for r in results if not (r[0] + r[1] < start or r[0] > end + 1)]
    after = [r for r in results if r[0] > end + 1]
    ok = [r for r in results if r[2] == 201]
    acknowledged = len(ok) + retries.get(201, 0)
    slowest_failure = max((took for _at, took, status, _c in results if status != 201), default=0)
    print(f"restart took {end - start:.1f} s (from {start:.1f} s to {end:.1f} s into the run)")
    print(f"before: {summary(before)}; during: {summary(during)}; after: {summary(after)}")
    print(f"slowest failed request {slowest_failure:.2f} s; retries of failed codes: {dict(sorted(retries.items()))}")
    ms = sorted(took * 1000 for _at, took, _s, _c in ok)
    if ms:
        print(f"successful submissions ms p50 {_percentile(ms, 50):.0f} p95 {_percentile(ms, 95):.0f} max {ms[-1]:.0f}")
    print(
        f"acknowledged (201) {acknowledged}; completed responses stored {stored}; stored without answers "
        f"{without_answers}"
    )
    problems = []
    if stored != acknowledged + retries.get(409, 0):
        problems.append("stored responses differ from those acknowledged")
    if without_answers:
        problems.append("a completed response without its answers")
    if any(status == 0 for _a, _t, status, _c in results):
        problems.append("a request hung or the connection dropped")
    if not after or summary(after).keys() != {201}:
        problems.append("requests after the restart did not all succeed")
    if problems:
        sys.exit("; ".join(problems))


if __name__ == "__main__":
    main()
