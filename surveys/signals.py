"""The one port through which surveys tells the layers above that a response was completed.

The submission calls ``dispatch_response_completed``, which waits for the transaction to commit and then sends
``response_completed`` (the monitoring engine connects to it and queues its refresh; a run already waiting
covers it). Surveys never imports the engine: the signal is the only way up. A broker outage must never fail
a submission, so the dispatcher catches and logs anything a receiver raises, and the engine's catch-up job finds
the response later.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent once per completed (or withdrawn) response after its transaction commits, with wave_id and neighbourhood_id.
response_completed = Signal()


def announce_response_completed(*, wave_id: int, neighbourhood_id: int) -> None:
    response_completed.send(sender=None, wave_id=wave_id, neighbourhood_id=neighbourhood_id)


def _run_safely(response_id: int, wave_id: int, neighbourhood_id: int) -> None:
    try:
        announce_response_completed(wave_id=wave_id, neighbourhood_id=neighbourhood_id)
    except Exception:  # the broker or the engine being down must not fail the resident's submission
        logger.exception("could not hand completed response %s on; the engine's sweep will find it", response_id)


def dispatch_response_completed(*, response_id: int, wave_id: int, neighbourhood_id: int) -> None:
    transaction.on_commit(lambda: _run_safely(response_id, wave_id, neighbourhood_id))
