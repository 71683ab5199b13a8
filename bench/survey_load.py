"""Load test: complete survey responses submitted through the real stack.

gunicorn (production settings, DEBUG off) on 127.0.0.1 in front of PostgreSQL,
with Redis as cache and broker; a pool of client threads POSTs whole responses
with invitation codes to /api/v1/responses/, each on a connection of its own
(gunicorn's sync workers close every connection anyway), and times each one.
Bounded in requests and in time; stops gunicorn and cleans up by itself.
Never part of the test suite.

The figures are set against a bare floor measured in the same run, since the
machine's speed changes from one minute to the next: the same gunicorn (through
bench/bare_wsgi.py, which hands every other path to the site) also answers
POST /_bench/bare-insert, which writes the same request body as one row into a
table of the benchmark's own through psycopg, commits, and answers 201. Bare
and real phases alternate (bare, real, bare, real with --rounds 2), with the
same client threads and request bytes; the real phases share the codes.

    .venv/bin/python bench/survey_load.py [--requests 3000] [--concurrency 16] [--seconds 60] [--workers 5]
        [--connections kept,pool] [--pool-size 4]

With --connections, one gunicorn per way of keeping database connections (fresh, kept, pool; see CONNECTIONS)
runs side by side, and each round takes a bare phase, then each site in turn, every figure a ratio to the
bare phases of the same run.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/rb_surveys_bench, recreated each run)
and REDIS_URL (default redis://127.0.0.1:6379/5, flushed at the end).
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/rb_surveys_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"

# A complete response to the default questionnaire, as a kiosk would send it.
ANSWERS = {
    "area_satisfaction": "fairly_satisfied",
    "litter_problem": "fairly_big",
    "safe_after_dark": "fairly_safe",
    "stay_or_move": "stay",
    "expect_move": "yes",
    "move_reasons": ["work", "home"],
    "still_here_in_five_years": "agree",
    "belonging": "fairly_strongly",
    "trust": "some",
    "open_to_newcomers": "agree",
    "pull_together": "tend_to_agree",
    "can_influence": "tend_to_disagree",
    "community_group": "no",
    **{f"gse_{n}": "moderately_true" for n in range(1, 11)},
    "ons_life_satisfaction": "7",
    "ons_worthwhile": "8",
    "ons_happy_yesterday": "6",
    "ons_anxious_yesterday": "3",
    "know_where_help": "yes",
    "used_employment_support": "yes",
    "support_useful": "fairly_useful",
    "longest_journey": "31_45",
    "job_in_another_town": "yes",
    "hope_in_two_years": "better_job",
    "likely_to_achieve": "fairly_likely",
    "age_band": "25_34",
    "sex": "female",
    "employment": "employed_part_time",
    "tenure": "housing_association",
    "years_at_address": 6,
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base.replace('postgres://', 'postgresql://')}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def _prepare(count: int) -> tuple[list[str], dict]:
    """Migrate, load the default questionnaire, make a wave and ``count`` codes. Returns codes and answers."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from indicators.places.models import LocalAuthority, Neighbourhood
    from surveys.services.default_questionnaire import default_questionnaire_load

    version = default_questionnaire_load()
    la, _ = LocalAuthority.objects.get_or_create(code="E08000012", defaults={"name": "Liverpool"})
    places = [Neighbourhood.objects.create(name=f"Bench {i}", local_authority=la) for i in range(4)]
    _wave, codes = open_wave(version, places, count, name="Load test")
    return codes, ANSWERS


def open_wave(version, places, count: int, *, name: str):
    """A wave open from today for a week in ``places``, with ``count`` codes shared between them."""
    import datetime

    from surveys.services.waves import invitations_create, wave_create

    today = datetime.date.today()
    wave = wave_create(
        survey_version=version,
        name=name,
        neighbourhoods=places,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
    )
    codes: list[str] = []
    for i, place in enumerate(places):
        share = count // len(places) + (1 if i < count % len(places) else 0)
        if share:
            codes += [c for _, c in invitations_create(wave=wave, neighbourhood=place, count=share)]
    return wave, codes


def _wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not come up")


def production_env(*, database_url: str, redis_url: str, key_prefix: str, **extra: str) -> dict[str, str]:
    """The environment for gunicorn under production settings on loopback, DEBUG off."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "SURVEY_PUBLIC_URL": "https://rebalance.example.org/survey/",  # production requires one; letters only
        "DJANGO_LOG_LEVEL": "WARNING",
        "REDIS_KEY_PREFIX": key_prefix,
        "SURVEY_API_SUBMIT_RATE": "100000000/60",  # one client address sends everything
        **extra,
    }


def start_gunicorn(
    env: dict[str, str], *, workers: int, args: tuple[str, ...] = (), quiet: bool = False, app: str = "config.wsgi"
):
    """gunicorn on a free loopback port, in its own session; returns once it answers, with its port."""
    port = _free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "critical" if quiet else "warning", *args],
        cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL if quiet else None,
    )  # fmt: skip
    try:
        _wait_for(port)
    except BaseException:
        stop_gunicorn(process)
        raise
    return process, port


def stop_gunicorn(process) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def run_threads(threads: list[threading.Thread]) -> float:
    """Start every client thread, wait for them all, and return the wall-clock seconds they took."""
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - began


def post_response(conn, code: str, answers: dict) -> int:
    """Submit one complete response over a kept-alive connection; 0 when the connection failed."""
    try:
        conn.request(
            "POST",
            "/api/v1/responses/",
            body=json.dumps({"code": code, "answers": answers}),
            headers={"Content-Type": "application/json", "Host": "127.0.0.1"},
        )
        reply = conn.getresponse()
        reply.read()
        return reply.status
    except (OSError, http.client.HTTPException):
        conn.close()
        return 0


class Submitter:
    """Posts complete responses, each on a connection of its own, from one template of the request's bytes.

    gunicorn's sync workers close every connection after its answer anyway, and the load clients share the
    server's two cores: the less they take, the more of the figure is the server's (http.client and a JSON
    encoding per request cost about twice as much).
    """

    def __init__(self, port: int, answers: dict, path: str = "/api/v1/responses/") -> None:
        self.address = ("127.0.0.1", port)
        head, tail = json.dumps({"code": "\0", "answers": answers}).split('"\\u0000"')
        self.head, self.tail = head.encode(), tail.encode()
        self.request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Connection: close\r\nContent-Length: {}\r\n\r\n"
        )

    def post(self, code: str) -> int:
        """The answer's status; 0 when the connection failed or the answer was cut short."""
        body = self.head + json.dumps(code).encode() + self.tail
        try:
            with socket.create_connection(self.address, timeout=30) as sock:
                sock.sendall(self.request.format(len(body)).encode() + body)
                reply = b"".join(iter(lambda: sock.recv(65536), b""))
        except OSError:
            return 0
        status = reply[9:12]
        return int(status) if reply.startswith(b"HTTP/1.") and status.isdigit() else 0


def cpu_seconds_by_program() -> dict[str, float]:
    """CPU seconds so far of every live process on the machine, summed by program name (Linux's /proc);
    the kernel's share of each under "name (kernel)"."""
    totals: dict[str, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone since the listing
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
        totals[f"{name} (kernel)"] = totals.get(f"{name} (kernel)", 0.0) + int(fields[12]) / tick
    return totals


def machine_cpu() -> tuple[float, float]:
    """Seconds all cores have been busy, and idle or waiting on the disk, so far (Linux's /proc/stat)."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle, tick = ticks[3] + ticks[4], os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / tick, idle / tick


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


@dataclasses.dataclass
class Phase:
    """What one stretch of load did: the answers' statuses, the 201s' latencies, and the CPU it took."""

    kind: str  # "bare" or "real"
    latencies: list[float] = dataclasses.field(default_factory=list)
    statuses: dict[int, int] = dataclasses.field(default_factory=dict)
    wall: float = 0.0
    client_cpu: float = 0.0
    programs: dict[str, float] = dataclasses.field(default_factory=dict)
    machine: tuple[float, float] = (0.0, 0.0)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def run_phase(kind: str, submitter: Submitter, codes: list[str], *, concurrency: int, seconds: float) -> Phase:
    """POST one request per code from ``concurrency`` client threads, for ``seconds`` at most."""
    phase = Phase(kind)
    lock = threading.Lock()
    queue = iter(codes)
    deadline = time.monotonic() + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                code = next(queue, None)
            if code is None:
                return
            started = time.perf_counter()
            status = submitter.post(code)
            elapsed = time.perf_counter() - started
            with lock:
                phase.statuses[status] = phase.statuses.get(status, 0) + 1
                if status == 201:
                    phase.latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    client_cpu, programs, machine = time.process_time(), cpu_seconds_by_program(), machine_cpu()
    phase.wall = run_threads(threads)
    phase.client_cpu = time.process_time() - client_cpu
    phase.machine = tuple(after - before for after, before in zip(machine_cpu(), machine, strict=True))
    phase.programs = {k: v - programs.get(k, 0.0) for k, v in cpu_seconds_by_program().items()}
    return phase


def merged(phases: list[Phase], kind: str) -> Phase:
    """The phases of one kind as one: latencies, statuses, seconds and CPU added up."""
    total = Phase(kind)
    for phase in phases:
        if phase.kind != kind:
            continue
        total.latencies += phase.latencies
        for status, n in phase.statuses.items():
            total.statuses[status] = total.statuses.get(status, 0) + n
        total.wall += phase.wall
        total.client_cpu += phase.client_cpu
        for name, value in phase.programs.items():
            total.programs[name] = total.programs.get(name, 0.0) + value
        total.machine = (total.machine[0] + phase.machine[0], total.machine[1] + phase.machine[1])
    total.latencies.sort()
    return total


def cpu_line(phase: Phase, unit: str) -> str:
    done = max(1, len(phase.latencies))
    # Stable where throughput is not: the machine's cores change speed from one minute to the next.
    per = {name: 1000 * value / done for name, value in phase.programs.items()}
    return f"CPU per {unit}, ms: " + ", ".join(
        f"{name} {per.get(name, 0):.2f} (kernel {per.get(f'{name} (kernel)', 0):.2f})"
        for name in ("gunicorn", "postgres", "redis-server")
    )


def latency_line(ms: list[float]) -> str:
    return (
        f"p50 {_percentile(ms, 50):.1f}  p95 {_percentile(ms, 95):.1f}  "
        f"p99 {_percentile(ms, 99):.1f}  mean {statistics.fmean(ms):.1f}  max {ms[-1]:.1f}"
    )


# How each site under test keeps its database connections (config/db/configure.py), by the environment it gets.
CONNECTIONS = {
    "fresh": "a new connection for every request (DJANGO_CONN_MAX_AGE=0, no pool)",
    "kept": "each process keeps its connection between requests (DJANGO_CONN_MAX_AGE=60, no pool)",
    "pool": "each process has a psycopg pool (DATABASE_POOL_MAX_SIZE)",
}


def connections_env(mode: str, pool_size: int) -> dict[str, str]:
    if mode == "fresh":
        return {"DATABASE_POOL_MAX_SIZE": "0", "DJANGO_CONN_MAX_AGE": "0"}
    if mode == "kept":
        return {"DATABASE_POOL_MAX_SIZE": "0", "DJANGO_CONN_MAX_AGE": "60"}
    return {"DATABASE_POOL_MAX_SIZE": str(pool_size)}


def report(phase: Phase, label: str) -> None:
    ms = [v * 1000 for v in phase.latencies]
    print(f"\n{label}:")
    print(f"statuses {dict(sorted(phase.statuses.items()))}")
    print(f"throughput {phase.rate:.0f} complete responses/s over {phase.wall:.1f} s")
    # The clients share the cores with the server: what they took is not the server's to use.
    print(f"the load clients' own CPU: {1000 * phase.client_cpu / max(1, len(phase.latencies)):.2f} ms a response")
    print(cpu_line(phase, "response"))
    if sum(phase.machine):
        print(f"cores busy {100 * phase.machine[0] / sum(phase.machine):.0f}% of the run")
    if ms:
        print(f"latency ms: {latency_line(ms)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000, help="complete responses to submit (at most)")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument(
        "--seconds",
        type=float,
        default=60,
        help="the real phases stop after this long in all whatever happens, and so do the bare ones",
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per gunicorn worker (above 1: gthread workers, keep-alive)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="bare and real phases taken alternately this many times, each with its share of the requests",
    )
    parser.add_argument(
        "--connections",
        default="kept,pool",
        help="how the site keeps its database connections, one site each, taken in turn after each bare phase: "
        + "; ".join(f"{k}: {v}" for k, v in CONNECTIONS.items()),
    )
    parser.add_argument("--pool-size", type=int, default=4, help="DATABASE_POOL_MAX_SIZE for the pool site")
    args = parser.parse_args()
    args.rounds = max(1, min(args.rounds, 20, args.requests))
    modes = [m.strip() for m in args.connections.split(",") if m.strip()]
    if not modes or set(modes) - CONNECTIONS.keys():
        sys.exit(f"--connections: a comma-separated list of {', '.join(CONNECTIONS)}")

    db_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not db_url.startswith(("postgres://", "postgresql://")):
        sys.exit("This benchmark measures PostgreSQL: set DATABASE_URL=postgres://…")
    redis_url = os.environ.get("REDIS_URL", DEFAULT_REDIS)
    env = production_env(database_url=db_url, redis_url=redis_url, key_prefix="rb-bench")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    _recreate_database(db_url)
    print(f"preparing {args.requests} codes in {db_url.rsplit('/', 1)[1]} …", flush=True)
    codes, answers = _prepare(args.requests)
    from bench.bare_wsgi import BARE_INSERT_PATH, bare_table_count, bare_table_create

    bare_table_create(db_url)

    serving = ("--keep-alive", "30") + (("--threads", str(args.threads)) if args.threads > 1 else ())
    sites: dict[str, tuple] = {}
    phases: list[Phase] = []
    try:
        for mode in modes:
            sites[mode] = start_gunicorn(
                {**env, **connections_env(mode, args.pool_size)},
                workers=args.workers,
                args=serving,
                app="bench.bare_wsgi:application",
            )
        # The bare endpoint answers before Django: any of the sites serves it alike.
        submitters = {mode: Submitter(port, answers) for mode, (_, port) in sites.items()}
        submitters["bare"] = Submitter(sites[modes[0]][1], answers, path=BARE_INSERT_PATH)
        shares = args.rounds * len(modes)
        for r in range(args.rounds):
            # Each round begins with a bare phase, then every site in turn, the order turning round by round.
            turn = modes[r % len(modes) :] + modes[: r % len(modes)]
            for k, mode in enumerate(turn):
                n = r * len(modes) + k
                slot = args.seconds / shares
                share = codes[n * len(codes) // shares : (n + 1) * len(codes) // shares]
                if k == 0:
                    # The bare phase sends the very bodies of the real phase after it: the same bytes, codes and all.
                    phases.append(
                        run_phase("bare", submitters["bare"], share, concurrency=args.concurrency, seconds=slot)
                    )
                phases.append(run_phase(mode, submitters[mode], share, concurrency=args.concurrency, seconds=slot))
    finally:
        for process, _ in sites.values():
            stop_gunicorn(process)

    from surveys.models import Response

    stored = Response.objects.filter(status="completed").count()
    bare = merged(phases, "bare")
    real = {mode: merged(phases, mode) for mode in modes}
    print(
        f"gunicorn workers {args.workers} × {args.threads} threads, client threads {args.concurrency}, "
        f"cpus {os.cpu_count()}"
    )
    acknowledged = sum(len(phase.latencies) for phase in real.values())
    print(f"completed responses stored {stored} for {acknowledged} acknowledged")
    for mode in modes:
        pool = f", at most {args.pool_size} a process" if mode == "pool" else ""
        report(real[mode], f"{mode}: {CONNECTIONS[mode]}{pool}")

    # The floor, from the same run: what the stack gives for one committed INSERT of the same bytes.
    bare_stored = bare_table_count(db_url)
    bare_ms = [v * 1000 for v in bare.latencies]
    body = len(submitters["bare"].head) + len(json.dumps(codes[0])) + len(submitters["bare"].tail) if codes else 0
    print(
        f"\nbare INSERT endpoint ({BARE_INSERT_PATH}: the same {body}-byte body as one row, committed), "
        f"{args.rounds} rounds of a bare phase then each site's:"
    )
    print(f"bare statuses {dict(sorted(bare.statuses.items()))}; rows stored {bare_stored}")
    print(f"bare throughput {bare.rate:.0f} requests/s over {bare.wall:.1f} s")
    print(f"the load clients' own CPU: {1000 * bare.client_cpu / max(1, len(bare.latencies)):.2f} ms a bare request")
    print(cpu_line(bare, "bare request"))
    if sum(bare.machine):
        print(f"cores busy {100 * bare.machine[0] / sum(bare.machine):.0f}% of the bare phases")
    if bare_ms:
        print(f"bare latency ms: {latency_line(bare_ms)}")
    print()
    rounds: list[list[Phase]] = []
    for phase in phases:
        if phase.kind == "bare":
            rounds.append([])
        rounds[-1].append(phase)
    for n, (b, *sites_phases) in enumerate(rounds, start=1):
        print(
            f"round {n}: bare {b.rate:.0f}/s, "
            + ", ".join(
                f"{s.kind} {s.rate:.0f}/s = {s.rate / b.rate:.2f} ×" if b.rate else f"{s.kind} {s.rate:.0f}/s"
                for s in sites_phases
            )
        )
    for mode in modes:
        ms = [v * 1000 for v in real[mode].latencies]
        if not (bare.rate and ms and bare_ms):
            continue
        print(
            f"submissions ({mode}): {real[mode].rate:.0f}/s = {real[mode].rate / bare.rate:.2f} × the bare INSERT "
            f"endpoint's {bare.rate:.0f}/s; latency against the bare endpoint's: "
            + ", ".join(
                f"p{p} {_percentile(ms, p):.1f} ms = {_percentile(ms, p) / _percentile(bare_ms, p):.1f} ×"
                for p in (50, 95, 99)
            )
        )
    import redis

    redis.Redis.from_url(redis_url).flushdb()  # the queued engine tasks and cache keys of this run
    if stored != acknowledged:
        sys.exit("stored responses do not match the 201 answers")
    if bare_stored != len(bare.latencies):
        sys.exit("bare rows stored do not match the bare endpoint's 201 answers")


if __name__ == "__main__":
    main()
