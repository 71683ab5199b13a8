"""Reads of the comparison groups: a neighbourhood's statistical neighbours and the interventions' estimated
effects, through the user's scope.

Scope. A neighbourhood's statistical neighbours may lie in other authorities (they are found across every
neighbourhood Rebalance holds, as LG Inform's are across England). The user sees the neighbours of the places they
may see, each by name, authority and distance: a neighbourhood's name is no personal data, its distance is made of
published official figures (deprivation, population, claimant counts), and a comparison the officer cannot name is
one they cannot check. A neighbour outside their places is not linked and none of its own figures is shown.

An estimate's comparison group may hold such places too. Its figures are means over the group; a group of fewer
than MIN_OUTSIDE_GROUP neighbourhoods that includes a place outside the user's would show that place's own figure,
so such an estimate is withheld from that user, with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet

from indicators.access.scope import scope_for
from indicators.core.report_vocabulary import FACTOR_LABELS
from indicators.engine.models import EffectEstimate, StatisticalNeighbour
from indicators.engine.selectors.verdicts import (
    EFFECT_BETTER,
    EFFECT_NO_CLEAR_DIFFERENCE,
    EFFECT_WORSE,
    effect_verdict,
)
from indicators.places.models import Neighbourhood

MIN_OUTSIDE_GROUP = 3
OUTSIDE_SCOPE = (
    "Its comparison group has fewer than {n} neighbourhoods and some are outside your places, so its figures "
    "would show theirs."
)


@dataclass(frozen=True)
class Neighbour:
    neighbourhood: Neighbourhood
    rank: int
    distance: float
    visible: bool  # the user may open its page


@dataclass(frozen=True)
class Neighbours:
    neighbours: list[Neighbour]
    basis: dict = field(default_factory=dict)

    @property
    def measures(self) -> dict[str, list[str]]:
        return self.basis.get("measures", {})

    @property
    def baseline_period(self) -> str:
        return self.basis.get("baseline_period", "")


def yours(user, neighbourhood: Neighbourhood) -> bool:
    """Whether the user may see this neighbourhood: Neighbourhood.visible_to's rule, from the scope the request
    has already read (no query)."""
    scope = scope_for(user)
    return (
        scope.everything
        or neighbourhood.local_authority_id in scope.local_authority_ids
        or neighbourhood.pk in scope.neighbourhood_ids
    )


def statistical_neighbours(*, user, neighbourhood_id: int) -> Neighbours:
    """A visible neighbourhood's statistical neighbours, nearest first (empty for one the user may not see)."""
    rows = list(
        StatisticalNeighbour.objects.visible_to(user)
        .filter(neighbourhood_id=neighbourhood_id)
        .select_related("neighbour__local_authority")
        .order_by("rank")
    )
    return Neighbours(
        [Neighbour(r.neighbour, r.rank, r.distance, yours(user, r.neighbour)) for r in rows],
        rows[0].basis if rows else {},
    )


@dataclass
class Effect:
    """An estimate as a user may see it, with its comparison group's names."""

    row: EffectEstimate
    comparison: list[Neighbourhood]
    verdict: str  # verdicts.effect_verdict, '' without an estimate
    withheld_reason: str = ""

    @property
    def withheld(self) -> bool:
        return bool(self.withheld_reason)


def _scoped(rows: list[EffectEstimate], user) -> list[Effect]:
    ids = {n for row in rows for n in row.comparison_ids}
    places = Neighbourhood.objects.select_related("local_authority").in_bulk(ids)
    effects = []
    for row in rows:
        group = [places[n] for n in row.comparison_ids if n in places]
        reason = row.withheld_reason if row.withheld else ""
        small = row.status == EffectEstimate.Status.ESTIMATED and len(group) < MIN_OUTSIDE_GROUP
        if not reason and small and not all(yours(user, n) for n in group):
            reason = OUTSIDE_SCOPE.format(n=MIN_OUTSIDE_GROUP)
        verdict = "" if reason else effect_verdict(measure=row.measure, ci_low=row.ci_low, ci_high=row.ci_high)
        effects.append(Effect(row, group, verdict, reason))
    return effects


def effect_estimates(*, user, neighbourhood_id: int | None = None, intervention_id: int | None = None) -> list[Effect]:
    """The estimates the user may see, of one neighbourhood or one intervention (or all), worklessness first."""
    rows = EffectEstimate.objects.visible_to(user).select_related("intervention", "neighbourhood")
    if neighbourhood_id is not None:
        rows = rows.filter(neighbourhood_id=neighbourhood_id)
    if intervention_id is not None:
        rows = rows.filter(intervention_id=intervention_id)
    ordered = sorted(
        rows,
        key=lambda r: (-r.intervention.start_date.toordinal(), r.intervention_id, r.neighbourhood_id,
                       r.measure != "worklessness", r.measure),
    )  # fmt: skip
    return _scoped(ordered, user)


def effects_first_measurable(*, user, since: dt.datetime) -> list[Effect]:
    """Estimates first made at or after ``since`` (an intervention reaching its first measurable point), in the
    user's places: for the alerts and the weekly digest."""
    rows = (
        EffectEstimate.objects.visible_to(user)
        .filter(status=EffectEstimate.Status.ESTIMATED, measurable_since__gte=since)
        .select_related("intervention", "neighbourhood")
        .order_by("measurable_since", "intervention_id", "neighbourhood_id", "measure")
    )
    return _scoped(list(rows), user)


def effect_rows(*, user) -> QuerySet[EffectEstimate]:
    """Every estimate row the user may see (the API's list), unscoped comparison groups not yet applied."""
    return EffectEstimate.objects.visible_to(user).select_related("intervention", "neighbourhood")


# --- words ----------------------------------------------------------------------------------------------------
# Said the same way on the pages, in the API and in the alerts. They never claim a cause: what changed here
# against what changed in places like it, over the same periods.


def signed(value: float, places: int = 1) -> str:
    """+0.5, −0.5 (a true minus sign), 0.0."""
    text = f"{abs(value):.{places}f}"
    if round(value, places) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def plain(value: float, places: int = 1) -> str:
    """A number that may be negative, with a true minus sign: 1.1, −0.1."""
    text = f"{abs(value):.{places}f}"
    return "−" + text if value < 0 and round(value, places) != 0 else text


def measure_name(measure: str) -> str:
    if measure == "worklessness":
        return "worklessness"
    return f"the {FACTOR_LABELS.get(measure, measure).lower()} score"


def comparison_name(kind: str) -> str:
    if kind == EffectEstimate.Comparison.NEIGHBOURS:
        return "similar neighbourhoods"
    return "other neighbourhoods without a programme at the time"


VERDICT_WORDS = {
    EFFECT_BETTER: "Better than {group}",
    EFFECT_NO_CLEAR_DIFFERENCE: "No clear difference from {group}",
    EFFECT_WORSE: "Worse than {group}",
}


def verdict_words(effect: Effect) -> str:
    if not effect.verdict:
        return ""
    return VERDICT_WORDS[effect.verdict].format(group=comparison_name(effect.row.comparison_kind))


def effect_sentence(effect: Effect) -> str:
    """'Worklessness fell 0.6 points more than in similar neighbourhoods since the programme started (95% interval
    0.1 to 1.1).' Empty when there is no estimate to show."""
    row = effect.row
    if effect.withheld or row.status != EffectEstimate.Status.ESTIMATED:
        return ""
    here, there, d = row.treated_change, row.comparison_change, row.estimate
    name, group = measure_name(row.measure), comparison_name(row.comparison_kind)
    name = name[0].upper() + name[1:]
    low, high = (row.ci_low, row.ci_high) if d >= 0 else (-row.ci_high, -row.ci_low)
    interval = f"95% interval {plain(low)} to {plain(high)}"
    if round(here, 1) == 0:
        went = "rose" if there > 0 else "fell"
        return (
            f"{name} hardly changed here while it {went} {abs(there):.1f} points in {group} since the programme "
            f"started: a gap of {abs(d):.1f} points ({interval})."
        )
    went = "fell" if here < 0 else "rose"
    if (here < 0 and there <= 0) or (here > 0 and there >= 0):
        more = "more" if abs(here) > abs(there) else "less"
        return f"{name} {went} {abs(d):.1f} points {more} than in {group} since the programme started ({interval})."
    other = "rose" if there > 0 else "fell"
    return (
        f"{name} {went} {abs(here):.1f} points here while it {other} {abs(there):.1f} in {group} since the programme "
        f"started: a gap of {abs(d):.1f} points ({interval})."
    )
