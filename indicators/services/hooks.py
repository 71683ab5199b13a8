"""What happens after official figures change. Called after the import's transaction commits.

``observations_changed`` queues the monitoring engine's recalculation of the periods the import touched.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def observations_changed(import_id: int) -> None:
    """An import stored new or corrected observations (``Import`` ``import_id``): recalculate what depends on them."""
    from indicators.engine.tasks import refresh_after_import

    logger.info("official observations changed by import %s", import_id)
    refresh_after_import.delay(import_id)


def notify_observations_changed(import_id: int) -> None:
    """Call ``observations_changed`` and never let a failure there (a broker that is down) undo or fail the import:
    the figures are committed; the engine catches up on its next run."""
    try:
        observations_changed(import_id)
    except Exception:
        logger.exception("could not queue recalculation after import %s; the figures are stored", import_id)
