"""A wave's figures from its cells: per neighbourhood, local authority and the wave as a whole, withheld where
a figure (or what subtraction would leave of one) covers too few responses, weighted where the population allows."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from indicators.engine.models import FactorCell, FactorScore, PopulationGroup
from indicators.engine.services.factors.changes import previous_rows, with_change
from indicators.engine.services.factors.sql import write_rows
from indicators.engine.services.stats import Summary, weighted
from indicators.places.models import Neighbourhood
from surveys.models import Wave

Level = FactorScore.Level


class _Group:
    """The cells of one place and factor in one wave, with the population to weight them by."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, str], Summary] = {}
        self.favourable = 0
        self.population: dict[tuple[str, str], int] = {}

    def add(self, age: str, sex: str, summary: Summary, favourable: int) -> None:
        self.cells[(age, sex)] = self.cells.get((age, sex), Summary(0, 0.0, 0.0)) + summary
        self.favourable += favourable

    @property
    def summary(self) -> Summary:
        return sum(self.cells.values(), Summary(0, 0.0, 0.0))

    def weighted(self):
        if not self.population:
            return None
        known = [(s, self.population.get(cell, 0)) for cell, s in self.cells.items() if all(cell)]
        # Weight only when most residents gave their age and sex; otherwise the estimate would mislead.
        if sum(s.n for s, _ in known) < 0.8 * self.summary.n:
            return None
        return weighted(known)


SUMS = {"sn": Sum("n"), "st": Sum("total"), "ss": Sum("squares"), "sf": Sum("favourable")}


def _groups(cells, key_fields: list[str]) -> dict[tuple, _Group]:
    """Sum cells in SQL by key and age band × sex; group them by key in Python (few rows)."""
    groups: dict[tuple, _Group] = defaultdict(_Group)
    for row in cells.values(*key_fields, "age_band", "sex").annotate(**SUMS).order_by():
        key = tuple(row[f] for f in key_fields)
        groups[key].add(row["age_band"], row["sex"], Summary(row["sn"], row["st"], row["ss"]), row["sf"])
    return groups


def _populations(groups: dict[tuple, _Group], wave_id: int, key_field: str | None) -> None:
    """Attach population profiles, summed over the neighbourhoods surveyed in the wave."""
    surveyed = FactorCell.objects.filter(wave_id=wave_id).values("neighbourhood_id")
    profile = PopulationGroup.objects.filter(neighbourhood__in=surveyed)
    fields = [key_field] if key_field else []
    totals: dict[tuple, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in profile.values(*fields, "age_band", "sex").annotate(people=Sum("people")).order_by():
        totals[tuple(row[f] for f in fields)][(row["age_band"], row["sex"])] = row["people"]
    for key, group in groups.items():
        place = key[:-1]  # keys end with the factor
        group.population = totals.get(place, {})


def _figure(group: _Group, *, threshold: int, hidden: int = 0) -> dict:
    summary = group.summary
    if summary.n < threshold:
        return {"responses": summary.n, "withheld": True, "withheld_reason": f"Fewer than {threshold} responses"}
    if 0 < hidden < threshold:
        # The place minus its shown parts would be a group below the threshold.
        return {
            "responses": summary.n,
            "withheld": True,
            "withheld_reason": f"Would reveal a group of fewer than {threshold} responses by subtraction",
        }
    low, high = summary.interval()
    figure = {
        "responses": summary.n,
        "withheld": False,
        "withheld_reason": "",
        "mean": summary.mean,
        "ci_low": low,
        "ci_high": high,
        "standard_error": summary.standard_error,
        "favourable_share": 100.0 * group.favourable / summary.n,
    }
    estimate = group.weighted()
    if estimate:
        figure["weighted_mean"], figure["weighted_ci_low"], figure["weighted_ci_high"] = estimate
    return figure


SCORE_FIELDS = [f for f in FactorScore._meta.concrete_fields if not f.primary_key]
SCORE_DEFAULTS = {f.attname: f.get_default() for f in SCORE_FIELDS}


def _insert(records: list[dict]) -> None:
    """Write figures given as dicts of column values, with the model's defaults for the rest."""
    names = [f.attname for f in SCORE_FIELDS]
    rows = [tuple(record.get(name, SCORE_DEFAULTS[name]) for name in names) for record in records]
    write_rows(FactorScore._meta.db_table, [f.column for f in SCORE_FIELDS], rows)


def _hidden(wave_id: int, threshold: int) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """What subtraction would leave of each authority's and the wave's figure.

    An authority's figure minus its shown neighbourhoods leaves its withheld ones. The
    wave's figure minus the largest set of shown figures inside it (shown authorities,
    and shown neighbourhoods of the authorities that are withheld) leaves the rest; any
    other set of shown figures leaves that plus groups of at least the threshold. A
    figure is withheld when what it leaves is between 1 and the threshold.
    """
    rows = (
        FactorCell.objects.filter(wave_id=wave_id)
        .values("neighbourhood_id", "neighbourhood__local_authority_id", "factor")
        .annotate(responses=Sum("n"))
        .order_by()
    )
    la_total: dict[tuple, int] = defaultdict(int)
    la_hidden: dict[tuple, int] = defaultdict(int)
    la_shown_parts: dict[tuple, int] = defaultdict(int)
    wave_total: dict[tuple, int] = defaultdict(int)
    for row in rows:
        key = (row["neighbourhood__local_authority_id"], row["factor"])
        la_total[key] += row["responses"]
        wave_total[(row["factor"],)] += row["responses"]
        if row["responses"] < threshold:
            la_hidden[key] += row["responses"]
        else:
            la_shown_parts[key] += row["responses"]
    wave_left: dict[tuple, int] = dict(wave_total)
    for key, total in la_total.items():
        la_shown = total >= threshold and not 0 < la_hidden[key] < threshold
        wave_left[(key[1],)] -= total if la_shown else la_shown_parts[key]
    return la_hidden, wave_left


@transaction.atomic
def scores_refresh(*, wave_id: int, neighbourhood_ids: list[int] | None = None) -> int:
    """Rewrite a wave's figures from its cells: the given neighbourhoods (all when None), their
    local authorities, and the wave as a whole. Returns the number of rows written."""
    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    threshold = settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    now = timezone.now()
    cells = FactorCell.objects.filter(wave_id=wave_id)
    if neighbourhood_ids is None:
        authorities = None
    else:
        authorities = set(
            Neighbourhood.objects.filter(pk__in=neighbourhood_ids).values_list("local_authority_id", flat=True)
        )
    hidden_la, hidden_wave = _hidden(wave_id, threshold)
    weighting = PopulationGroup.objects.exists()
    rows: list[dict] = []

    levels = [
        (Level.NEIGHBOURHOOD, "neighbourhood_id", "neighbourhood_id", neighbourhood_ids, {}),
        (Level.LOCAL_AUTHORITY, "neighbourhood__local_authority_id", "local_authority_id", authorities, hidden_la),
        (Level.WAVE, None, None, None, hidden_wave),
    ]
    for level, cell_field, row_field, places, hidden in levels:
        scoped = cells if places is None else cells.filter(**{f"{cell_field}__in": list(places)})
        groups = _groups(scoped, [cell_field, "factor"] if cell_field else ["factor"])
        if weighting:
            _populations(groups, wave_id, cell_field)
        previous = previous_rows(wave, level, row_field, {k[0] for k in groups} if row_field else ())
        for key, group in groups.items():
            figure = with_change(_figure(group, threshold=threshold, hidden=hidden.get(key, 0)), previous.get(key))
            place = {row_field: key[0]} if row_field else {}
            rows.append({"level": level, "wave_id": wave_id, "factor": key[-1], "computed_at": now, **place, **figure})

    stale = FactorScore.objects.filter(wave_id=wave_id)
    if neighbourhood_ids is not None:
        stale = stale.filter(
            Q(level=Level.NEIGHBOURHOOD, neighbourhood_id__in=neighbourhood_ids)
            | Q(level=Level.LOCAL_AUTHORITY, local_authority_id__in=authorities)
            | Q(level=Level.WAVE)
        )
    stale.delete()
    _insert(rows)
    return len(rows)
