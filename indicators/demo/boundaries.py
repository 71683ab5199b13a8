"""Demo outlines: the real LSOA 2011 boundaries of the report's seven case-study authorities, for the maps."""

from __future__ import annotations

from pathlib import Path

from indicators.official.importing.boundaries import BoundaryImportResult, boundaries_import

BOUNDARIES_DIR = Path(__file__).resolve().parent.parent / "data" / "boundaries" / "lsoa11"


def seed_boundaries() -> list[BoundaryImportResult]:
    """Load every shipped file (already simplified, so stored as they are). Safe to run again."""
    return [
        boundaries_import(source=path, kind="lsoa11", tolerance=0)
        for path in sorted(BOUNDARIES_DIR.glob("*.geojson.gz"))
    ]
