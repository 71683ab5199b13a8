"""A demo-like world for My neighbourhoods at a glance, with answers known in advance.

Leeds holds Swarcliffe (Leeds 041), Gipton (Leeds 047) and Harehills (Leeds 036); Liverpool holds Anfield
(Liverpool 010) and Everton (Liverpool 022). From January 2020 to January 2021 worklessness rose steeply in
Swarcliffe, Gipton and Anfield (falling behind similar areas) and fell in Harehills and Everton (improving).
Twelve residents a neighbourhood answered two survey waves; each falling-behind place has one factor residents
rate far below everyone surveyed (its weakest), and a second one lower than the rest. Seacroft (Leeds 112) has too
few answers to show. Users: officer.leeds (Leeds) and manager.liverpool (Anfield and Everton).
"""

from __future__ import annotations

import datetime as dt

from indicators.access.models import Role
from indicators.engine.services.refresh import recompute_all
from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Indicator
from surveys.models import REPORT_FACTORS
from tests.factories import (
    DeprivationFactory,
    LocalAuthorityFactory,
    NeighbourhoodFactory,
    RegionFactory,
    SmallAreaFactory,
    staff,
)
from tests.indicators.engine.builders import figures, month, respond, survey, wave, year

PASSWORD = "correct-horse-battery"

# name, known as, authority, claimants per 1,000 in January 2020 and January 2021
PLACES = [
    ("Leeds 041", "Swarcliffe", "leeds", 100, 130),
    ("Leeds 047", "Gipton", "leeds", 100, 125),
    ("Leeds 036", "Harehills", "leeds", 100, 80),
    ("Leeds 112", "Seacroft", "leeds", 100, 100),
    ("Liverpool 010", "Anfield", "liverpool", 100, 128),
    ("Liverpool 022", "Everton", "liverpool", 100, 85),
]
# Residents' scores: 60 on every factor unless set here (0-100, higher is better).
SCORES = {
    "Swarcliffe": {"housing_environment": 22, "confidence": 38},
    "Gipton": {"aspiration": 28, "leadership": 45},
    "Harehills": dict.fromkeys(REPORT_FACTORS, 70),
    "Anfield": {"travel_to_work": 20, "retention": 40},
    "Everton": dict.fromkeys(REPORT_FACTORS, 70),
}
# The weakest factor of each place falling behind, in the words the page uses.
WEAKEST = {
    "Swarcliffe (Leeds 041)": "Housing, crime and grime",
    "Gipton (Leeds 047)": "Aspiration",
    "Anfield (Liverpool 010)": "Willingness to travel for work",
}
JITTER = [-6, -4, -3, -2, -1, 0, 0, 1, 2, 3, 4, 6]  # twelve residents, spread around the place's score


def build_glance_world() -> dict:
    ensure_indicators(Indicator)
    authorities = {
        "leeds": LocalAuthorityFactory(
            code="E08000035", name="Leeds", region=RegionFactory(name="Greater Leeds", slug="greater-leeds")
        ),
        "liverpool": LocalAuthorityFactory(
            code="E08000012",
            name="Liverpool",
            region=RegionFactory(name="Greater Liverpool", slug="greater-liverpool"),
        ),
    }
    places, claimants = {}, {month(2020, 1): {}, month(2021, 1): {}}
    for name, known_as, la, before, after in PLACES:
        n = NeighbourhoodFactory(name=name, known_as=known_as, local_authority=authorities[la], areas=1)
        places[known_as] = n
        area = n.small_areas.get()
        claimants[month(2020, 1)][area] = before
        claimants[month(2021, 1)][area] = after
    for la in authorities.values():  # deprived areas outside any neighbourhood, unchanged
        for area in SmallAreaFactory.create_batch(2, local_authority=la):
            claimants[month(2020, 1)][area] = claimants[month(2021, 1)][area] = 100
    every_area = list(claimants[month(2020, 1)])
    for rank, area in enumerate(every_area, start=1):
        DeprivationFactory(small_area=area, rank=rank * 10, decile=1)
    figures("working-age-population", year(2019), dict.fromkeys(every_area, 1000))
    for period, values in claimants.items():
        figures("claimant-count", period, values)

    version, questions = survey(tuple(REPORT_FACTORS), per_factor=1)
    for opens in (dt.date(2024, 3, 1), dt.date(2025, 3, 1)):
        w = wave(version, [places[k] for k in SCORES], opens=opens)
        for known_as, scores in SCORES.items():
            for jitter in JITTER:
                answers = {questions[f][0]: scores.get(f, 60) + jitter for f in REPORT_FACTORS}
                respond(w, places[known_as], answers)
    # Seacroft in a wave of its own (in a shared wave its few answers would withhold everyone's by subtraction).
    alone = wave(version, [places["Seacroft"]], opens=dt.date(2025, 3, 1))
    for jitter in JITTER[:3]:  # too few to show
        respond(alone, places["Seacroft"], {questions[f][0]: 50 + jitter for f in REPORT_FACTORS})
    recompute_all(compare=False)
    return {
        **places,
        "leeds": authorities["leeds"],
        "liverpool": authorities["liverpool"],
        "officer": staff(Role.OFFICER, username="officer.leeds", local_authorities=[authorities["leeds"]]),
        "manager": staff(
            Role.ESTATE_MANAGER, username="manager.liverpool", neighbourhoods=[places["Anfield"], places["Everton"]]
        ),
    }
