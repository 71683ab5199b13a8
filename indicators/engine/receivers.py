"""The engine listens at the two ports below it: a completed response, and an import that changed figures."""

from __future__ import annotations

from indicators.engine.tasks import refresh_after_import, request_refresh


def on_response_completed(sender, *, wave_id: int, neighbourhood_id: int, **kwargs) -> None:
    # One incremental update of the response's neighbourhood and wave; a run already waiting covers it.
    request_refresh(wave_id=wave_id, neighbourhood_id=neighbourhood_id)


def on_observations_changed(sender, *, import_id: int, **kwargs) -> None:
    refresh_after_import.delay(import_id)
