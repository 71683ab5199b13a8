"""The site's WSGI application for gunicorn, plus two bare endpoints the benchmarks measure it against.

Served by the same gunicorn, workers, settings and client loop as the site, each answers one path
itself, before Django's handler, middleware or URLs see the request, so its time is the least a request
of that kind costs on this stack:

- ``POST /_bench/bare-insert``: the request's body written as one row into a table of the benchmark's
  own (``bench_bare_write``, made by ``bare_table_create``), through psycopg on a connection kept by each
  worker thread, and committed; answers 201 with a small JSON body. The floor for a web write.
- ``GET /_bench/bare-render/<bytes>``: a trivial Django template rendered to a body of that many bytes,
  with no database query; answers 200. The floor for a page.

Nothing here is reachable from the site's own URLs or settings: gunicorn has to be pointed at this module.
"""

from __future__ import annotations

import json
import os
import threading

import psycopg

BARE_INSERT_PATH = "/_bench/bare-insert"
BARE_RENDER_PREFIX = "/_bench/bare-render/"
BARE_TABLE = "bench_bare_write"

# As config.wsgi: the benchmark's environment says which settings, production when it does not.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

_django = None
_local = threading.local()
_fillers: dict[int, str] = {}
_template = None
# Everything of the page but the filler; the filler makes up the rest of the bytes asked for.
_TEMPLATE_TEXT = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>{{ title }}</title></head>\n'
    "<body><p>{{ filler }}</p></body></html>\n"
)


def bare_render_path(size: int) -> str:
    return f"{BARE_RENDER_PREFIX}{size}"


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def bare_table_create(database_url: str) -> None:
    """A fresh, empty table for the bare INSERT endpoint, in the benchmark's database."""
    with psycopg.connect(_dsn(database_url), autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
        conn.execute(f"CREATE TABLE {BARE_TABLE} (id bigserial PRIMARY KEY, payload text NOT NULL)")


def bare_table_count(database_url: str) -> int:
    with psycopg.connect(_dsn(database_url), autocommit=True) as conn:
        return conn.execute(f"SELECT count(*) FROM {BARE_TABLE}").fetchone()[0]


def django_application(environ, start_response):
    global _django
    if _django is None:
        from django.core.wsgi import get_wsgi_application

        _django = get_wsgi_application()
    return _django(environ, start_response)


def _answer(start_response, status: str, body: bytes, content_type: str) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def bare_insert(environ, start_response):
    payload = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
    try:
        # Kept per thread, as Django keeps its own: one per sync worker, one per thread of a gthread worker.
        conn = getattr(_local, "conn", None)
        if conn is None or conn.closed:
            conn = _local.conn = psycopg.connect(_dsn(os.environ["DATABASE_URL"]))
        row_id = conn.execute(f"INSERT INTO {BARE_TABLE} (payload) VALUES (%s) RETURNING id", [payload]).fetchone()[0]
        conn.commit()
    except psycopg.Error:
        if getattr(_local, "conn", None) is not None:
            _local.conn.close()
        return _answer(start_response, "500 Internal Server Error", b'{"error": "database"}', "application/json")
    return _answer(start_response, "201 Created", json.dumps({"id": row_id}).encode(), "application/json")


def bare_render(environ, start_response):
    global _template
    try:
        size = int(environ["PATH_INFO"].removeprefix(BARE_RENDER_PREFIX))
    except ValueError:
        return _answer(start_response, "404 Not Found", b"", "text/plain")
    if _template is None:
        import django
        from django.template import engines

        django.setup(set_prefix=False)  # as the site's handler does; nothing more if it has already

        _template = engines["django"].from_string(_TEMPLATE_TEXT)
    filler = _fillers.get(size)
    if filler is None:
        from django.utils.safestring import mark_safe

        empty = len(_template.render({"title": "bare", "filler": ""}).encode())
        filler = _fillers[size] = mark_safe("x" * max(0, size - empty))  # noqa: S308  (our own letters)
    body = _template.render({"title": "bare", "filler": filler}).encode()
    return _answer(start_response, "200 OK", body, "text/html; charset=utf-8")


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == BARE_INSERT_PATH and environ["REQUEST_METHOD"] == "POST":
        return bare_insert(environ, start_response)
    if path.startswith(BARE_RENDER_PREFIX):
        return bare_render(environ, start_response)
    return django_application(environ, start_response)
