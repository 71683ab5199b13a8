"""Changes between waves: each figure against the same place's figure in the survey's latest earlier wave."""

from __future__ import annotations

from typing import NamedTuple

from django.db import transaction
from django.db.models import Q

from indicators.engine.models import FactorScore
from indicators.engine.services.stats import trend, two_sided_p
from indicators.places.models import Neighbourhood
from surveys.models import Wave

Level = FactorScore.Level


class Previous(NamedTuple):
    wave_id: int
    withheld: bool
    mean: float | None
    standard_error: float | None


def previous_rows(wave: Wave, level: str, place_field: str | None, places) -> dict[tuple, Previous]:
    """For each place and factor, its figure from the latest earlier wave of the same survey."""
    earlier = Wave.objects.filter(survey_version__survey_id=wave.survey_version.survey_id, opens_on__lt=wave.opens_on)
    rows = FactorScore.objects.filter(level=level, wave__in=earlier).order_by("wave__opens_on")
    if place_field:
        rows = rows.filter(**{f"{place_field}__in": list(places)})
    fields = [place_field] if place_field else []
    # Plain tuples: thousands of rows per wave, and model instances would cost more than the sums.
    return {
        tuple(row[: len(fields) + 1]): Previous(*row[len(fields) + 1 :])
        for row in rows.values_list(*fields, "factor", "wave_id", "withheld", "mean", "standard_error")
    }


def with_change(figure: dict, previous: Previous | None) -> dict:
    if figure["withheld"] or previous is None or previous.withheld:
        return figure
    difference = figure["mean"] - previous.mean
    p_value = two_sided_p(difference, (figure["standard_error"] ** 2 + previous.standard_error**2) ** 0.5)
    figure.update(
        previous_wave_id=previous.wave_id, change=difference, change_p_value=p_value, trend=trend(difference, p_value)
    )
    return figure


@transaction.atomic
def changes_refresh(*, wave_id: int, neighbourhood_id: int) -> int:
    """Re-measure a wave's changes from the wave before, for one neighbourhood, its authority and the wave:
    what a new response in the earlier wave alters in this one. Returns the rows updated."""
    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    la_id = Neighbourhood.objects.filter(pk=neighbourhood_id).values_list("local_authority_id", flat=True).first()
    rows = list(
        FactorScore.objects.filter(wave_id=wave_id).filter(
            Q(level=Level.NEIGHBOURHOOD, neighbourhood_id=neighbourhood_id)
            | Q(level=Level.LOCAL_AUTHORITY, local_authority_id=la_id)
            | Q(level=Level.WAVE)
        )
    )
    previous = {
        Level.NEIGHBOURHOOD: previous_rows(wave, Level.NEIGHBOURHOOD, "neighbourhood_id", [neighbourhood_id]),
        Level.LOCAL_AUTHORITY: previous_rows(wave, Level.LOCAL_AUTHORITY, "local_authority_id", [la_id]),
        Level.WAVE: previous_rows(wave, Level.WAVE, None, ()),
    }
    fields = ["previous_wave_id", "change", "change_p_value", "trend"]
    for row in rows:
        place = {Level.NEIGHBOURHOOD: (row.neighbourhood_id,), Level.LOCAL_AUTHORITY: (row.local_authority_id,)}
        key = (*place.get(row.level, ()), row.factor)
        figure = {"withheld": row.withheld, "mean": row.mean, "standard_error": row.standard_error}
        figure.update(dict.fromkeys(fields))
        figure["trend"] = ""
        figure = with_change(figure, previous[row.level].get(key))
        for name in fields:
            setattr(row, name, figure[name])
    FactorScore.objects.bulk_update(rows, fields)
    return len(rows)


def next_wave(*, wave_id: int) -> int | None:
    """The next wave of the same survey: its changes are measured from this one."""
    wave = Wave.objects.select_related("survey_version").get(pk=wave_id)
    return (
        Wave.objects.filter(survey_version__survey_id=wave.survey_version.survey_id, opens_on__gt=wave.opens_on)
        .order_by("opens_on")
        .values_list("pk", flat=True)
        .first()
    )
