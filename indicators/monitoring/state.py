"""Where the figures behind the monitoring pages stand, as short strings that go into cache keys.

Three states, because they change at very different rates and users expect different things of them:

- ``official_state``: imports, deprivation and the worklessness rollups. Changes a few times a month.
- ``setup_state``: waves, invitation codes and matched pairs, which staff make and expect to see at once.
- ``survey_state``: responses and the engine's factor and pair rollups. During fieldwork it changes with
  every refresh after a response, every few seconds on a busy day (the page cache lets a page lag it
  by up to ``REBALANCE_PAGE_FIELDWORK_SECONDS``).

Each is one query, re-read at most every ``REBALANCE_PAGE_STATE_SECONDS`` (default 5).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from config.db.router import lagging_alias
from indicators.engine.models import (
    EffectEstimate,
    FactorScore,
    PairComparison,
    StatisticalNeighbour,
    WorklessnessPoint,
)
from indicators.interventions.models import Intervention
from indicators.official.models import Import
from indicators.places.models import Deprivation, MatchedPair
from surveys.models import Invitation, Response, Wave


def _kept_states(*keys: str) -> list[str]:
    """States read in one query each and kept for ``REBALANCE_PAGE_STATE_SECONDS``, so that a busy site
    reads them a few times a minute rather than on every request; those kept come in one cache round trip."""
    seconds = getattr(settings, "REBALANCE_PAGE_STATE_SECONDS", 5)
    if not seconds:
        return [_READERS[key]() for key in keys]
    kept = cache.get_many(keys)
    read = {key: _READERS[key]() for key in keys if key not in kept}
    if read:
        cache.set_many(read, seconds)
    return [kept[key] if key in kept else read[key] for key in keys]


def _read_state(parts: list[str]) -> str:
    # From the replica when there is one: a key never runs ahead of the figures the pages read.
    with connections[lagging_alias()].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "|".join(str(v) for v in cursor.fetchone())


def _latest(*models) -> list[str]:
    # Table names from the models' metadata, never from a request.
    return [f"(SELECT MAX(id) FROM {m._meta.db_table})" for m in models]  # noqa: S608


def _rewritten(*models) -> list[str]:
    """A rollup's last write and size: a recompute rewrites rows, a withdrawal can remove some."""
    return [
        f"(SELECT MAX(computed_at) FROM {m._meta.db_table}), (SELECT COUNT(*) FROM {m._meta.db_table})"  # noqa: S608
        for m in models
    ]


def _read_official_state() -> str:
    return _read_state(
        [
            *_rewritten(WorklessnessPoint, StatisticalNeighbour, EffectEstimate),
            f"(SELECT MAX(finished_at) FROM {Import._meta.db_table})",  # noqa: S608
            f"(SELECT COUNT(*) FROM {Deprivation._meta.db_table})",  # noqa: S608
            *_latest(Import, Deprivation),
        ]
    )


def _interventions() -> list[str]:
    """Interventions are drawn on the pages: a change (updated_at) or a deletion (the count) shows at once."""
    table = Intervention._meta.db_table
    return [f"(SELECT MAX(updated_at) FROM {table})", f"(SELECT COUNT(*) FROM {table})"]  # noqa: S608


OFFICIAL, SETUP, SURVEY = "pages:official-state", "pages:setup-state", "pages:survey-state"
_READERS = {
    # Imports, deprivation and worklessness rollups; not survey responses.
    OFFICIAL: _read_official_state,
    # Waves, invitation codes and matched pairs: what an officer or admin has just made.
    SETUP: lambda: _read_state([*_latest(Wave, Invitation, MatchedPair), *_interventions()]),
    # Responses and the factor and pair rollups the engine makes of them.
    SURVEY: lambda: _read_state([*_rewritten(FactorScore, PairComparison), *_latest(Response)]),
}


def official_state() -> str:
    return _kept_states(OFFICIAL)[0]


def setup_state() -> str:
    return _kept_states(SETUP)[0]


def survey_state() -> str:
    return _kept_states(SURVEY)[0]


def page_states(*, survey_figures: bool = True) -> tuple[str, str | None]:
    """What a page shows apart from the survey figures (official figures and what staff set up), and the
    survey figures' state (None for a page that shows none), in one cache round trip."""
    official, setup, *survey = _kept_states(OFFICIAL, SETUP, *([SURVEY] if survey_figures else []))
    return f"{official}|{setup}", survey[0] if survey else None
