"""Demo reach: a SYNTHETIC population profile for the surveyed small areas, letters dated as they would have gone
out, and one reminder batch, so that the wave page shows letters, reminders and responses by week and who answered
against who lives there.

The profile is made up, in the layout of ONS's mid-year estimates by LSOA (F0 … F90, M0 … M90), and loaded through
the same importer as a real file, labelled as synthetic on every row; one neighbourhood of the Leeds officer's is
given many young adults (as a student area has), so that the page has an under-represented group to show. The
engine's population groups are then built from it, so the recompute that follows weights the demo's scores.
Idempotent: the profile loads unchanged, the letters keep their dates and a wave with a reminder batch gets no other.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from indicators.engine.services.population import population_refresh
from indicators.official.importing.population import population_import
from indicators.places.models import Neighbourhood, SmallArea
from surveys.models import Wave
from surveys.models.fielding import LetterBatch
from surveys.services.reminders import reminders_print

SOURCE = "Synthetic demo profile, not ONS figures (shaped like the mid-year estimates)"
LETTERS_BEFORE_OPENING = dt.timedelta(days=3)  # letters land a few days before a wave opens
REMINDER_AFTER_OPENING = dt.timedelta(days=14)
YOUNG_AREA_OWNER = "officer.leeds"


def _people(age: int, rng: random.Random, young: bool) -> int:
    """Residents of one sex at one age in an LSOA of about 1,500: many children and young adults, fewer older."""
    if age < 16:
        base = 11
    elif age < 25:
        base = 45 if young else 10
    elif age < 45:
        base = 10
    elif age < 65:
        base = 8
    elif age < 75:
        base = 6
    elif age < 90:
        base = 3
    else:
        base = 5  # 90 and over, one column
    return max(0, round(base * rng.uniform(0.75, 1.25)))


def _young_neighbourhood(wave: Wave) -> Neighbourhood | None:
    user = get_user_model().objects.filter(username=YOUNG_AREA_OWNER).first()
    places = wave.neighbourhoods.order_by("name")
    if user is not None:
        places = places.filter(pk__in=Neighbourhood.objects.visible_to(user).values("pk"))
    return places.first()


def _profile_file(areas: list[SmallArea], young: set[int]) -> bytes:
    columns = [f"{sex}{age}" for sex in "FM" for age in range(91)]
    lines = ["LSOA 2011 Code,LSOA 2011 Name,Total," + ",".join(columns)]
    for area in areas:
        rng = random.Random(f"rebalance-demo-population-{area.code}")  # noqa: S311 (made-up figures, reproducible)
        counts = [_people(age, rng, area.pk in young) for _sex in "FM" for age in range(91)]
        lines.append(f"{area.code},{area.name},{sum(counts)}," + ",".join(map(str, counts)))
    return ("\n".join(lines) + "\n").encode()


def _date_letters(wave: Wave) -> None:
    """The seeders make codes today; date each wave's invitation letters a few days before it opened."""
    sent = timezone.make_aware(dt.datetime.combine(wave.opens_on - LETTERS_BEFORE_OPENING, dt.time(10)))
    LetterBatch.objects.filter(wave=wave, kind=LetterBatch.Kind.INVITATION).update(printed_at=sent)


def seed_reach() -> str:
    """Load the synthetic profile, date the demo's letters, print one reminder batch; say what was done."""
    waves = list(Wave.objects.filter(synthetic=True).order_by("opens_on"))
    if not waves:
        return "Who answered: no demo waves, nothing to do."
    surveyed = Neighbourhood.objects.filter(survey_waves__in=waves).distinct()
    areas = list(SmallArea.objects.filter(neighbourhoods__in=surveyed).distinct().order_by("code"))
    today = timezone.localdate()
    open_now = next((w for w in reversed(waves) if w.is_open(today)), None)
    young_place = _young_neighbourhood(open_now or waves[-1])
    young = set(young_place.small_areas.values_list("pk", flat=True)) if young_place else set()
    loaded = population_import(source=_profile_file(areas, young), layout="mid-year", label=SOURCE)
    groups = population_refresh(refigure=False)  # the seed's recompute, next, makes the figures with the weights
    for wave in waves:
        _date_letters(wave)
    reminder = ""
    if open_now is not None and not open_now.letter_batches.filter(kind=LetterBatch.Kind.REMINDER).exists():
        place = young_place or open_now.neighbourhoods.order_by("name").first()
        printed = reminders_print(wave=open_now, neighbourhood=place)
        when = min(
            timezone.make_aware(dt.datetime.combine(open_now.opens_on + REMINDER_AFTER_OPENING, dt.time(11))),
            timezone.now(),
        )
        LetterBatch.objects.filter(pk=printed.batch.pk).update(printed_at=when)
        reminder = f" A reminder batch of {len(printed.codes)} letters for {place.display_name}."
    return (
        f"Who answered (synthetic population profile): {loaded.added + loaded.replaced + loaded.unchanged:,} small "
        f"areas, {groups.neighbourhoods + groups.unchanged:,} neighbourhoods weighted.{reminder}"
    )
