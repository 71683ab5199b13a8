"""The engine's lock: one holder at a time, renewed by a heartbeat while the holder lives, gone within its ttl once
the holder stops beating (a worker killed mid-run)."""

from __future__ import annotations

import time

from django.core.cache import cache

from indicators.engine.locks import lock_held, lock_key, single_run


def test_one_holder_at_a_time_and_released_after():
    with single_run("test-lock", ttl=60) as first:
        assert first is True
        with single_run("test-lock", ttl=60) as second:
            assert second is False
    assert not lock_held("test-lock")
    with single_run("test-lock", ttl=60) as again:
        assert again is True


def test_the_heartbeat_keeps_a_live_holders_lock_past_its_ttl():
    with single_run("test-beating", ttl=1) as mine:
        assert mine
        time.sleep(2.5)  # two and a half ttls: without the heartbeat it would have expired twice
        assert lock_held("test-beating")
        with single_run("test-beating", ttl=1) as other:
            assert other is False
    assert not lock_held("test-beating")


def test_a_lock_whose_holder_stopped_beating_expires_within_its_ttl_and_the_next_run_goes_ahead():
    cache.add(lock_key("test-dead"), "a worker that was killed", 1)  # taken, and never renewed
    with single_run("test-dead", ttl=1) as blocked:
        assert blocked is False
    time.sleep(1.2)
    with single_run("test-dead", ttl=1) as mine:
        assert mine is True


def test_a_redelivered_task_carries_on_with_the_lock_its_first_delivery_left():
    cache.add(lock_key("test-owner"), "task-1", 60)
    with single_run("test-owner", ttl=60, owner="task-1") as same:
        assert same is True
    with single_run("test-owner", ttl=60, owner="task-2") as other:
        assert other is True  # released by the first
    cache.add(lock_key("test-owner"), "task-1", 60)
    with single_run("test-owner", ttl=60, owner="task-2") as other:
        assert other is False
    cache.delete(lock_key("test-owner"))
