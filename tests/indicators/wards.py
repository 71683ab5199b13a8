"""The README's example ward file (real ward codes and names, synthetic figures), and its wards built for tests."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings

from tests.factories import LocalAuthorityFactory, SmallAreaFactory

WARD_FILE = Path(settings.BASE_DIR) / "indicators" / "data" / "examples" / "ward_claimants_synthetic.csv"
START, END = "2024-01", "2025-01"
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


def improvement_by_hand(rows: list[dict[str, str]], benchmark_wards: set[str] | None = None):
    """The report's method without our code: each ward's change in its published rate, the benchmark the mean change
    over the reference wards, a ward improving when its change is below the benchmark's; shares to two decimals."""
    rate = {(r["ward_code"], r["date"][:7]): Decimal(r["claimant_rate"]) for r in rows}
    authority = {r["ward_code"]: r["la_code"] for r in rows}
    change = {w: rate[w, END] - rate[w, START] for w in authority if (w, START) in rate and (w, END) in rate}
    reference = [c for w, c in change.items() if benchmark_wards is None or w in benchmark_wards]
    benchmark = sum(reference) / len(reference)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for ward, c in change.items():
        counts[authority[ward]][0] += 1
        counts[authority[ward]][1] += c < benchmark
    shares = {
        la: (n, k, (Decimal(100 * k) / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        for la, (n, k) in counts.items()
    }
    return benchmark, len(reference), shares
