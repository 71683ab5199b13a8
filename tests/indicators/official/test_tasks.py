"""A real Celery worker is killed in the middle of an import; the re-delivered task loads the file exactly once."""

from __future__ import annotations

import gzip
import json
import os
import signal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Import, Indicator, Observation
from tests.celery_worker import (
    Worker,
    broker_and_blocker,
    someone_waits_on_a_lock,
    terminate_backends_waiting_on_a_lock,
    wait,
)
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas, values_by_area

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path, monkeypatch):
    """Uploaded files go to a temporary folder (a worker started by the test reads the same one)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))


def test_a_worker_killed_mid_import_leaves_nothing_half_loaded_and_the_task_finishes_it():
    ensure_indicators(Indicator)  # a transactional test may run after another has emptied the tables
    city_of_london_lsoas()
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = Import(indicator=claimants, format=Import.Format.NOMIS, source="upload", file_name="claimants.csv")
    imp.file.save("claimants.csv", ContentFile(CLAIMANTS_EXCEL.read_bytes()), save=True)

    first = second = None
    with broker_and_blocker("import-kill-test") as (producer, queue, blocker):
        try:
            # Hold the observations table so that the import stops inside its write, where we kill it.
            blocker.execute(f"LOCK TABLE {Observation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            first = Worker(queue)
            first.wait_until_ready(producer)
            producer.send_task("indicators.import_observations", args=[imp.pk], queue=queue)
            wait(someone_waits_on_a_lock, "the import to reach its write")
            first.kill()
            blocker.rollback()
            imp.refresh_from_db()
            assert imp.status == Import.Status.RUNNING
            assert Observation.objects.count() == 0  # nothing half-loaded

            second = Worker(queue)
            second.wait_until_ready(producer)
            wait(
                lambda: Import.objects.get(pk=imp.pk).status == Import.Status.SUCCEEDED, "the re-delivered import", 180
            )
        finally:
            for worker in (first, second):
                if worker:
                    worker.kill()

    assert Observation.objects.count() == 5
    assert values_by_area(claimants)[("E01000003", "December 2017")][0] == 15
    assert Import.objects.get(pk=imp.pk).rows_inserted == 5


# === Bounded memory and the attempts cap, with a real worker ====================================================

MB = 1024 * 1024
PEAK_RSS_LIMIT_MB = 250  # a worker child at rest is about 100 MB; the bomb expands to 2 GB, the cap is 1 GB


def pool_child(worker: Worker) -> int:
    """The prefork pool's one child, where the task runs."""
    main = worker.process.pid

    def children() -> list[int]:
        return [int(pid) for pid in Path(f"/proc/{main}/task/{main}/children").read_text().split()]

    wait(lambda: children(), "the worker's pool child")
    return children()[0]


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory since it started (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


def gzip_bomb(expanded_mb: int) -> bytes:
    """A .csv.gz of a few MB that expands to ``expanded_mb`` MB: one compressed member of 16 MB of rows, repeated
    (gzip readers read every member in turn)."""
    rows = b"E01000001,December 2017,15\n" * (16 * MB // 27)
    member = gzip.compress(rows, compresslevel=9)
    return gzip.compress(b"DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE\n") + member * (expanded_mb // 16)


def queued_import(name: str, content: bytes) -> Import:
    claimants = Indicator.objects.get(slug="claimant-count")
    imp = Import(indicator=claimants, format=Import.Format.NOMIS, source="upload", file_name=name)
    imp.file.save(name, ContentFile(content), save=True)
    return imp


def test_a_gzip_bomb_and_a_huge_header_are_refused_in_bounded_memory_with_short_errors():
    ensure_indicators(Indicator)
    bomb = queued_import("bomb.csv.gz", gzip_bomb(2048))
    assert os.path.getsize(bomb.file.path) < 10 * MB
    one_line = gzip.compress(b"OBS_VALUE," * (16 * MB // 10), compresslevel=9)  # no newline: one header line
    wide = queued_import("wide.csv.gz", one_line * 8)

    worker = None
    with broker_and_blocker("import-bomb-test") as (producer, queue, _blocker):
        try:
            worker = Worker(queue)
            worker.wait_until_ready(producer)
            child = pool_child(worker)
            for imp in (bomb, wide):
                producer.send_task("indicators.import_observations", args=[imp.pk], queue=queue)
            wait(lambda: all(Import.objects.get(pk=i.pk).finished for i in (bomb, wide)), "both imports to finish", 60)
            peak = peak_rss_mb(child)
            assert pool_child(worker) == child  # the same child ran both: it was not killed and replaced
        finally:
            if worker:
                worker.kill()

    assert peak < PEAK_RSS_LIMIT_MB, f"the worker child peaked at {peak:.0f} MB"
    for imp, words in (
        (bomb, "expands to more than 1,024 MB: the most an import reads (REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES)"),
        (wide, "the line is longer than 1 MB (REBALANCE_IMPORT_MAX_LINE_BYTES)"),
    ):
        imp.refresh_from_db()
        assert imp.status == Import.Status.FAILED
        assert words in imp.errors[0]["message"]
        assert len(json.dumps(imp.errors)) < 1000
    assert Observation.objects.count() == 0


def test_an_import_that_keeps_killing_its_worker_is_marked_failed_after_the_attempts_cap(settings):
    ensure_indicators(Indicator)
    city_of_london_lsoas()
    imp = queued_import("claimants.csv", CLAIMANTS_EXCEL.read_bytes())
    limit = settings.REBALANCE_IMPORT_MAX_ATTEMPTS

    worker = None
    with broker_and_blocker("import-attempts-test") as (producer, queue, blocker):
        try:
            # Hold the observations table: each run stops inside its write, where its worker child is killed.
            blocker.execute(f"LOCK TABLE {Observation._meta.db_table} IN ACCESS EXCLUSIVE MODE")
            worker = Worker(queue)
            worker.wait_until_ready(producer)
            producer.send_task("indicators.import_observations", args=[imp.pk], queue=queue)
            for attempt in range(1, limit + 1):
                wait(lambda n=attempt: Import.objects.get(pk=imp.pk).attempts == n, f"run {attempt} to start")
                wait(someone_waits_on_a_lock, f"run {attempt} to reach its write")
                os.kill(pool_child(worker), signal.SIGKILL)  # the task is given back at once (reject_on_worker_lost)
                terminate_backends_waiting_on_a_lock()
            wait(lambda: Import.objects.get(pk=imp.pk).finished, "the import to be given up", 60)
        finally:
            blocker.rollback()
            if worker:
                worker.kill()

    imp.refresh_from_db()
    assert imp.status == Import.Status.FAILED
    assert imp.attempts == limit + 1
    assert imp.errors[0]["message"].startswith(f"the worker stopped {limit} times while reading this file")
    assert Observation.objects.count() == 0
