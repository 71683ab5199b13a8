"""A small monitored world for the page tests: two authorities, survey waves, official figures and the engine run.

Leeds (Greater Leeds) holds Harehills (two LSOAs) and Seacroft (one); Liverpool
(Greater Liverpool) holds Anfield (two) and Everton (one). Each authority also
has deprived LSOAs outside any neighbourhood, so the league has something to
count. Two survey waves: Harehills and Anfield have enough residents to show,
Seacroft too few (withheld). Worklessness for January 2019, 2020 and 2021.
"""

from __future__ import annotations

import datetime as dt

from indicators.access.models import Role
from indicators.engine.services.refresh import recompute_all
from indicators.official.catalogue import ensure_indicators
from indicators.official.models import Indicator
from surveys.models import REPORT_FACTORS, Invitation
from tests.factories import (
    DeprivationFactory,
    LocalAuthorityFactory,
    MatchedPairFactory,
    NeighbourhoodFactory,
    RegionFactory,
    SmallAreaFactory,
    staff,
)
from tests.indicators.engine.builders import figures, month, residents, survey, wave, year

FACTOR_KEYS = REPORT_FACTORS
PASSWORD = "correct-horse-battery"


def build_world() -> dict:
    ensure_indicators(Indicator)
    leeds_region = RegionFactory(name="Greater Leeds", slug="greater-leeds")
    liverpool_region = RegionFactory(name="Greater Liverpool", slug="greater-liverpool")
    leeds = LocalAuthorityFactory(code="E08000035", name="Leeds", region=leeds_region)
    liverpool = LocalAuthorityFactory(code="E08000012", name="Liverpool", region=liverpool_region)
    harehills = NeighbourhoodFactory(name="Harehills", local_authority=leeds, areas=2)
    seacroft = NeighbourhoodFactory(name="Seacroft", local_authority=leeds, areas=1)
    anfield = NeighbourhoodFactory(name="Anfield", local_authority=liverpool, areas=2)
    everton = NeighbourhoodFactory(name="Everton", local_authority=liverpool, areas=1)
    extra = {
        leeds: SmallAreaFactory.create_batch(2, local_authority=leeds),
        liverpool: SmallAreaFactory.create_batch(2, local_authority=liverpool),
    }
    areas = {n.name: list(n.small_areas.order_by("code")) for n in (harehills, seacroft, anfield, everton)}
    every_area = [a for group in areas.values() for a in group] + [a for g in extra.values() for a in g]
    for rank, area in enumerate(every_area, start=1):
        DeprivationFactory(small_area=area, rank=rank * 10, decile=1 if area not in areas["Everton"] else 2)
    leeds_pair = MatchedPairFactory(first=harehills, second=seacroft, reason="Both one LSOA of decile 1 in Leeds.")
    liverpool_pair = MatchedPairFactory(first=anfield, second=everton, reason="Alike in Liverpool.")

    # Worklessness: population 1,000 everywhere; claimants per period chosen by hand.
    figures("working-age-population", year(2019), dict.fromkeys(every_area, 1000))
    claimants = {
        # area order: Harehills a, b; Seacroft; Anfield a, b; Everton; Leeds extra x2; Liverpool extra x2
        month(2019, 1): [100, 120, 110, 150, 130, 90, 100, 100, 120, 120],
        month(2020, 1): [80, 100, 115, 140, 130, 80, 90, 105, 100, 125],
        month(2021, 1): [70, 90, 120, 135, 125, 75, 85, 110, 95, 130],
    }
    for period, values in claimants.items():
        figures("claimant-count", period, dict(zip(every_area, values, strict=True)))

    # Surveys: one item per factor, two waves.
    version, questions = survey(tuple(FACTOR_KEYS), per_factor=1)
    items = [q for key in FACTOR_KEYS for q in questions[key]]
    w1 = wave(version, [harehills, seacroft, anfield, everton], opens=dt.date(2024, 3, 1))
    w2 = wave(version, [harehills, seacroft, anfield, everton], opens=dt.date(2025, 3, 1))
    residents(w1, harehills, items, [40, 50, 60, 45, 55, 50, 40, 60, 50, 50, 45, 55])
    residents(w2, harehills, items, [70, 80, 75, 65, 70, 80, 75, 70, 72, 78, 68, 75])
    residents(w1, anfield, items, [50] * 6 + [60] * 6)
    residents(w2, anfield, items, [50] * 6 + [60] * 6)
    residents(w2, seacroft, items, [30, 40, 50])  # too few: withheld
    Invitation.objects.bulk_create(
        Invitation(wave=w2, neighbourhood=harehills, code_hash=f"hash-{i}", used=i < 12) for i in range(20)
    )
    recompute_all(compare=False)
    return {
        "leeds": leeds,
        "liverpool": liverpool,
        "harehills": harehills,
        "seacroft": seacroft,
        "anfield": anfield,
        "everton": everton,
        "leeds_pair": leeds_pair,
        "liverpool_pair": liverpool_pair,
        "waves": (w1, w2),
        "admin": staff(Role.ADMIN, username="admin.pages"),
        "officer": staff(Role.OFFICER, username="officer.pages", local_authorities=[leeds]),
        "manager": staff(Role.ESTATE_MANAGER, username="manager.pages", neighbourhoods=[anfield]),
    }
