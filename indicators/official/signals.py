"""The one port through which official data tells the layers above that stored figures changed.

An import that stored new or corrected observations calls ``notify_observations_changed`` after its transaction
commits; that sends ``observations_changed`` (the monitoring engine connects to it and queues its recalculation of
the periods the import touched). Official data never imports the engine: the signal is the only way up.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent once per import that stored new or corrected observations, with import_id.
observations_changed = Signal()


def announce_observations_changed(import_id: int) -> None:
    logger.info("official observations changed by import %s", import_id)
    observations_changed.send(sender=None, import_id=import_id)


def notify_observations_changed(import_id: int) -> None:
    """Announce the change and never let a failure there (a broker that is down) undo or fail the import:
    the figures are committed; the engine catches up on its next run."""
    try:
        announce_observations_changed(import_id)
    except Exception:
        logger.exception("could not queue recalculation after import %s; the figures are stored", import_id)
