"""What happens after a response is completed, outside the request that completed it.

The submission queues ``response_completed`` with ``transaction.on_commit``
through ``dispatch_response_completed``; the hook asks the monitoring engine
to refresh the response's neighbourhood and wave (a run already waiting covers
it). A broker outage must never fail a submission, so the dispatcher catches and
logs anything the hook raises, and the engine's catch-up job finds the response
later.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def response_completed(*, wave_id: int, neighbourhood_id: int) -> None:
    """Called once per completed (or withdrawn) response, after its transaction commits: ask for the
    engine's incremental update of the response's neighbourhood and wave (one run covers a burst)."""
    from indicators.engine.tasks import request_refresh

    request_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood_id)


def _run_safely(response_id: int, wave_id: int, neighbourhood_id: int) -> None:
    try:
        response_completed(wave_id=wave_id, neighbourhood_id=neighbourhood_id)
    except Exception:  # the broker or the engine being down must not fail the resident's submission
        logger.exception("could not hand completed response %s on; the engine's sweep will find it", response_id)


def dispatch_response_completed(*, response_id: int, wave_id: int, neighbourhood_id: int) -> None:
    transaction.on_commit(lambda: _run_safely(response_id, wave_id, neighbourhood_id))
