"""How far an import has got: reported while it runs, read by the page that shows it."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache

from indicators.official.models import Import

Progress = Callable[[str, int, int], None]  # (phase, done, total)
PHASES = {"reading": (0, 20), "checking": (20, 50), "writing": (70, 30)}  # where each starts, and its share


def progress_key(import_id: int) -> str:
    return f"indicators:import-progress:{import_id}"


# What each phase is, in the words the imports pages use.
PHASE_WORDS = {
    "reading": "reading the file (its size, lines and columns)",
    "checking": "checking every row",
    "writing": "storing the figures",
}


def import_progress(imp: Import) -> dict:
    """What the browser shows while an import runs: the phase (and what it is, in words) and per cent done."""
    live = cache.get(progress_key(imp.pk)) if not imp.finished else None
    if not live:
        live = {"phase": imp.get_status_display(), "percent": 100 if imp.finished else imp.progress}
    phase = live["phase"]
    return {**live, "words": PHASE_WORDS.get(phase, "waiting for a worker" if phase == "Queued" else phase.lower())}


def progress_reporter(imp: Import, extra: Progress | None) -> Progress:
    # Reading the file is the first 20%, checking its rows up to 70%, writing the rest. The figure goes to the
    # cache, seen across transactions and processes.
    def report(phase: str, done: int, total: int) -> None:
        share = done / total if total else 1
        start, width = PHASES.get(phase, (70, 30))
        percent = start + int(share * width)
        cache.set(progress_key(imp.pk), {"phase": phase, "percent": percent}, 60 * 60)
        if extra:
            extra(phase, done, total)

    return report
