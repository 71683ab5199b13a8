"""Faults with the real services: Redis stopped while residents submit.

The test starts its OWN redis-server on a free loopback port (never the machine's shared
one), points the cache and the Celery broker at it as production does, submits
responses through the API, stops Redis, submits more, and checks that every response was
stored and that the engine's catch-up job brings the figures up to date once Redis is back.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import celery
import pytest
from django.core.cache import caches

from config.celery import app as celery_app
from indicators.engine import tasks as engine_tasks
from indicators.engine.models import FactorScore
from indicators.engine.services import refresh
from surveys.models import Response, ResponseStatus
from tests.conftest import REQUIRE_SERVICES
from tests.surveys.factories import GOOD_ANSWERS, codes_for, wave_factory

SUBMIT = "/api/v1/responses/"
UP, DOWN = 12, 6  # submissions with Redis up, then down (each waits out the dead broker, ~2 s)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise RuntimeError("own redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def _drop_connections() -> None:
    """Make Celery connect afresh to whatever broker_url now says."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis(settings):
    if shutil.which("redis-server") is None:
        if REQUIRE_SERVICES:
            pytest.fail("REQUIRE_SERVICES=1 but redis-server is not installed")
        pytest.skip("needs redis-server to start a private Redis")
    server = OwnRedis(_free_port())
    server.start()
    url = f"redis://127.0.0.1:{server.port}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"{url}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "broker_connection_timeout")}
    # Shared tasks publish through the current app; a test that made its own Celery() may have left that current.
    previous = celery.current_app._get_current_object()
    celery_app.set_current()
    celery_app.conf.update(broker_url=f"{url}/1", task_always_eager=False, broker_connection_timeout=1)
    _drop_connections()
    yield server
    server.stop()
    caches["default"].close()
    celery_app.conf.update(saved)
    _drop_connections()
    previous.set_current()


def _submit(client, code: str) -> int:
    return client.post(SUBMIT, {"code": code, "answers": GOOD_ANSWERS}, content_type="application/json").status_code


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_while_residents_submit(client, own_redis):
    wave = wave_factory()
    neighbourhood = wave.neighbourhoods.get()
    codes = codes_for(wave, count=UP + DOWN)
    import redis

    broker = redis.Redis(host="127.0.0.1", port=own_redis.port, db=1)

    # Redis up: submissions are stored, and their neighbourhood's refresh queued on the broker once (no
    # worker runs here, so the first stays waiting and covers the rest).
    assert [_submit(client, code) for code in codes[:UP]] == [201] * UP
    assert broker.llen("interactive") == 1  # the refresh goes to the queue people wait on

    # Redis down: residents still get their acknowledgement, and every answer is stored.
    own_redis.stop()
    started = time.monotonic()
    assert [_submit(client, code) for code in codes[UP:]] == [201] * DOWN
    waited = time.monotonic() - started
    print(f"{DOWN} submissions with Redis down took {waited:.1f}s")
    assert waited < DOWN * 3, "a submission waited too long on the dead broker"
    assert Response.objects.filter(status=ResponseStatus.COMPLETED).count() == UP + DOWN
    assert refresh.stale_groups() == [(wave.pk, neighbourhood.pk)]

    # Redis back (empty, as after a crash without persistence): the catch-up job brings the figures up to date.
    own_redis.start()
    assert engine_tasks.catch_up.apply().get() == 1
    assert refresh.stale_groups() == []
    caught_up = {
        (s.level, s.factor): (s.responses, s.mean, s.withheld)
        for s in FactorScore.objects.filter(wave=wave, neighbourhood=neighbourhood)
    }
    assert caught_up
    assert max(n for n, _mean, _withheld in caught_up.values()) == UP + DOWN
    # The same as recomputing everything from scratch.
    engine_tasks.recompute_everything.apply()
    recomputed = {
        (s.level, s.factor): (s.responses, s.mean, s.withheld)
        for s in FactorScore.objects.filter(wave=wave, neighbourhood=neighbourhood)
    }
    assert recomputed == caught_up
