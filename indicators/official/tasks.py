"""Celery tasks for indicators. Each takes ids, is safe to run twice, and says what it touches."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from indicators.official.services.import_files import import_files_expire
from indicators.official.services.import_runs import ImportBusyError, import_run, import_run_queued
from indicators.official.services.nomis_fetch import nomis_fetch_scheduled

logger = logging.getLogger(__name__)


# === Official data: imports and the Nomis fetch ================================================================


@shared_task(
    name="indicators.import_observations",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ImportBusyError, OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=20,
)
def import_observations_task(import_id: int) -> str:
    """Check and store the file of a queued ``Import`` (Nomis or tidy CSV).

    Touches: Observation, Period, ObservationRevision for the import's indicator, and the Import row itself.
    Idempotent: a finished import is left alone; a file already stored is recognised by its hash; the write is one
    transaction, so a worker lost mid-way leaves nothing half-loaded and the re-delivered task starts again;
    while a dead worker's database session still holds the import, it retries with backoff. Each run is counted
    when it starts, and the delivery after ``REBALANCE_IMPORT_MAX_ATTEMPTS`` runs that stopped the worker marks the
    import failed instead of reading the file again.
    """
    return import_run(import_id=import_id).status


@shared_task(
    name="indicators.import_areas",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ImportBusyError, OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=False,
    max_retries=20,
)
def import_areas_task(import_id: int) -> str:
    """Check and store the file of areas of a queued ``Import`` (format ``areas``: CSV or ONS GeoJSON).

    Touches: SmallArea (name, authority, outline; a custom area's member LSOAs) of the kind the upload names, and
    the Import row. Idempotent as ``import_observations_task`` is, by the same run: claimed before it runs, counted,
    given up after ``REBALANCE_IMPORT_MAX_ATTEMPTS`` runs that stopped the worker; the write is one transaction, and
    the same file again changes no area.
    """
    return import_run(import_id=import_id).status


@shared_task(name="indicators.run_queued_imports", acks_late=True)
def run_queued_imports_task() -> list[int]:
    """Run uploads left queued because the broker was down when they were stored (older than two minutes, so a
    fresh upload's own task goes first). Touches what ``import_observations_task`` touches; each import is claimed
    before it runs, so overlapping runs are harmless."""
    return import_run_queued(older_than=dt.timedelta(minutes=2))


@shared_task(name="indicators.fetch_nomis_monthly", acks_late=True)
def fetch_nomis_monthly_task() -> list[int]:
    """Fetch each series in ``REBALANCE_NOMIS_FETCHES`` from the Nomis API and import it.

    Holds a cache lock so that it never overlaps itself. Touches what ``import_observations_task`` touches.
    Without network access it fails with a clear error and nothing stored changes.
    """
    return nomis_fetch_scheduled()


@shared_task(name="indicators.delete_expired_import_files", acks_late=True)
def delete_expired_import_files_task() -> int:
    """Nightly: delete the stored upload of every import that finished more than
    ``REBALANCE_IMPORT_FILE_RETENTION_DAYS`` ago. Touches the files and the Import's ``file`` and
    ``file_deleted_at``; its name and SHA-256 stay. Safe to run twice."""
    return import_files_expire()
