"""Demo places: the report's three case-study areas built from the real IoD2019 file.

Every neighbourhood is a real set of deprived LSOAs (IMD decile 1), grouped by
the MSOA they belong to; the pairs are matched on real baseline deprivation.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Avg, Count
from django.utils.text import slugify

from indicators.access.models import Role
from indicators.official.importing.imd import imd_import
from indicators.official.importing.msoa_names import msoa_names_read, neighbourhoods_name
from indicators.places.models import Deprivation, LocalAuthority, MatchedPair, Neighbourhood, Region, SmallArea
from indicators.places.services import matched_pair_create, neighbourhood_create, staff_create

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
IMD_2019_FILE = DATA_DIR / "imd2019_file1_lsoa11_england.csv.gz"
MSOA_NAMES_FILE = DATA_DIR / "msoa_names_case_study_LAs.csv.gz"

# The report's case-study areas (DOMAIN.md).
CASE_STUDY_REGIONS = {
    "Greater Liverpool": ["E08000012"],
    "Greater Leeds": ["E08000035"],
    "Tees Valley": ["E06000002", "E06000004", "E06000001", "E06000003", "E06000005"],
}
DEMO_PASSWORD = "rebalance-demo"  # noqa: S105 (published on purpose: demo data only)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    looks_after: str


def seed_places(*, pairs_per_authority: int = 2) -> list[DemoLogin]:
    if not Deprivation.objects.filter(edition=Deprivation.Edition.IOD2019).exists():
        imd_import(source=IMD_2019_FILE)
    with transaction.atomic():
        _regions()
        for code in [c for codes in CASE_STUDY_REGIONS.values() for c in codes]:
            _neighbourhoods(LocalAuthority.objects.get(code=code))
            _pairs(LocalAuthority.objects.get(code=code), pairs_per_authority)
        # The names people use ("Swarcliffe (Leeds 041)"): each demo neighbourhood is one MSOA's deprived LSOAs.
        neighbourhoods_name(names=msoa_names_read(source=MSOA_NAMES_FILE))
        return _users()


def _regions() -> None:
    for name, codes in CASE_STUDY_REGIONS.items():
        region, _ = Region.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        LocalAuthority.objects.filter(code__in=codes).update(region=region)


def _neighbourhoods(local_authority: LocalAuthority) -> None:
    deprived = (
        SmallArea.objects.filter(local_authority=local_authority)
        .deprived(edition=Deprivation.Edition.IOD2019)
        .order_by("code")
        .values_list("code", "name")
    )
    by_msoa: dict[str, list[str]] = defaultdict(list)
    for code, name in deprived:
        by_msoa[name[:-1].strip()].append(code)  # "Leeds 112B" belongs to MSOA "Leeds 112"
    existing = set(Neighbourhood.objects.filter(local_authority=local_authority).values_list("name", flat=True))
    for msoa, codes in sorted(by_msoa.items()):
        if msoa not in existing:
            neighbourhood_create(
                name=msoa,
                local_authority=local_authority,
                small_area_codes=codes,
                description=f"The {len(codes)} LSOA(s) of MSOA {msoa} in the most deprived 10% in England (IoD2019).",
            )


def _pairs(local_authority: LocalAuthority, how_many: int) -> None:
    if MatchedPair.objects.filter(first__local_authority=local_authority).exists():
        return
    candidates = list(
        Neighbourhood.objects.filter(local_authority=local_authority)
        .annotate(
            size=Count("small_areas"),
            mean_rank=Avg("small_areas__deprivation__rank"),
        )
        .filter(size__gte=2)
        .order_by("size", "mean_rank")
    )
    made = 0
    i = 0
    while i + 1 < len(candidates) and made < how_many:
        a, b = candidates[i], candidates[i + 1]
        if a.size == b.size:
            matched_pair_create(
                first=a,
                second=b,
                reason=(
                    f"Both are {a.size} LSOAs in IMD decile 1 in {local_authority.name}; "
                    f"mean IoD2019 rank {a.mean_rank:,.0f} and {b.mean_rank:,.0f}."
                ),
            )
            made += 1
            i += 2
        else:
            i += 1


def _users() -> list[DemoLogin]:
    users = get_user_model().objects
    logins = [
        DemoLogin("admin", Role.ADMIN, "everything"),
        DemoLogin("officer.leeds", Role.OFFICER, "Leeds"),
        DemoLogin("officer.tees", Role.OFFICER, "the five Tees Valley authorities"),
        DemoLogin("manager.liverpool", Role.ESTATE_MANAGER, "three Liverpool neighbourhoods"),
    ]
    if users.filter(username="admin").exists():
        return logins
    tees = LocalAuthority.objects.filter(code__in=CASE_STUDY_REGIONS["Tees Valley"])
    liverpool = Neighbourhood.objects.filter(local_authority__code="E08000012").order_by("name")[:3]
    staff_create(username="admin", password=DEMO_PASSWORD, role=Role.ADMIN)
    staff_create(
        username="officer.leeds",
        password=DEMO_PASSWORD,
        role=Role.OFFICER,
        local_authorities=LocalAuthority.objects.filter(code="E08000035"),
    )
    staff_create(username="officer.tees", password=DEMO_PASSWORD, role=Role.OFFICER, local_authorities=tees)
    staff_create(
        username="manager.liverpool",
        password=DEMO_PASSWORD,
        role=Role.ESTATE_MANAGER,
        neighbourhoods=liverpool,
    )
    return logins
