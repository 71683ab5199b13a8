"""The improvement report on a published rate by ward, against reference sets that name themselves; its per-authority
shares checked against the same sums done in plain Python from the file's raw rows."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.engine.selectors.improvement import improvement_report
from indicators.engine.selectors.reference_sets import reference_set
from indicators.engine.services.worklessness import EngineError
from indicators.places.models import LocalAuthority
from tests.factories import DeprivationFactory, RegionFactory, SmallAreaFactory
from tests.indicators.wards import END, START, WARD_FILE, build_wards, improvement_by_hand, ward_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward_rate():
    """Every ward of the example file, and its published claimant rate imported as the analyst would."""
    build_wards()
    call_command(
        "import_tidy", str(WARD_FILE), "--indicator", "ward-claimant-rate", "--create", "rate",
        "--area-column", "ward_code", "--period-column", "date", "--value-column", "claimant_rate",
        "--no-progress", stdout=io.StringIO(), stderr=io.StringIO(),
    )  # fmt: skip
    return ward_rows()


def _report(*args: str, fmt: str = "csv") -> str:
    out = io.StringIO()
    call_command(
        "improvement_report", "--indicator", "ward-claimant-rate", "--start", START, "--end", END,
        *args, "--format", fmt, stdout=out,
    )  # fmt: skip
    return out.getvalue()


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_ward_shares_per_authority_match_plain_python(ward_rate):
    benchmark, size, expected = improvement_by_hand(ward_rate)
    rows = _csv_rows(_report("--reference", "all:ward"))

    authorities = [r for r in rows if r["level"] == "local_authority"]
    got = {r["code"]: (int(r["areas"]), int(r["improving"]), Decimal(r["share_improving_pct"])) for r in authorities}
    assert got == expected
    assert len(got) == 7
    assert sum(n for n, _, _ in got.values()) == 200
    first = authorities[0]
    assert float(first["benchmark_change_points"]) == pytest.approx(float(benchmark), abs=0.005)
    assert (first["reference_set"], first["reference_set_size"], first["benchmark_areas"]) == (
        "all 200 wards held, in 7 local authorities", "200", str(size),
    )  # fmt: skip
    assert (first["areas_counted"], first["rate_kind"]) == ("wards", "published rate")


def test_a_benchmark_over_one_authoritys_wards_still_counts_every_authoritys(ward_rate):
    leeds = {r["ward_code"] for r in ward_rate if r["la_code"] == "E08000035"}
    benchmark, size, expected = improvement_by_hand(ward_rate, leeds)
    body = json.loads(_report("--reference", "all:ward:E08000035", fmt="json"))

    assert body["reference"] == "all 33 wards in Leeds (E08000035)"
    assert (body["reference_size"], body["benchmark_areas"]) == (33, size)
    assert body["benchmark_change"] == pytest.approx(float(benchmark), abs=0.005)
    got = {a["code"]: (a["areas"], a["improving"], Decimal(str(a["share"]))) for a in body["local_authorities"]}
    assert got == expected
    assert "as published" in body["method"]
    assert "cannot be added up" in body["neighbourhoods_note"]


def test_a_region_and_a_list_of_authorities_name_themselves(ward_rate):
    tees = RegionFactory(name="Tees Valley", slug="tees-valley")
    LocalAuthority.objects.filter(code__startswith="E06").update(region=tees)
    report = improvement_report(
        indicator_slug="ward-claimant-rate", start=START, end=END, reference="all:ward:tees-valley"
    )
    assert report.reference == "all 103 wards in Tees Valley (5 local authorities)"
    assert [r.name for r in report.regions] == ["Tees Valley"]
    both = reference_set("all:ward:E06000001,E06000002")
    assert (both.name, both.size) == ("all 32 wards in Hartlepool (E06000001) and Middlesbrough (E06000002)", 32)


def test_a_list_from_a_file_is_the_benchmark_and_what_is_counted(ward_rate, tmp_path):
    listed = tmp_path / "estates.csv"
    picked = ["E05013038", "E05013039", "E05009853"]
    listed.write_text("ward_code,note\n" + "".join(f"{c},estate\n" for c in picked))
    benchmark, size, expected = improvement_by_hand([r for r in ward_rate if r["ward_code"] in picked])
    text = _report("--reference", f"list:{listed}", fmt="text")
    assert "Reference set: the 3 wards listed in estates.csv, in Hartlepool and Middlesbrough." in text
    assert f"Benchmark: {float(benchmark):+.2f} points, the mean change over {size} small areas" in text
    body = json.loads(_report("--reference", f"list:{listed}", fmt="json"))
    assert {a["code"]: (a["areas"], a["improving"]) for a in body["local_authorities"]} == {
        la: (n, k) for la, (n, k, _) in expected.items()
    }


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("E05013038\nE05099999\n", "line 2: no area with the code 'E05099999' is held"),
        ("code\nE05013038\nnot a code!\n", "line 3, column 1: 'not a code!' is not an area code"),
        ("E05013038\nE05013038\n", "line 2: 'E05013038' is listed twice .first on line 1."),
        ("code\n\n", "matches no area: the file lists no area code"),
        ("E05013038\nE01000001\n", "the list mixes kinds of area .lsoa11, ward."),
    ],
)
def test_a_bad_list_names_its_line(ward_rate, tmp_path, content, message):
    SmallAreaFactory(code="E01000001", kind="lsoa11")
    listed = tmp_path / "list.csv"
    listed.write_text(content)
    with pytest.raises(CommandError, match=message):
        _report("--reference", f"list:{listed}")


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("all:ward", "The reference set 'all:ward' matches no area: Rebalance holds no wards"),
        ("all:ward:E08000035", "matches no area: Rebalance holds no wards in Leeds"),
        ("all:parish", "'parish' is not a kind of area"),
        ("all:lsoa:E09999999", "No local authority with the code 'E09999999'"),
        ("all:lsoa:mars", "'mars' is neither a local authority code"),
        ("deprived:decile11", "'decile11' is not a decile cut"),
        ("deprived:iod2025", "matches no area: the 0 LSOAs in the most deprived 10% of LSOAs in England"),
        ("somewhere", "Unknown reference set 'somewhere'"),
    ],
)
def test_a_reference_set_that_matches_no_area_is_a_clear_error(reference, message):
    la = build_leeds_lsoas()
    assert la.code == "E08000035"
    with pytest.raises(EngineError, match=message):
        reference_set(reference)


def build_leeds_lsoas() -> LocalAuthority:
    area = SmallAreaFactory(code="E01011229", kind="lsoa11", local_authority__code="E08000035")
    area.local_authority.name = "Leeds"
    area.local_authority.save()
    DeprivationFactory(small_area=area, decile=1)
    return area.local_authority


def test_deprived_sets_name_their_edition_and_cut():
    build_leeds_lsoas()
    chosen = reference_set("deprived")
    assert chosen.name == (
        "the 1 LSOAs in the most deprived 10% of LSOAs in England (IMD decile 1) on the English "
        "Indices of Deprivation 2019 (the report's benchmark)"
    )
    assert "the first edition loaded is kept" in chosen.deprivation
    assert reference_set("deprived:iod2019:decile2:E08000035").name.startswith(
        "the 1 LSOAs of Leeds (E08000035) in the most deprived 20% of LSOAs in England (IMD deciles 1 to 2)"
    )
    assert reference_set("england-deprived").size == reference_set("la:E08000035").size == 1


def test_a_rate_published_for_authorities_is_refused():
    with pytest.raises(EngineError, match="'aps-employment-rate' is published for local authorities, not small"):
        improvement_report(indicator_slug="aps-employment-rate", start=START, end=END)
