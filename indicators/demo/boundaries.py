"""Demo outlines: the real LSOA 2011 boundaries of the report's seven case-study authorities, for the maps, and
their real wards (2025), so that ward files and reports have areas to land on."""

from __future__ import annotations

from pathlib import Path

from indicators.official.importing.areas import AreasImportResult, areas_import
from indicators.official.importing.boundaries import BoundaryImportResult, boundaries_import

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "boundaries"
BOUNDARIES_DIR = DATA_DIR / "lsoa11"
WARDS_DIR = DATA_DIR / "ward"


def seed_boundaries() -> list[BoundaryImportResult]:
    """Load every shipped file (already simplified, so stored as they are). Safe to run again."""
    return [
        boundaries_import(source=path, kind="lsoa11", tolerance=0)
        for path in sorted(BOUNDARIES_DIR.glob("*.geojson.gz"))
    ]


def seed_wards() -> list[AreasImportResult]:
    """The case-study authorities' wards with their outlines (ONS files as published). Safe to run again."""
    return [areas_import(source=path, kind="ward") for path in sorted(WARDS_DIR.glob("*.geojson.gz"))]
