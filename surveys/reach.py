"""Reads for the wave page's reach: letters and responses week by week, and who answered against who lives there.

Counts only, never answers, and only for the neighbourhoods the page was given (those the user may see). The
breakdown of a neighbourhood's respondents by age and sex is withheld below the disclosure minimum of responses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from indicators.places.models import Neighbourhood
from indicators.places.population import AgeBand, Sex, age_bands, neighbourhood_profiles, neighbourhood_sources
from surveys.models import Option, Response, ResponseStatus, Wave
from surveys.models.fielding import LetterBatch

# --- Letters and responses over time ----------------------------------------------------------------------------


@dataclass
class Week:
    starts: dt.date
    invitations: int = 0
    reminders: int = 0
    responses: int = 0
    responses_so_far: int = 0
    bar: float = 0.0  # the week's responses as a share (0-100) of the busiest week's, for the small chart


def _week(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return value - dt.timedelta(days=value.weekday())


def weeks(*, wave: Wave, neighbourhoods) -> list[Week]:
    """Each week (from Monday) from the first letter or response to the last: letters printed by kind, and
    responses completed, in the given neighbourhoods. Empty weeks in between are kept, so the table reads as time."""
    by_week: dict[dt.date, Week] = {}

    def at(value) -> Week:
        start = _week(value)
        return by_week.setdefault(start, Week(start))

    batches = (
        LetterBatch.objects.filter(wave=wave, neighbourhood__in=neighbourhoods)
        .annotate(week=TruncWeek("printed_at"))
        .values("week", "kind")
        .annotate(letters=Sum("letters"))
        .order_by()
    )
    for row in batches:
        week = at(row["week"])
        if row["kind"] == LetterBatch.Kind.REMINDER:
            week.reminders += row["letters"]
        else:
            week.invitations += row["letters"]
    completed = (
        Response.objects.filter(wave=wave, neighbourhood__in=neighbourhoods, status=ResponseStatus.COMPLETED)
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in completed:
        if row["week"] is not None:
            at(row["week"]).responses += row["n"]
    if not by_week:
        return []
    first, last = min(by_week), max(by_week)
    out, so_far, day = [], 0, first
    while day <= last:
        week = by_week.get(day, Week(day))
        so_far += week.responses
        week.responses_so_far = so_far
        out.append(week)
        day += dt.timedelta(days=7)
    busiest = max(w.responses for w in out)
    for week in out:
        week.bar = round(100.0 * week.responses / busiest, 1) if busiest else 0.0
    return out


# --- Who answered -----------------------------------------------------------------------------------------------


@dataclass
class Group:
    """One age band or sex: the respondents in it and the residents in it, as counts and shares (per cent)."""

    label: str
    respondents: int
    residents: int
    respondent_share: float | None = None
    resident_share: float | None = None
    expected: float | None = None  # respondents the residents' share would have given
    under: bool = False

    @property
    def gap(self) -> float | None:
        if self.respondent_share is None or self.resident_share is None:
            return None
        return self.respondent_share - self.resident_share

    @property
    def gap_text(self) -> str:
        """The difference in shares as signed whole points: "+4 points", "−12 points", "0 points"."""
        if self.gap is None:
            return ""
        points = round(self.gap)
        sign = "+" if points > 0 else "\u2212" if points < 0 else ""
        return f"{sign}{abs(points)} point{'s' if abs(points) != 1 else ''}"


@dataclass
class Reach:
    neighbourhood: Neighbourhood
    letters: int
    codes_used: int
    completed: int
    unused: int
    adults: int | None = None  # residents in the survey's age bands, when a profile is loaded
    youngest: int | None = None
    source: str = ""
    withheld: bool = False
    ages: list[Group] = field(default_factory=list)
    sexes: list[Group] = field(default_factory=list)
    age_not_given: int = 0
    sex_not_given: int = 0

    @property
    def rate_letters(self) -> float | None:
        return 100.0 * self.codes_used / self.letters if self.letters else None

    @property
    def rate_adults(self) -> float | None:
        return 100.0 * self.completed / self.adults if self.adults else None

    @property
    def tables(self) -> list[tuple[str, list[Group], int]]:
        return [("age", self.ages, self.age_not_given), ("sex", self.sexes, self.sex_not_given)]

    @property
    def under(self) -> list[Group]:
        return [g for g in self.ages + self.sexes if g.under]


def version_age_bands(version_id: int) -> list[AgeBand]:
    """The age bands of a questionnaire's age question; none when it has none, or its bands cannot be read."""
    options = Option.objects.filter(question__version_id=version_id, question__demographic="age_band")
    try:
        return age_bands(options.order_by("position", "pk").values_list("code", "label"))
    except ValueError:
        return []


def _groups(counts: dict[str, int], residents: dict[str, int], labels: dict[str, str]) -> list[Group]:
    ratio = settings.REBALANCE_UNDERREPRESENTED_RATIO
    minimum = settings.REBALANCE_UNDERREPRESENTED_MIN_EXPECTED
    said, living = sum(counts.values()), sum(residents.values())
    groups = []
    for code, label in labels.items():
        group = Group(label, counts.get(code, 0), residents.get(code, 0))
        if said:
            group.respondent_share = 100.0 * group.respondents / said
        if living:
            group.resident_share = 100.0 * group.residents / living
        if said and living:
            group.expected = said * group.residents / living
            group.under = group.respondent_share < ratio * group.resident_share and group.expected >= minimum
        groups.append(group)
    return groups


def who_answered(*, wave: Wave, neighbourhoods) -> list[Reach]:
    """For each neighbourhood: letters, codes used, responses and, where a population profile is loaded for all its
    small areas, residents aged in the survey's bands and the respondents' age and sex against theirs."""
    places = list(neighbourhoods.select_related("local_authority").order_by("name"))
    ids = [n.pk for n in places]
    letters = dict(
        wave.invitations.filter(neighbourhood_id__in=ids)
        .values("neighbourhood_id")
        .annotate(n=Count("pk"))
        .values_list("neighbourhood_id", "n")
    )
    used = dict(
        wave.invitations.filter(neighbourhood_id__in=ids, used=True)
        .values("neighbourhood_id")
        .annotate(n=Count("pk"))
        .values_list("neighbourhood_id", "n")
    )
    completed = Response.objects.filter(wave=wave, neighbourhood_id__in=ids, status=ResponseStatus.COMPLETED)
    by_age: dict[int, dict[str, int]] = {}
    by_sex: dict[int, dict[str, int]] = {}
    totals: dict[int, int] = {}
    for row in completed.values("neighbourhood_id", "age_band", "sex").annotate(n=Count("pk")).order_by():
        nid = row["neighbourhood_id"]
        totals[nid] = totals.get(nid, 0) + row["n"]
        ages, sexes = by_age.setdefault(nid, {}), by_sex.setdefault(nid, {})
        ages[row["age_band"]] = ages.get(row["age_band"], 0) + row["n"]
        sexes[row["sex"]] = sexes.get(row["sex"], 0) + row["n"]
    bands = version_age_bands(wave.survey_version_id)
    profiles = neighbourhood_profiles(ids, bands) if bands else {}
    sources = neighbourhood_sources(profiles) if profiles else {}
    threshold = settings.REBALANCE_DISCLOSURE_MIN_RESPONSES
    band_labels = {b.code: b.label for b in bands}
    sex_labels = dict(Sex.choices)
    out = []
    for place in places:
        nid = place.pk
        reach = Reach(
            neighbourhood=place,
            letters=letters.get(nid, 0),
            codes_used=used.get(nid, 0),
            completed=totals.get(nid, 0),
            unused=letters.get(nid, 0) - used.get(nid, 0),
        )
        profile = profiles.get(nid)
        if profile is not None:
            reach.adults, reach.youngest, reach.source = profile.total, bands[0].low, sources.get(nid, "")
        reach.withheld = reach.completed < threshold
        if not reach.withheld and bands:
            ages = {code: n for code, n in by_age.get(nid, {}).items() if code in band_labels}
            sexes = {code: n for code, n in by_sex.get(nid, {}).items() if code in sex_labels}
            reach.age_not_given = reach.completed - sum(ages.values())
            reach.sex_not_given = reach.completed - sum(sexes.values())
            people = profile.people if profile else {}
            residents_by_age = {c: sum(n for (b, _), n in people.items() if b == c) for c in band_labels}
            residents_by_sex = {c: sum(n for (_, s), n in people.items() if s == c) for c in sex_labels}
            reach.ages = _groups(ages, residents_by_age, band_labels)
            reach.sexes = _groups(sexes, residents_by_sex, sex_labels)
        out.append(reach)
    return out


def reminder_choices(reaches: list[Reach]) -> list[tuple[int, str]]:
    """The neighbourhoods with unused codes, for the reminder form: (id, "name: N unused codes")."""
    return [
        (r.neighbourhood.pk, f"{r.neighbourhood.display_name}: {r.unused} unused code{'s' if r.unused != 1 else ''}")
        for r in reaches
        if r.unused
    ]


def ratio_words(ratio: float) -> str:
    """The under-represented rule's fraction in words: "half", else "0.4 times"."""
    return {0.5: "half", 0.25: "a quarter"}.get(ratio, f"{ratio:g} times")
