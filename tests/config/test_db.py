"""prepared_cursor: statements PostgreSQL plans once per connection, still seen by Django; and our
backend's health check, a look at the connection's socket."""

import select

import pytest
from django.core.signals import request_started
from django.db import DataError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from config.db.cursors import prepared_cursor
from surveys.models import Invitation
from surveys.services.responses import response_submit
from tests.surveys.factories import GOOD_ANSWERS, codes_for, version_factory, wave_factory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{fragment}%"])
        return cursor.fetchone()[0]


@pytest.fixture
def threshold():
    """The connection's prepare threshold, set as the settings set it, and put back afterwards."""
    connection.ensure_connection()
    before = connection.connection.prepare_threshold
    yield lambda value: setattr(connection.connection, "prepare_threshold", value)
    connection.connection.prepare_threshold = before


def test_a_repeated_statement_is_prepared_once_and_still_counted(threshold):
    threshold(2)
    with CaptureQueriesContext(connection) as seen:
        for n in range(4):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT %s::int + 40 AS rebalance_probe", [n])
                assert cursor.fetchone() == (n + 40,)
    assert _prepared("rebalance_probe") == 1
    # Django's log has every run; psycopg keeps no text of a run of the prepared statement.
    assert len(seen.captured_queries) == 4
    assert "rebalance_probe" in seen.captured_queries[0]["sql"]


def test_nothing_is_prepared_when_the_threshold_is_off(threshold):
    threshold(None)  # as Django leaves it, and as DJANGO_DB_PREPARED_STATEMENTS=false does
    for n in range(4):
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %s::int AS rebalance_unprepared", [n])
    assert _prepared("rebalance_unprepared") == 0


def test_djangos_own_cursors_are_unchanged(threshold):
    threshold(0)
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 AS rebalance_client_bound")
    assert _prepared("rebalance_client_bound") == 0
    assert type(connection.connection.cursor()).__name__ == "Cursor"  # the client-binding one


def test_a_submissions_lookup_and_write_are_prepared_after_a_few(threshold):
    threshold(2)
    # Codes of two versions in turn: each is first tried against the other's version, then read.
    waves = [wave_factory(), wave_factory(version=version_factory(slug="another"), name="Another wave")]
    for pair in zip(*(codes_for(wave, count=2) for wave in waves), strict=True):
        for code in pair:
            response_submit(raw=GOOD_ANSWERS, channel="api", code=code)
    assert _prepared("SET used = true") == 1
    assert _prepared(f"FROM {Invitation._meta.db_table} i JOIN") == 1


def _backend() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _from_elsewhere(sql: str, params: list):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_live_connection_is_usable_without_asking_the_server():
    backend = _backend()
    assert connection.is_usable()
    # Django's own check would have sent SELECT 1, and the server would show it as the last statement.
    assert _from_elsewhere("SELECT query FROM pg_stat_activity WHERE pid = %s", [backend]) == "SELECT pg_backend_pid()"


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it():
    before = {key: connection.settings_dict[key] for key in ("CONN_HEALTH_CHECKS", "CONN_MAX_AGE")}
    connection.close()
    connection.settings_dict.update(CONN_HEALTH_CHECKS=True, CONN_MAX_AGE=60)  # as production has them
    try:
        backend = _backend()
        assert _from_elsewhere("SELECT pg_terminate_backend(%s)", [backend])
        assert select.select([connection.connection.fileno()], [], [], 10)[0], "the server's goodbye never came"
        assert not connection.is_usable()
        request_started.send(sender=None)  # Django checks a kept connection before the request's first query
        assert _backend() != backend  # and that query, on a new connection, succeeds
    finally:
        connection.settings_dict.update(before)
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_connection_in_a_transaction_is_usable_until_the_transaction_fails():
    with transaction.atomic():
        _backend()
        assert connection.is_usable()
        with connection.cursor() as cursor, pytest.raises(DataError):
            cursor.execute("SELECT 1 / 0")
        usable_after_failing = connection.is_usable()
        transaction.set_rollback(True)
    assert not usable_after_failing
    assert connection.is_usable()


@pytest.fixture
def pooled():
    """Our backend with a psycopg pool of its own, as DATABASE_POOL_MAX_SIZE sets it in production."""
    from config.db.configure import postgres_database
    from config.db.postgresql.base import DatabaseWrapper

    plain = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql", "OPTIONS": {}}
    settings_dict = postgres_database(
        plain, prepared_statements=True, pool_max_size=1, pool_timeout=5, conn_max_age=60, health_checks=True
    )
    assert settings_dict["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    wrapper = DatabaseWrapper(settings_dict, alias="pooled-test")
    yield wrapper
    wrapper.close()
    wrapper.close_pool()


def _pid_and_run(wrapper, sql: str) -> int:
    import psycopg

    wrapper.connect()
    psycopg.Cursor(wrapper.connection).execute(sql, prepare=True)  # binding on the server, as prepared_cursor does
    return wrapper.connection.info.backend_pid


@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_keeps_its_prepared_statements_and_is_checked_without_a_query(pooled):
    first = _pid_and_run(pooled, "SELECT 1 AS rebalance_pooled_probe")
    pooled.close()  # the end of a request: back to the pool
    pooled.connect()  # the next request's: the pool checks it by its socket and hands it out again
    assert pooled.connection.info.backend_pid == first
    with pooled.connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%rebalance_pooled_probe%'")
        assert cursor.fetchone()[0] == 1
    pooled.close()
    pooled.connect()
    # psycopg_pool's own check would have sent an empty query, which the server would show as the last statement.
    last = _from_elsewhere("SELECT query FROM pg_stat_activity WHERE pid = %s", [first])
    assert "pg_prepared_statements" in last


@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_the_server_ended_is_replaced(pooled):
    first = _pid_and_run(pooled, "SELECT 1")
    raw = pooled.connection
    pooled.close()
    assert _from_elsewhere("SELECT pg_terminate_backend(%s)", [first])
    assert select.select([raw.fileno()], [], [], 10)[0], "the server's goodbye never came"
    pooled.connect()
    assert pooled.connection.info.backend_pid != first
    assert pooled.connection.execute("SELECT 2").fetchone() == (2,)
