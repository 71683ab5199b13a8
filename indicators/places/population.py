"""Who lives in a small area: residents by sex and age, from ONS population estimates or the census.

A profile is kept as the file gave it, by single year of age (the oldest group open-ended: 90 and over in the
mid-year estimates, 100 and over in the census), so that it fits whatever age bands a questionnaire asks. A survey's
bands are read from its age question's answer codes (``16_24``, ``75_plus``) or, failing that, their labels
("16 to 24", "75 or over").
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, Sum

from indicators.places.models import SmallArea


class Sex(models.TextChoices):
    # The same codes as the questionnaire's sex question, so that a profile's group is a survey cell.
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class AreaPopulation(models.Model):
    """The residents of one small area of one sex in one age group (one year of age, or "and over")."""

    small_area = models.ForeignKey(SmallArea, on_delete=models.CASCADE, related_name="population")
    sex = models.CharField(max_length=6, choices=Sex.choices)
    age_from = models.PositiveSmallIntegerField()
    age_to = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: this age and over.")
    people = models.PositiveIntegerField()
    source = models.CharField(max_length=200, help_text="The file and estimate, e.g. ONS mid-2022 estimates.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["small_area", "sex", "age_from"], name="area_population_group_once"),
            models.CheckConstraint(
                condition=Q(age_to__isnull=True) | Q(age_to__gte=models.F("age_from")),
                name="area_population_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        ages = f"{self.age_from}+" if self.age_to is None else f"{self.age_from}-{self.age_to}"
        return f"{self.small_area_id} {self.sex} {ages}: {self.people}"


@dataclass(frozen=True)
class AgeBand:
    """One answer to a questionnaire's age question, as a range of years (``high`` None: and over)."""

    code: str
    label: str
    low: int
    high: int | None

    def holds(self, age_from: int, age_to: int | None) -> bool:
        """Whether the whole age group lies inside the band."""
        if age_from < self.low:
            return False
        if self.high is None:
            return True
        return age_to is not None and age_to <= self.high


_RANGE = re.compile(r"^\D*?(\d+)\s*(?:_|-|–|to)\s*(\d+)\D*$")
_OPEN = re.compile(r"^\D*?(\d+)\s*(?:_|-|\+|\s)*(?:plus|over|or over|and over|or older|\+)\W*$", re.IGNORECASE)


def age_band(code: str, label: str = "") -> AgeBand | None:
    """The band an age answer stands for, from its code (``16_24``, ``65-plus``) or label; None if neither says."""
    for text in (code, label):
        text = (text or "").strip()
        if match := _RANGE.match(text):
            low, high = int(match[1]), int(match[2])
            if low <= high:
                return AgeBand(code, label or code, low, high)
        if match := _OPEN.match(text):
            return AgeBand(code, label or code, int(match[1]), None)
    return None


def age_bands(options: Iterable[tuple[str, str]]) -> list[AgeBand]:
    """The bands of an age question's (code, label) options, youngest first; answers that are no age (prefer not
    to say) are left out. Bands that overlap are refused with ValueError: a resident would fit two."""
    bands = sorted((b for code, label in options if (b := age_band(code, label))), key=lambda b: b.low)
    for before, after in itertools.pairwise(bands):
        if before.high is None or before.high >= after.low:
            raise ValueError(f"the age bands {before.label} and {after.label} overlap")
    return bands


@dataclass
class BandedProfile:
    """Residents by (band code, sex), and those the bands do not cover (children, or a group across two bands)."""

    people: dict[tuple[str, str], int]
    outside: int = 0

    @property
    def total(self) -> int:
        return sum(self.people.values())


def band_profile(groups: Iterable[tuple[str, int, int | None, int]], bands: list[AgeBand]) -> BandedProfile:
    """(sex, age_from, age_to, people) groups summed into the bands."""
    profile = BandedProfile(defaultdict(int))
    for sex, age_from, age_to, people in groups:
        band = next((b for b in bands if b.holds(age_from, age_to)), None)
        if band is None:
            profile.outside += people
        else:
            profile.people[(band.code, sex)] += people
    profile.people = dict(profile.people)
    return profile


def neighbourhood_profiles(neighbourhood_ids: Iterable[int], bands: list[AgeBand]) -> dict[int, BandedProfile]:
    """Each neighbourhood's residents in the bands, summed over its small areas: only neighbourhoods every one of
    whose small areas has a profile (a part would understate who lives there)."""
    ids = list(neighbourhood_ids)
    through = SmallArea.neighbourhoods.through
    areas: dict[int, set[int]] = defaultdict(set)
    for nid, aid in through.objects.filter(neighbourhood_id__in=ids).values_list("neighbourhood_id", "smallarea_id"):
        areas[nid].add(aid)
    held = set(
        AreaPopulation.objects.filter(small_area_id__in={a for s in areas.values() for a in s})
        .values_list("small_area_id", flat=True)
        .distinct()
    )
    complete = [nid for nid, members in areas.items() if members and members <= held]
    rows = (
        AreaPopulation.objects.filter(small_area__neighbourhoods__in=complete)
        .values("small_area__neighbourhoods", "sex", "age_from", "age_to")
        .annotate(people=Sum("people"))
        .order_by()
    )
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        groups[row["small_area__neighbourhoods"]].append((row["sex"], row["age_from"], row["age_to"], row["people"]))
    return {nid: band_profile(groups[nid], bands) for nid in complete}


def neighbourhood_sources(neighbourhood_ids: Iterable[int]) -> dict[int, str]:
    """Where each neighbourhood's profile comes from (the sources of its areas' rows, joined)."""
    out: dict[int, set[str]] = defaultdict(set)
    rows = AreaPopulation.objects.filter(small_area__neighbourhoods__in=list(neighbourhood_ids))
    for nid, source in rows.values_list("small_area__neighbourhoods", "source").distinct():
        out[nid].add(source)
    return {nid: "; ".join(sorted(s)) for nid, s in out.items()}
