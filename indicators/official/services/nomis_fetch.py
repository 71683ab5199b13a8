"""Fetching a series from the Nomis API and importing it; the monthly schedule, with a lock."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

from indicators.official.importing.nomis import nomis_import
from indicators.official.models import Import, Indicator
from indicators.official.nomis_client import NomisError, NomisQuery, nomis_fetch_csv

logger = logging.getLogger(__name__)

LOCK_KEY = "indicators:nomis-fetch-lock"
LOCK_SECONDS = 2 * 60 * 60


def nomis_fetch(
    *, query: NomisQuery, indicator: Indicator, where: dict[str, str] | None = None, user=None, progress=None
) -> Import:
    """Download every row of ``query`` (NomisError if that fails: nothing stored changes), then import it."""
    answer = nomis_fetch_csv(query)
    name = f"{query.dataset}_{query.geography}_{query.date}.csv".replace("/", "-")
    return nomis_import(
        source=answer.content,
        indicator=indicator,
        where=where,
        file_name=name,
        source_label=f"Nomis API: {answer.url} ({answer.pages} page(s), {answer.rows:,} rows)"[:200],
        dataset_id=query.dataset,
        user=user,
        progress=progress,
    )


def nomis_fetch_scheduled() -> list[int]:
    """Run every fetch in ``REBALANCE_NOMIS_FETCHES`` unless another run holds the lock. Returns Import ids.

    A fetch that fails is logged and the others still run; the error is raised at the end so the task shows it.
    """
    if not cache.add(LOCK_KEY, "locked", LOCK_SECONDS):
        logger.info("a Nomis fetch is already running; not starting another")
        return []
    done, failures = [], []
    try:
        for spec in settings.REBALANCE_NOMIS_FETCHES:
            query = NomisQuery(
                dataset=spec["dataset"],
                geography=spec["geography"],
                date=spec.get("date", "latest"),
                params=spec.get("params", {}),
                select=tuple(spec.get("select", ())),
            )
            try:
                indicator = Indicator.objects.get(slug=spec["indicator"])
                done.append(nomis_fetch(query=query, indicator=indicator, where=spec.get("where")).pk)
            except Exception as exc:  # one series failing must not stop the others
                logger.error("Nomis fetch of %s for %s failed: %s", spec["dataset"], spec["indicator"], exc)
                failures.append(f"{spec['dataset']}: {exc}")
    finally:
        cache.delete(LOCK_KEY)
    if failures:
        raise NomisError("; ".join(failures))
    return done
