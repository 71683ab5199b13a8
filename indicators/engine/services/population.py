"""The weights for weighted estimates: each neighbourhood's residents by the survey's age bands and sex.

Built from the small areas' population profiles (``indicators.places.population``, loaded by
``manage.py import_population``) in the bands of every questionnaire that has been fielded, so that a wave's
cells (age band × sex, as residents answered) each find their share of the neighbourhood's residents. A
neighbourhood is given a profile only when all its small areas have one. Then every wave of the neighbourhoods
whose profile changed is refigured, so its weighted means use the new weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from indicators.engine.models import PopulationGroup
from indicators.engine.services.factors import scores_refresh
from indicators.places.models import Neighbourhood
from indicators.places.population import AgeBand, age_bands, neighbourhood_profiles, neighbourhood_sources
from surveys.models import Option, Wave


@dataclass
class PopulationRefresh:
    neighbourhoods: int = 0  # given a profile (new or changed)
    unchanged: int = 0
    without: list[str] = field(default_factory=list)  # neighbourhoods some of whose areas have no profile
    waves: int = 0  # refigured


def fielded_age_bands() -> list[AgeBand]:
    """The age bands of every questionnaire fielded in a wave (one band per answer code), youngest first."""
    options = (
        Option.objects.filter(question__demographic="age_band", question__version__waves__isnull=False)
        .values_list("question__version_id", "code", "label")
        .distinct()
    )
    by_version: dict[int, list[tuple[str, str]]] = {}
    for version_id, code, label in options:
        by_version.setdefault(version_id, []).append((code, label))
    bands: dict[str, AgeBand] = {}
    for choices in by_version.values():
        try:
            for band in age_bands(choices):
                if len(band.code) <= PopulationGroup._meta.get_field("age_band").max_length:
                    bands.setdefault(band.code, band)
        except ValueError:
            continue  # a questionnaire whose bands overlap cannot be weighted by age
    return sorted(bands.values(), key=lambda b: (b.low, b.code))


def population_refresh(*, neighbourhood_ids: list[int] | None = None, refigure: bool = True) -> PopulationRefresh:
    """Rewrite the neighbourhoods' population groups from their areas' profiles (all neighbourhoods when None),
    then refigure the waves of those that changed. Safe to run twice: the second run changes nothing."""
    places = Neighbourhood.objects.all()
    if neighbourhood_ids is not None:
        places = places.filter(pk__in=neighbourhood_ids)
    names = dict(places.values_list("pk", "name"))
    bands = fielded_age_bands()
    profiles = neighbourhood_profiles(names, bands)
    sources = neighbourhood_sources(profiles)
    result = PopulationRefresh(without=sorted(names[n] for n in names if n not in profiles))
    changed: list[int] = []
    with transaction.atomic():
        held: dict[int, dict] = {}
        for row in PopulationGroup.objects.filter(neighbourhood_id__in=names).values_list(
            "neighbourhood_id", "age_band", "sex", "people", "source"
        ):
            held.setdefault(row[0], {})[(row[1], row[2])] = (row[3], row[4])
        fresh = []
        for nid, profile in profiles.items():
            source = sources.get(nid, "")[:200]
            wanted = {cell: (people, source) for cell, people in profile.people.items()}
            if held.get(nid, {}) == wanted:
                result.unchanged += 1
                continue
            changed.append(nid)
            fresh.extend(
                PopulationGroup(neighbourhood_id=nid, age_band=band, sex=sex, people=people, source=source)
                for (band, sex), people in profile.people.items()
            )
        # A neighbourhood that lost its profile (an area added without one) is no longer weighted.
        gone = [nid for nid in held if nid not in profiles]
        PopulationGroup.objects.filter(neighbourhood_id__in=changed + gone).delete()
        PopulationGroup.objects.bulk_create(fresh, batch_size=2000)
    result.neighbourhoods = len(changed)
    if refigure and (changed or gone):
        waves = Wave.objects.filter(neighbourhoods__in=changed + gone).distinct().order_by("opens_on", "pk")
        for wave_id in waves.values_list("pk", flat=True):
            with transaction.atomic():
                scores_refresh(wave_id=wave_id)
            result.waves += 1
    return result
