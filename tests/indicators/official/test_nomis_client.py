"""The Nomis client against recorded answers served on loopback: never the network."""

import threading
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache

from indicators.official.models import Import, Indicator, Observation, ObservationStatus
from indicators.official.nomis_client import NomisError, NomisQuery, nomis_fetch_csv
from indicators.official.services.nomis_fetch import LOCK_KEY, nomis_fetch, nomis_fetch_scheduled
from tests.indicators.official.helpers import DATA, city_of_london_lsoas, snapshot, values_by_area

RECORDED = DATA / "nomis"
QUERY = NomisQuery(dataset="NM_162_1", geography="TYPE298", date="2024-01-2024-02", params={"measure": "1"})


class FakeNomis(BaseHTTPRequestHandler):
    """Serves the recorded page for the RecordOffset asked; ``pages`` maps offset → file name."""

    pages: dict[int, str] = {}
    requests: list[str] = []

    def do_GET(self):
        type(self).requests.append(self.path)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        name = self.pages.get(int(query.get("RecordOffset", ["0"])[0]))
        if name is None:
            self.send_error(404)
            return
        body = (RECORDED / name).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nomis(settings):
    pages = {n: f"NM_162_1_TYPE298_offset{n}.csv" for n in (0, 3, 6)}
    handler = type("Handler", (FakeNomis,), {"pages": pages, "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.REBALANCE_NOMIS_BASE_URL = f"http://127.0.0.1:{server.server_port}/api/v01"
    settings.REBALANCE_NOMIS_TIMEOUT = 5
    settings.REBALANCE_NOMIS_PAGE_SIZE = 3
    yield handler
    server.shutdown()
    server.server_close()


def test_builds_urls_for_dataset_geography_dates_and_columns():
    query = NomisQuery(
        dataset="NM_162_1",
        geography="TYPE298",
        date="latestMINUS2-latest",
        params={"measure": "1", "gender": "0"},
        select=("date_name", "GEOGRAPHY_CODE", "OBS_VALUE"),
    )
    url = query.url(base_url="https://www.nomisweb.co.uk/api/v01/", offset=50_000)
    assert url == (
        "https://www.nomisweb.co.uk/api/v01/dataset/NM_162_1.data.csv?geography=TYPE298&date=latestMINUS2-latest"
        "&measure=1&gender=0&select=DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE,RECORD_OFFSET,RECORD_COUNT"
        "&RecordOffset=50000&RecordLimit=25000"
    )


def test_pages_through_the_answer_until_record_count(nomis):
    answer = nomis_fetch_csv(QUERY)

    assert (answer.rows, answer.pages) == (8, 3)
    offsets = [urllib.parse.parse_qs(urllib.parse.urlsplit(p).query)["RecordOffset"][0] for p in nomis.requests]
    assert offsets == ["0", "3", "6"]
    lines = answer.content.decode().splitlines()
    assert len(lines) == 9
    assert lines[0].startswith("DATE,DATE_NAME")


def test_a_cut_short_page_is_an_error(nomis):
    nomis.pages[3] = "NM_162_1_TYPE298_offset3_cut_short.csv"
    with pytest.raises(NomisError, match=r"has 2 rows where 3 were due .*cut short"):
        nomis_fetch_csv(QUERY)


def test_an_answer_that_stops_early_is_an_error(nomis):
    del nomis.pages[6]
    with pytest.raises(NomisError, match="HTTP 404"):
        nomis_fetch_csv(QUERY)


@pytest.mark.django_db
def test_fetch_imports_every_page(nomis):
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = nomis_fetch(query=QUERY, indicator=claimants)
    assert imp.status == Import.Status.SUCCEEDED
    assert imp.rows_read == 8
    assert imp.source.startswith("Nomis API: http://127.0.0.1:")
    assert imp.dataset_id == "NM_162_1"
    found = values_by_area(claimants)
    assert found[("E01000005", "January 2024")] == (None, ObservationStatus.MISSING, "Q")
    assert found[("E01000005", "February 2024")] == (Decimal(35), ObservationStatus.NORMAL, "A")
    assert found[("E01000003", "February 2024")][0] == Decimal(15)


@pytest.mark.django_db
def test_no_network_is_a_clear_error_and_nothing_changes(settings):
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    settings.REBALANCE_NOMIS_BASE_URL = "http://127.0.0.1:9/api/v01"  # discard port: nothing listens
    settings.REBALANCE_NOMIS_TIMEOUT = 2
    before = snapshot()
    imports = Import.objects.count()

    with pytest.raises(NomisError, match=r"cannot reach Nomis .* nothing was imported"):
        nomis_fetch(query=QUERY, indicator=claimants)

    assert snapshot() == before
    assert Import.objects.count() == imports


@pytest.mark.django_db
def test_the_scheduled_fetch_never_overlaps_itself(nomis, settings):
    city_of_london_lsoas()
    settings.REBALANCE_NOMIS_FETCHES = [
        {"indicator": "claimant-count", "dataset": "NM_162_1", "geography": "TYPE298", "date": "2024-01-2024-02"}
    ]
    cache.add(LOCK_KEY, "locked", 60)
    assert nomis_fetch_scheduled() == []
    assert nomis.requests == []

    cache.delete(LOCK_KEY)
    nomis.pages[0] = "NM_162_1_TYPE298_offset0.csv"
    ids = nomis_fetch_scheduled()
    assert len(ids) == 1
    assert Observation.objects.count() == 8
    assert cache.get(LOCK_KEY) is None


def test_the_monthly_fetch_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["indicators-fetch-nomis-monthly"]
    assert entry["task"] == "indicators.fetch_nomis_monthly"
    from config.celery import app

    app.loader.import_default_modules()
    assert "indicators.fetch_nomis_monthly" in app.tasks


@pytest.mark.redis
@pytest.mark.django_db
def test_the_fetch_lock_is_shared_through_redis(settings, nomis):
    import os

    import redis
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "rb-official-test",
        }
    }
    shared = caches["default"]
    shared.delete(LOCK_KEY)
    settings.REBALANCE_NOMIS_FETCHES = [{"indicator": "claimant-count", "dataset": "NM_162_1", "geography": "TYPE298"}]
    # Another process (a second beat or worker) holds the lock: seen through Redis itself, not this process's memory.
    other = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = shared.make_key(LOCK_KEY)
    other.set(key, shared.client.encode("locked"), ex=60)
    try:
        assert nomis_fetch_scheduled() == []
        assert nomis.requests == []
    finally:
        other.delete(key)
