"""areas_import tells its caller how far it has got: rows checked as they are read (a CSV's total known from its
lines, a GeoJSON's not), then areas stored batch by batch, ending at every row."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.official.importing.areas import areas_import
from tests.factories import LocalAuthorityFactory

pytestmark = pytest.mark.django_db
GEOJSON = Path(__file__).resolve().parents[3] / "data" / "areas" / "wards_2025_darlington_3.geojson"


def test_a_csv_reports_rows_checked_then_stored_in_order(tmp_path):
    LocalAuthorityFactory(code="E06000005", name="Darlington")
    path = tmp_path / "wards.csv"
    path.write_text("code,name,la\n" + "".join(f"E05{100000 + i},Ward {i},E06000005\n" for i in range(1200)))
    seen: list[tuple[str, int, int]] = []
    result = areas_import(
        source=path,
        kind="ward",
        code_column="code",
        name_column="name",
        authority_column="la",
        progress=lambda *report: seen.append(report),
    )
    assert result.created == 1200
    checking = [(done, total) for phase, done, total in seen if phase == "checking"]
    writing = [(done, total) for phase, done, total in seen if phase == "writing"]
    assert checking[0] == (0, 1200)
    assert (250, 1200) in checking
    assert checking[-1] == (1200, 1200)
    assert [done for done, _ in checking] == sorted(done for done, _ in checking)
    assert writing == [(0, 1200), (500, 1200), (1000, 1200), (1200, 1200)]  # one report a batch
    assert seen.index(("checking", 1200, 1200)) < seen.index(("writing", 0, 1200))


def test_a_geojson_reports_features_checked_without_a_total():
    LocalAuthorityFactory(code="E06000005", name="Darlington")
    seen: list[tuple[str, int, int]] = []
    areas_import(source=GEOJSON, kind="ward", progress=lambda *report: seen.append(report))
    assert seen[0] == ("checking", 0, 0)
    assert seen[-1] == ("writing", 3, 3)
