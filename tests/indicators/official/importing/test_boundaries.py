"""load_boundaries on the shipped real files, on every kind of ONS file, and on broken files."""

from __future__ import annotations

import gzip
import io
import json
from decimal import Decimal

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import shape

from indicators.demo.boundaries import BOUNDARIES_DIR, seed_boundaries
from indicators.official.importing import boundaries
from indicators.official.importing.boundaries import boundaries_import, read_features
from indicators.official.importing.files import ImportFileError
from indicators.places.models import LocalAuthority, SmallArea

HARTLEPOOL = BOUNDARIES_DIR / "E06000001.geojson.gz"
SQUARE = [[[-1.0, 54.0], [-0.99, 54.0], [-0.99, 54.01], [-1.0, 54.01], [-1.0, 54.0]]]


def _feature(code, key="LSOA11CD", geometry=None, **properties):
    return {
        "type": "Feature",
        "properties": {key: code, **properties},
        "geometry": geometry or {"type": "Polygon", "coordinates": SQUARE},
    }


def _file(tmp_path, features, name="areas.geojson", gz=False):
    text = json.dumps({"type": "FeatureCollection", "name": "test", "features": features}, indent=1)
    path = tmp_path / (name + (".gz" if gz else ""))
    path.write_bytes(gzip.compress(text.encode()) if gz else text.encode())
    return path


def _area(code, kind=SmallArea.Kind.LSOA11, la_code="E06000001", **fields):
    la, _ = LocalAuthority.objects.get_or_create(code=la_code, defaults={"name": "Hartlepool"})
    return SmallArea.objects.create(code=code, name=code, kind=kind, local_authority=la, **fields)


def test_reads_features_one_by_one_across_chunks(monkeypatch):
    monkeypatch.setattr(boundaries, "CHUNK", 7)  # every value spans several reads
    features = [_feature(f"E0100000{i}", LAT=54.5 + i, note='a, ] } "quoted"') for i in range(5)]
    text = json.dumps({"type": "FeatureCollection", "crs": {"a": [1, 2]}, "features": features, "after": 12345})
    assert list(read_features(io.StringIO(text))) == features


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a GeoJSON object"),
        ("[1]", "expected a GeoJSON object"),
        ('{"type": "Feature", "features": []}', "not a FeatureCollection"),
        ('{"type": "FeatureCollection"}', "no 'features'"),
        ('{"type": "FeatureCollection", "features": [{"a": 1}, {"b": ', "feature 1 is not valid JSON"),
        ('{"features": [{"a": 1} {"b": 2}]}', "',' or ']' after a feature"),
        ('{"features": [1]}', "feature 0 is not an object"),
    ],
)
def test_broken_json_says_what_and_where(text, message):
    with pytest.raises(ImportFileError, match=message):
        list(read_features(io.StringIO(text)))


@pytest.mark.django_db
def test_shipped_file_stores_simplified_outlines_and_centres():
    held = _area("E01011949")  # Hartlepool 009A
    kept = _area("E01011950", latitude=Decimal("54.1"), longitude=Decimal("-1.1"))

    result = boundaries_import(source=HARTLEPOOL)

    assert (result.kind, result.features, result.updated, result.centres_added) == ("lsoa11", 58, 2, 1)
    assert result.not_held == 56
    assert len(result.not_held_sample) == 5
    held.refresh_from_db()
    kept.refresh_from_db()
    outline = shape(held.boundary)
    assert outline.is_valid
    assert outline.geom_type in ("Polygon", "MultiPolygon")
    assert (held.latitude, held.longitude) == (Decimal("54.67521"), Decimal("-1.22968"))  # the file's centroid
    assert outline.contains(shapely.Point(float(held.longitude), float(held.latitude)))
    assert (kept.latitude, kept.longitude) == (Decimal("54.1"), Decimal("-1.1"))  # a centre already held stays
    assert SmallArea.objects.count() == 2  # nothing created


@pytest.mark.django_db
def test_seed_boundaries_loads_every_case_study_authority():
    _area("E01011949")
    _area("E01033010", la_code="E08000035")  # a Leeds LSOA
    results = seed_boundaries()
    assert len(results) == 7
    assert sum(r.updated for r in results) == 2
    assert SmallArea.objects.filter(boundary__isnull=True).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "kind", "code", "area_kind"),
    [
        ("LSOA21CD", "lsoa21", "E01035000", SmallArea.Kind.LSOA21),
        ("MSOA11CD", "msoa", "E02002483", SmallArea.Kind.MSOA21),
        ("WD25CD", "ward", "E05013038", SmallArea.Kind.WARD),
    ],
)
def test_every_kind_of_area_is_found_from_its_properties(tmp_path, key, kind, code, area_kind):
    _area(code, kind=area_kind)
    path = _file(tmp_path, [_feature(code, key=key), _feature("E09999999", key=key)], gz=True)
    result = boundaries_import(source=path)
    assert (result.kind, result.updated, result.not_held) == (kind, 1, 1)
    area = SmallArea.objects.get(code=code)
    # No centroid in the file: a point inside the outline.
    assert shape(area.boundary).contains(shapely.Point(float(area.longitude), float(area.latitude)))


@pytest.mark.django_db
def test_tolerance_simplifies_and_multipolygons_with_holes_survive(tmp_path):
    _area("E01000001")
    ring = [[-1 + 0.001 * i, 54 + 0.0000001 * (i % 2)] for i in range(11)] + [[-0.99, 54.01], [-1, 54.01], [-1, 54]]
    hole = [[-0.996, 54.004], [-0.994, 54.004], [-0.994, 54.006], [-0.996, 54.004]]
    island = [[-0.98, 54.0], [-0.97, 54.0], [-0.97, 54.01], [-0.98, 54.0]]
    geometry = {"type": "MultiPolygon", "coordinates": [[ring, hole], [island]]}
    boundaries_import(source=_file(tmp_path, [_feature("E01000001", geometry=geometry)]), tolerance=0.0001)
    stored = SmallArea.objects.get().boundary
    assert stored["type"] == "MultiPolygon"
    assert len(stored["coordinates"]) == 2
    assert len(stored["coordinates"][0]) == 2  # the hole is kept
    assert len(stored["coordinates"][0][0]) < len(ring)  # the wobbly edge is straightened


@pytest.mark.django_db
def test_a_ring_that_crosses_itself_is_mended_into_the_polygons_it_encloses(tmp_path):
    _area("E01000001")
    bow_tie = {"type": "Polygon", "coordinates": [[[-1, 54], [-0.99, 54.01], [-0.99, 54], [-1, 54.01], [-1, 54]]]}
    boundaries_import(source=_file(tmp_path, [_feature("E01000001", geometry=bow_tie)]))
    mended = shape(SmallArea.objects.get().boundary)
    assert mended.is_valid
    assert mended.geom_type == "MultiPolygon"
    assert len(mended.geoms) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("features", "message"),
    [
        ([_feature("E01000001"), _feature("nonsense")], r"feature 1 \(nonsense\): 'nonsense' in LSOA11CD"),
        ([_feature("E01000001"), _feature("E01000001")], "feature 1: E01000001 appears twice"),
        (
            [_feature("E01000001"), _feature("E01000002", geometry={"type": "Point", "coordinates": [0, 0]})],
            r"feature 1 \(E01000002\): the geometry is a Point",
        ),
        (
            [_feature("E01000001"), _feature("E01000002", geometry={"type": "Polygon", "coordinates": "x"})],
            r"feature 1 \(E01000002\): the geometry cannot be read",
        ),
        ([_feature("E01000001", key="CODE")], "feature 0 has no LSOA11CD, LSOA21CD, MSOAnnCD or WDnnCD property"),
        ([], "holds no features"),
    ],
)
def test_a_broken_file_changes_nothing_and_says_where(tmp_path, features, message):
    _area("E01000001")
    with pytest.raises(ImportFileError, match=message):
        boundaries_import(source=_file(tmp_path, features))
    assert SmallArea.objects.get().boundary is None


@pytest.mark.django_db
def test_command_reports_and_fails_cleanly(tmp_path):
    _area("E01011949")
    out = io.StringIO()
    call_command("load_boundaries", str(HARTLEPOOL), "--kind", "lsoa11", stdout=out)
    said = out.getvalue()
    assert "58 areas read, 1 outlines stored, 1 centres added. 57 area(s) we do not hold were left out" in said

    with pytest.raises(CommandError, match=r"feature 0 has no WD\\d\\dCD property"):
        call_command("load_boundaries", str(HARTLEPOOL), "--kind", "ward")
    cut = tmp_path / "cut.geojson.gz"
    cut.write_bytes(HARTLEPOOL.read_bytes()[:5000])
    with pytest.raises(CommandError, match=r"damaged or cut short.*Nothing was changed"):
        call_command("load_boundaries", str(cut))
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("load_boundaries", str(tmp_path / "missing.geojson"))
