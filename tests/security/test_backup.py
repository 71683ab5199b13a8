"""Backups: scripts/backup.sh dumps a database with data, scripts/restore.sh restores it into a fresh one,
and the two hold the same rows."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from indicators.audit.models import Action
from indicators.audit.services import audit_record
from tests.indicators.monitoring.world import build_world

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as db:
        tables = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(a) for a in args], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )


def test_dump_and_restore_give_the_same_database(tmp_path):
    world = build_world()
    audit_record(actor=world["admin"], action=Action.EXPORT, object_type="indicators:league-export")
    source = _url(connection.settings_dict["NAME"])
    dump = tmp_path / "rebalance.dump"

    made = _run("scripts/backup.sh", dump, DATABASE_URL=source)
    assert made.returncode == 0, made.stderr
    assert made.stdout.split()[0] == str(dump)
    assert oct(dump.stat().st_mode & 0o777) == "0o600"

    fresh = f"rb_restore_{uuid.uuid4().hex[:8]}"
    target = _url(fresh)
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = _run("scripts/restore.sh", dump, target)
        assert restored.returncode == 0, restored.stderr

        before, after = _counts(source), _counts(target)
        assert after == before
        assert before["indicators_neighbourhood"] == 4
        assert before["engine_factorscore"] > 0
        for sql in (
            "SELECT id, name, local_authority_id FROM indicators_neighbourhood ORDER BY id",
            "SELECT id, wave_id, factor, level, responses, withheld, mean FROM engine_factorscore ORDER BY id LIMIT 20",
            "SELECT id, actor, action, object_type FROM audit_auditentry ORDER BY id",
            "SELECT id, username, password FROM auth_user ORDER BY id",
        ):
            assert _rows(target, sql) == _rows(source, sql), sql
        # The audit log is still append-only after a restore.
        assert _rows(target, "SELECT tgname FROM pg_trigger WHERE tgname = 'audit_entry_append_only'")

        # Restoring over a database that has tables is refused.
        again = _run("scripts/restore.sh", dump, target)
        assert again.returncode == 3
        assert "restore only into an empty database" in again.stderr
    finally:
        with psycopg.connect(_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
