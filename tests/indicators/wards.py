"""The README's example ward file (real ward codes and names, synthetic figures), and its wards built for tests."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings

from tests.factories import LocalAuthorityFactory, SmallAreaFactory

WARD_FILE = Path(settings.BASE_DIR) / "indicators" / "data" / "examples" / "ward_claimants_synthetic.csv"
AUTHORITIES = {
    "E06000001": "Hartlepool",
    "E06000002": "Middlesbrough",
    "E06000003": "Redcar and Cleveland",
    "E06000004": "Stockton-on-Tees",
    "E06000005": "Darlington",
    "E08000012": "Liverpool",
    "E08000035": "Leeds",
}


def ward_rows() -> list[dict[str, str]]:
    with WARD_FILE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build_wards(rows: list[dict[str, str]] | None = None) -> dict[str, object]:
    """Every ward in the file as a small area of kind ward, in its authority: code → area."""
    authorities = {code: LocalAuthorityFactory(code=code, name=name) for code, name in AUTHORITIES.items()}
    wards = {}
    for row in rows or ward_rows():
        if row["ward_code"] not in wards:
            wards[row["ward_code"]] = SmallAreaFactory(
                code=row["ward_code"], name=row["ward_name"], kind="ward", local_authority=authorities[row["la_code"]]
            )
    return wards
