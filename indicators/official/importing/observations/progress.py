"""How far an import has got: reported while it runs, read by the page that shows it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

from indicators.official.models import Import

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def progress_key(import_id: int) -> str:
    return f"indicators:import-progress:{import_id}"


def import_progress(imp: Import) -> dict:
    """What the browser shows while an import runs: the phase and per cent done."""
    live = cache.get(progress_key(imp.pk)) if not imp.finished else None
    if live:
        return live
    return {"phase": imp.get_status_display(), "percent": 100 if imp.finished else imp.progress}


def progress_reporter(imp: Import, extra: Progress | None) -> Progress:
    # Checking is the first 70%, writing the rest. The figure goes to the cache (seen across transactions)
    # and, outside the write transaction, to the import row.
    def report(phase: str, done: int, total: int) -> None:
        share = done / total if total else 1
        percent = int(share * 70) if phase == "checking" else 70 + int(share * 30)
        cache.set(progress_key(imp.pk), {"phase": phase, "percent": percent}, 60 * 60)
        if extra:
            extra(phase, done, total)

    return report
