"""Which deprivation edition and cut define "deprived": decided here, once, for every page, report and rollup.

The rule, in order:

1. ``REBALANCE_DEPRIVATION_EDITION`` when it is set: the site has chosen (say, to stay on IoD2019 while comparing
   with the report's decade).
2. Otherwise the latest *complete* edition: one whose ranks are stored for every LSOA England has on its
   boundaries (32,844 LSOAs for IoD2019, 33,755 for IoD2025). A partial load (``import_imd --partial``) can never
   make an edition complete, so it never moves the set.
3. Otherwise (a site that holds only some areas, like the demo) the edition loaded first, kept until an edition is
   complete: a later partial load of another edition does not displace it.
4. With nothing loaded, IoD2019, the edition the report's successors used.

The cut is ``REBALANCE_DEPRIVED_MAX_DECILE`` (1: the most deprived 10%; 2: 20%).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Min

from indicators.places.models import Deprivation

# How many LSOAs a complete national file has (DOMAIN.md): the completeness rule's yardstick.
NATIONAL_LSOA_COUNT = {Deprivation.Edition.IOD2019: 32_844, Deprivation.Edition.IOD2025: 33_755}

BY_SETTING = "setting"
LATEST_COMPLETE = "latest complete"
FIRST_LOADED = "first loaded"
NONE_LOADED = "none loaded"
NAMED = "named"


@dataclass(frozen=True)
class EditionLoad:
    edition: str
    areas: int  # LSOAs ranked in this edition that are stored

    @property
    def complete(self) -> bool:
        return self.areas >= NATIONAL_LSOA_COUNT.get(self.edition, 0) > 0


@dataclass(frozen=True)
class DeprivedSet:
    """The edition and cut in force, why, and how many LSOAs they make deprived."""

    edition: str
    max_decile: int
    chosen_by: str
    areas: int  # deprived LSOAs stored for this edition and cut
    complete: bool

    @property
    def edition_label(self) -> str:
        return Deprivation.Edition(self.edition).label

    @property
    def cut(self) -> str:
        """'the most deprived 10% (IMD decile 1)' or '… 20% (IMD deciles 1 and 2)'."""
        deciles = "decile 1" if self.max_decile == 1 else f"deciles 1 to {self.max_decile}"
        return f"the most deprived {10 * self.max_decile}% of LSOAs in England (IMD {deciles})"

    @property
    def why(self) -> str:
        return {
            BY_SETTING: "chosen by this site's setting REBALANCE_DEPRIVATION_EDITION",
            LATEST_COMPLETE: "the latest edition loaded for every LSOA in England",
            FIRST_LOADED: (
                "no edition is loaded for every LSOA in England, so the first edition loaded is kept until one is"
            ),
            NONE_LOADED: "no deprivation figures are loaded yet",
            NAMED: "named for this report",
        }[self.chosen_by]

    def describe(self) -> str:
        return f"{self.cut} on the {self.edition_label} ({self.why})"


@dataclass(frozen=True)
class _Loaded:
    """What is stored, in one small query: rows per edition and decile, and the first row of each edition."""

    counts: dict[tuple[str, int], int]
    first_rows: dict[str, int]

    @property
    def loads(self) -> dict[str, EditionLoad]:
        totals: dict[str, int] = {}
        for (edition, _), n in self.counts.items():
            totals[edition] = totals.get(edition, 0) + n
        return {e: EditionLoad(e, n) for e, n in totals.items()}

    def deprived(self, edition: str, max_decile: int) -> int:
        return sum(n for (e, decile), n in self.counts.items() if e == edition and decile <= max_decile)


def _loaded() -> _Loaded:
    # At most twenty groups (two editions × ten deciles); it runs on most pages, so it is one query.
    rows = Deprivation.objects.values("edition", "decile").annotate(n=Count("*"), first=Min("pk")).order_by()
    counts, first_rows = {}, {}
    for r in rows:
        counts[r["edition"], r["decile"]] = r["n"]
        first_rows[r["edition"]] = min(first_rows.get(r["edition"], r["first"]), r["first"])
    return _Loaded(counts, first_rows)


def edition_loads() -> dict[str, EditionLoad]:
    return _loaded().loads


def _chosen(loaded: _Loaded | None = None) -> tuple[str, str]:
    configured = getattr(settings, "REBALANCE_DEPRIVATION_EDITION", "")
    if configured:
        return configured, BY_SETTING
    loaded = _loaded() if loaded is None else loaded
    complete = sorted(e for e, load in loaded.loads.items() if load.complete)
    if complete:
        return complete[-1], LATEST_COMPLETE
    if loaded.first_rows:
        # The edition whose rows were stored first (the lowest id).
        return min(loaded.first_rows, key=loaded.first_rows.__getitem__), FIRST_LOADED
    return Deprivation.Edition.IOD2019, NONE_LOADED


def deprived_edition() -> str:
    """The edition that decides which LSOAs are deprived (the rule above)."""
    return _chosen()[0]


def deprived_max_decile() -> int:
    return settings.REBALANCE_DEPRIVED_MAX_DECILE


def deprived_set(*, edition: str | None = None, max_decile: int | None = None) -> DeprivedSet:
    """The set in force (or the one named), with its reason and size: one query."""
    loaded = _loaded()
    chosen, why = _chosen(loaded)
    if edition is not None and edition != chosen:
        chosen, why = edition, NAMED
    cut = max_decile or deprived_max_decile()
    load = loaded.loads.get(chosen)
    return DeprivedSet(chosen, cut, why, loaded.deprived(chosen, cut), bool(load and load.complete))


def load_outcome(*, before: DeprivedSet, after: DeprivedSet, edition: str, partial: bool) -> str:
    """What a deprivation load did and did not change about the deprived set, in one or two sentences."""
    load = edition_loads().get(edition)
    held = f"{load.areas:,} of England's {NATIONAL_LSOA_COUNT[edition]:,} LSOAs" if load else "no LSOAs"
    label = Deprivation.Edition(edition).label
    if (before.edition, before.areas) == (after.edition, after.areas):
        text = (
            f"The deprived set is unchanged: {after.areas:,} LSOAs, {after.cut} on the {after.edition_label} "
            f"({after.why})."
        )
        if edition != after.edition:
            text += f" The {label} now holds {held}"
            text += "; a partial load never changes which edition is in force." if partial else "; it is not in force."
        return text
    return (
        f"The deprived set changed from {before.areas:,} LSOAs on the {before.edition_label} to {after.areas:,} "
        f"LSOAs, {after.cut} on the {after.edition_label} ({after.why}). Stored benchmarks follow at the next "
        "recompute (manage.py aggregate)."
    )
