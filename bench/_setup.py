"""Shared start-up for the benchmarks: a PostgreSQL database of their own, migrated."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_on_postgres(default_name: str) -> None:
    """Point Django at DATABASE_URL (default: a local database named for the benchmark), create and migrate it."""
    import psycopg

    url = os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{default_name}")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("The benchmarks measure PostgreSQL: set DATABASE_URL=postgres://…")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    sys.path.insert(0, str(ROOT))
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base.replace('postgres://', 'postgresql://')}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
