"""What happens after official figures change. Called after the import's transaction commits.

The monitoring engine wires ``observations_changed`` to its recalculation task; until then it only logs.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def observations_changed(import_id: int) -> None:
    """An import stored new or corrected observations (``Import`` ``import_id``): recalculate what depends on them."""
    logger.info("official observations changed by import %s", import_id)


def notify_observations_changed(import_id: int) -> None:
    """Call ``observations_changed`` and never let a failure there (a broker that is down) undo or fail the import:
    the figures are committed; the engine catches up on its next run."""
    try:
        observations_changed(import_id)
    except Exception:
        logger.exception("could not queue recalculation after import %s; the figures are stored", import_id)
