"""Submissions at national scale, for bench/national.py: the real API on gunicorn with a Celery worker per queue.

An open wave of the default questionnaire (made by the wave service) in 300 neighbourhoods of 30
authorities of the national world, with codes; gunicorn (production settings, DEBUG off) on loopback serving
the site and the bare INSERT endpoint (bench/bare_wsgi.py); one Celery worker for each queue named in
CELERY_TASK_ROUTES (interactive with 2 processes, bulk with 1, as the Procfile runs them), refreshing the
national figures after the responses. Bare and real phases alternate, with the client loop of
bench/survey_load.py, bounded in requests and time. Afterwards it waits (at most two minutes) until the
engine has caught up with every response, and prints how long that took, and the CPU each program took per
response: the figures the capacity plan in the README is worked out from.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from bench.survey_load import (
    ANSWERS,
    Phase,
    Submitter,
    cpu_seconds_by_program,
    latency_line,
    merged,
    open_wave,
    production_env,
    run_phase,
    start_gunicorn,
    stop_gunicorn,
)

ROOT = Path(__file__).resolve().parent.parent
FIELDWORK_NEIGHBOURHOODS = 300
CONCURRENCY = {"interactive": 2, "bulk": 1}  # as the Procfile
CLIENTS = 8
PROGRAMS = ("gunicorn", "postgres", "celery", "redis-server")


def queues() -> list[str]:
    from django.conf import settings

    routes = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    return sorted({r["queue"] for r in routes.values()} | {getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")})


def fieldwork(count: int):
    from indicators.places.models import Neighbourhood
    from surveys.models import SurveyVersion

    version = SurveyVersion.objects.filter(waves__name__startswith="Spring").order_by("-pk").first()
    hoods = list(Neighbourhood.objects.order_by("local_authority__code", "pk")[:FIELDWORK_NEIGHBOURHOODS])
    wave, codes = open_wave(version, hoods, count, name="National fieldwork (benchmark)")
    random.Random(7).shuffle(codes)  # residents of every neighbourhood, in no order
    return wave, codes


def start_workers(env: dict[str, str]) -> list[subprocess.Popen]:
    from config.celery import app

    workers = []
    for queue in queues():
        command = [str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "-Q", queue, "-n", f"{queue}-national@%h",
                   "--concurrency", str(CONCURRENCY.get(queue, 1)), "--loglevel", "warning", "--without-gossip",
                   "--without-mingle", "--without-heartbeat"]  # fmt: skip
        workers.append(subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(app.control.ping(timeout=1)) >= len(workers):
            return workers
    stop(workers)
    raise SystemExit("the Celery workers did not answer within a minute")


def stop(processes) -> None:
    for p in processes:
        os.killpg(p.pid, signal.SIGTERM)
    for p in processes:
        p.wait(timeout=60)


def caught_up(wave_id: int, limit: float = 120) -> float | None:
    """Seconds until no neighbourhood of the wave has a response newer than its figures (None: not in time)."""
    from indicators.engine.services.refresh import stale_groups

    began = time.monotonic()
    while time.monotonic() - began < limit:
        if not [g for g in stale_groups() if g[0] == wave_id]:
            return time.monotonic() - began
        time.sleep(0.5)
    return None


def per_response(phase: Phase) -> dict[str, float]:
    done = max(1, len(phase.latencies))
    return {name: 1000 * phase.programs.get(name, 0.0) / done for name in PROGRAMS}


def submissions(url: str, redis_url: str, *, requests: int, seconds: float, web: int) -> dict:
    import redis

    from bench.bare_wsgi import BARE_INSERT_PATH, bare_table_count, bare_table_create
    from surveys.models import Response

    print(f"\n[{time.strftime('%H:%M:%S')}] submissions through the API, queues {', '.join(queues())}", flush=True)
    wave, codes = fieldwork(requests)
    redis.Redis.from_url(redis_url).flushdb()  # nothing queued by the phases before
    # The codes were hashed in this process: the site hashes with the same key (bench/national.py sets it).
    env = production_env(database_url=url, redis_url=redis_url, key_prefix="rb-national")
    bare_table_create(url)
    workers = start_workers(env)
    gunicorn, port = start_gunicorn(env, workers=web, args=("--keep-alive", "30"), app="bench.bare_wsgi:application")
    phases: list[Phase] = []
    try:
        submitters = {"real": Submitter(port, ANSWERS), "bare": Submitter(port, ANSWERS, path=BARE_INSERT_PATH)}
        for r in range(2):
            share = codes[r * len(codes) // 2 : (r + 1) * len(codes) // 2]
            for kind in ("bare", "real"):
                phases.append(run_phase(kind, submitters[kind], share, concurrency=CLIENTS, seconds=seconds / 2))
        programs = cpu_seconds_by_program()
        drained = caught_up(wave.pk)
        after = {k: v - programs.get(k, 0.0) for k, v in cpu_seconds_by_program().items()}
    finally:
        stop_gunicorn(gunicorn)
        stop(workers)
    real, bare = merged(phases, "real"), merged(phases, "bare")
    stored = Response.objects.filter(wave=wave, status="completed").count()
    cpu = per_response(real)
    for name in ("postgres", "celery", "redis-server"):  # and the engine's catching up after the last response
        cpu[name] += 1000 * max(0.0, after.get(name, 0.0)) / max(1, len(real.latencies))
    print(f"  gunicorn workers {web}, client threads {CLIENTS}, {os.cpu_count()} cores; fieldwork in "
          f"{FIELDWORK_NEIGHBOURHOODS} neighbourhoods; workers: "
          + ", ".join(f"{q} × {CONCURRENCY.get(q, 1)}" for q in queues()))  # fmt: skip
    print(f"  statuses {dict(sorted(real.statuses.items()))}; completed responses stored {stored}")
    for label, phase in (("bare INSERT endpoint", bare), ("submissions", real)):
        if phase.latencies:
            ms = [v * 1000 for v in phase.latencies]
            print(f"  {label + ':':<21} {phase.rate:,.0f}/s, latency ms {latency_line(ms)}")
    ratio = real.rate / bare.rate if bare.rate else float("nan")
    print(f"  submissions: {real.rate:,.0f}/s = {ratio:.2f} × the bare INSERT endpoint's {bare.rate:,.0f}/s")
    print("  CPU per response, ms: " + ", ".join(f"{k} {v:.2f}" for k, v in cpu.items()))
    if drained is None:
        print("  the engine had NOT caught up with every response two minutes after the last")
    else:
        print(f"  the engine caught up with every response {drained:.1f} s after the last")
    redis.Redis.from_url(redis_url).flushdb()
    if stored != len(real.latencies) or bare_table_count(url) != len(bare.latencies):
        raise SystemExit("stored rows do not match the 201 answers")
    return {"rate": real.rate, "bare": bare.rate, "cpu": cpu, "drained": drained}
