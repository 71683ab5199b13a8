"""The ways of writing observations agree: on PostgreSQL a first import streamed as it is checked, later ones by
COPY and upsert; elsewhere a portable path."""

from decimal import Decimal

import pytest
from django.db import connection

from indicators.official.importing.files import ImportFileError
from indicators.official.importing.nomis import nomis_import
from indicators.official.importing.observations import reading
from indicators.official.models import Import, Indicator, Observation, ObservationRevision
from tests.factories import LocalAuthorityFactory, SmallAreaFactory
from tests.indicators.official.helpers import snapshot

pytestmark = pytest.mark.django_db

HEADER = "DATE,GEOGRAPHY_CODE,OBS_VALUE,OBS_STATUS\n"


def _file(values: dict[tuple[str, str], str | None]) -> bytes:
    lines = [HEADER]
    for (month, code), value in values.items():
        lines.append(f"{month},{code},{value or ''},{'A' if value else 'Q'}\n")
    return "".join(lines).encode()


def _areas():
    la = LocalAuthorityFactory(code="E08000012")
    codes = [f"E0100{n:04d}" for n in range(1, 31)]
    for code in codes:
        SmallAreaFactory(code=code, local_authority=la)
    return la, codes


def _sorted(rows):
    return sorted(rows, key=lambda row: tuple("" if v is None else str(v) for v in row))


def _observations():
    return _sorted(
        Observation.objects.values_list(
            "indicator__slug",
            "period__kind",
            "period__start",
            "small_area__code",
            "local_authority__code",
            "value",
            "status",
            "status_code",
            "source_import__file_name",
        )
    )


def _revisions():
    return _sorted(
        ObservationRevision.objects.values_list(
            "observation__small_area__code",
            "observation__local_authority__code",
            "observation__period__start",
            "old_value",
            "old_status",
            "new_value",
            "new_status",
            "replaced_by__file_name",
            "previous_import__file_name",
        )
    )


def _run(method: str):
    la, codes = _areas()
    claimants = Indicator.objects.get(slug="claimant-count")
    months = ["2023-10", "2023-11", "2023-12"]
    first = {(m, c): str(5 * (i + j)) for i, m in enumerate(months) for j, c in enumerate(codes)}
    first[("2023-12", la.code)] = "1234.5678"
    first[("2023-12", codes[3])] = None
    corrected = dict(first)
    corrected[("2023-11", codes[0])] = "999"
    corrected[("2023-12", codes[3])] = "15"
    corrected[("2023-12", codes[4])] = None
    corrected[("2023-12", la.code)] = "1234.57"
    corrected[("2024-01", codes[5])] = "20"
    results = []
    for name, content in (("first.csv", first), ("corrected.csv", corrected), ("first-again.csv", first)):
        imp = nomis_import(source=_file(content), indicator=claimants, file_name=name, method=method)
        results.append((imp.status, imp.rows_read, imp.rows_inserted, imp.rows_updated, imp.rows_unchanged))
    return results, _observations(), _revisions()


@pytest.mark.postgres
@pytest.mark.parametrize("method", ["copy", "stream"])
def test_copy_and_portable_paths_give_identical_results(method, django_db_blocker, monkeypatch):
    monkeypatch.setattr(reading, "SINK_EVERY", 10)  # a streamed first import then goes in ten blocks
    copied = _run(method)
    Observation.objects.all().delete()
    ObservationRevision.objects.all().delete()
    Import.objects.all().delete()
    portable = _run("portable")

    assert copied == portable
    statuses, observations, revisions = copied
    assert statuses == [
        (Import.Status.SUCCEEDED, 91, 91, 0, 0),
        (Import.Status.SUCCEEDED, 92, 1, 4, 87),
        (Import.Status.SUCCEEDED, 91, 0, 4, 87),
    ]
    assert len(observations) == 92
    assert len(revisions) == 8
    assert ("E01000004", None, observations[0][2].replace(month=12), None, "missing", Decimal(15), "normal",
            "corrected.csv", "first.csv") in revisions  # fmt: skip


def test_the_portable_path_on_any_database():
    results, observations, revisions = _run("portable")
    assert len(observations) == 92
    assert [r[2:4] for r in results] == [(91, 0), (1, 4), (0, 4)]
    assert len(revisions) == 8


@pytest.mark.parametrize("method", ["copy", "portable"])
def test_a_month_not_yet_stored_is_all_new_and_a_stored_one_is_compared(method, django_db_blocker):
    """A first import of a period skips looking up each row (nothing of the indicator is stored for it); a file
    that also touches a stored period is compared row by row, with the same counts on either path."""
    if method == "copy" and connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    la, codes = _areas()
    claimants = Indicator.objects.get(slug="claimant-count")
    october = {("2023-10", c): "5" for c in codes}
    november = {("2023-11", c): "6" for c in codes} | {("2023-11", la.code): "7"}

    first = nomis_import(source=_file(october), indicator=claimants, file_name="oct.csv", method=method)
    later = nomis_import(source=_file(november), indicator=claimants, file_name="nov.csv", method=method)
    touching = nomis_import(
        source=_file(november | {("2023-10", codes[0]): "9"}), indicator=claimants, file_name="both.csv", method=method
    )

    assert (first.rows_inserted, first.rows_updated) == (30, 0)
    assert (later.rows_inserted, later.rows_updated, later.rows_unchanged) == (31, 0, 0)
    assert (touching.rows_inserted, touching.rows_updated, touching.rows_unchanged) == (0, 1, 31)
    assert Observation.objects.count() == 61
    assert ObservationRevision.objects.get().new_value == Decimal(9)


@pytest.mark.postgres
def test_a_streamed_first_import_refused_late_in_the_file_changes_nothing(monkeypatch):
    """The first blocks are already COPYed when a bad row near the end is met: all of it is rolled back, the
    periods made for the file too, and the import is recorded as failed with the bad row's line."""
    monkeypatch.setattr(reading, "SINK_EVERY", 4)
    _la, codes = _areas()
    claimants = Indicator.objects.get(slug="claimant-count")
    rows = {(month, c): "5" for month in ("2023-10", "2023-11", "2023-12") for c in codes}
    content = _file(rows) + b"2024-01,E01000001,twelve,A\n"
    before = snapshot()

    with pytest.raises(ImportFileError) as refused:
        nomis_import(source=content, indicator=claimants, file_name="bad.csv")

    assert refused.value.line == len(rows) + 2
    assert snapshot() == before
    failed = Import.objects.get(file_name="bad.csv")
    assert failed.status == Import.Status.FAILED
    assert failed.errors[0]["line"] == len(rows) + 2


@pytest.mark.postgres
def test_a_streamed_first_import_refuses_a_figure_repeated_blocks_apart(monkeypatch):
    monkeypatch.setattr(reading, "SINK_EVERY", 3)
    _la, codes = _areas()
    claimants = Indicator.objects.get(slug="claimant-count")
    content = _file({("2023-10", c): "5" for c in codes}) + b"2023-10,E01000002,6,A\n"

    with pytest.raises(ImportFileError, match="area E01000002 has a second figure for the same period"):
        nomis_import(source=content, indicator=claimants, file_name="twice.csv")

    assert not Observation.objects.exists()


@pytest.mark.postgres
def test_only_an_indicator_with_nothing_stored_is_streamed(monkeypatch):
    """A later file goes through the staged upsert, which compares and records what it replaces; a first import
    is streamed in blocks, periods it meets part-way included."""
    blocks = []
    original = reading.parse_rows

    def watching(*args, sink=None, **kwargs):
        blocks.append(sink is not None)
        return original(*args, sink=sink, **kwargs)

    monkeypatch.setattr("indicators.official.importing.observations.run.parse_rows", watching)
    monkeypatch.setattr(reading, "SINK_EVERY", 5)
    _la, codes = _areas()
    claimants = Indicator.objects.get(slug="claimant-count")
    first = nomis_import(
        source=_file({(m, c): "5" for m in ("2023-10", "2023-11") for c in codes}), indicator=claimants
    )
    second = nomis_import(source=_file({("2023-11", codes[0]): "6"}), indicator=claimants)

    assert blocks == [True, False]
    assert (first.rows_inserted, second.rows_updated) == (60, 1)
    assert Observation.objects.filter(period__start__month=11).count() == 30


@pytest.mark.postgres
def test_a_period_not_found_beforehand_is_made_when_met(monkeypatch):
    """The quick pass for periods is an optimisation: a period it missed ends the COPY, is made, and the file
    goes on in a new COPY, with the same result."""
    monkeypatch.setattr("indicators.official.importing.observations.run.scan_periods", lambda text, layout: [])
    monkeypatch.setattr(reading, "SINK_EVERY", 7)
    _la, codes = _areas()
    claimants = Indicator.objects.get(slug="claimant-count")
    values = {(m, c): str(i) for m in ("2023-10", "2023-11", "2023-12") for i, c in enumerate(codes)}

    imp = nomis_import(source=_file(values), indicator=claimants)

    assert imp.rows_inserted == 90
    stored = {(o.period.start.month, o.small_area.code): str(int(o.value)) for o in Observation.objects.all()}
    assert stored == {(int(m[-2:]), c): v for (m, c), v in values.items()}


@pytest.mark.postgres
def test_the_first_import_probe_reads_an_index_not_the_table():
    """Asking whether an indicator has anything stored must not scan every observation of every indicator."""
    from indicators.official.importing.observations.writing import ANY_OF_INDICATOR_SQL

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: ask for the plan an index allows
        cursor.execute("EXPLAIN " + ANY_OF_INDICATOR_SQL.format(obs=Observation._meta.db_table), {"indicator": 1})
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Seq Scan" not in plan
    assert "observation_small_area_once" in plan
    assert "observation_local_authority_once" in plan
