"""Bounded reading of uploaded files: a gzip bomb, a one-line file of 100,000 columns and an endless line are each
refused the moment their limit is crossed, in bounded memory, with a short error; nothing already stored changes."""

import gzip
import hashlib
import io
import json
import tracemalloc

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from indicators.official.importing.boundaries import boundaries_import
from indicators.official.importing.files import (
    MESSAGE_CHARS,
    ImportFileError,
    _LineGuard,
    bounded_errors,
    error_record,
    file_sha256,
    open_decompressed,
    read_text,
)
from indicators.official.importing.imd import imd_import
from indicators.official.importing.lookup import lookup_import
from indicators.official.importing.msoa_names import msoa_names_read
from indicators.official.importing.nomis import nomis_import
from indicators.official.importing.tidy import tidy_import
from indicators.official.models import Import, Indicator
from tests.indicators.official.helpers import CLAIMANTS_EXCEL, city_of_london_lsoas, snapshot

MB = 1024 * 1024


def _bomb(expanded_mb: int, block: bytes = b"0,0,0\n") -> bytes:
    """A gzip file of ``expanded_mb`` MB of short lines (or ``block`` repeated), made a megabyte at a time: a few
    tens of kilobytes."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb") as gz:
        zeros = (block * (MB // len(block) + 1))[:MB]
        for _ in range(expanded_mb):
            gz.write(zeros)
    return out.getvalue()


def _peak_bytes(call) -> tuple[int, BaseException | None]:
    """The most memory Python held at once while ``call`` ran, above what it held before, and what it raised."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    raised = None
    try:
        call()
    except Exception as exc:
        raised = exc
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - before, raised


@pytest.fixture
def claimants():
    return Indicator.objects.get(slug="claimant-count")


@pytest.mark.django_db
def test_a_gzip_bomb_is_refused_in_bounded_memory_and_stores_nothing(settings, claimants):
    settings.REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = 8 * MB
    city_of_london_lsoas()
    nomis_import(source=CLAIMANTS_EXCEL, indicator=claimants)
    bomb = _bomb(64)
    assert len(bomb) < MB
    before = snapshot()
    peak, raised = _peak_bytes(lambda: nomis_import(source=bomb, indicator=claimants, file_name="bomb.csv.gz"))
    assert isinstance(raised, ImportFileError)
    assert str(raised) == (
        "the file expands to more than 8 MB: the most an import reads (REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES)"
    )
    # Reading the whole 64 MB would need 64 MB at least; the cap holds it to the limit and a chunk or two.
    assert peak < 20 * MB, f"peak {peak / MB:.1f} MB"
    assert snapshot() == before
    failed = Import.objects.get(file_name="bomb.csv.gz")
    assert failed.status == Import.Status.FAILED
    assert "expands to more than 8 MB" in failed.errors[0]["message"]


def test_a_plain_file_larger_than_the_limit_is_refused(settings):
    settings.REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = 1000
    with pytest.raises(ImportFileError, match="the file is more than 1,000 bytes"):
        read_text(b"a,b\n" * 500)


def test_a_gzip_bomb_is_refused_by_the_streamed_readers_too(settings, tmp_path):
    settings.REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = 2 * MB
    path = tmp_path / "areas.geojson.gz"
    path.write_bytes(_bomb(16, block=b" "))  # whitespace: valid JSON so far, read on and on
    with pytest.raises(ImportFileError, match="expands to more than 2 MB"):
        boundaries_import(source=path)
    with open_decompressed(path) as handle, pytest.raises(ImportFileError, match="expands to more than 2 MB"):  # noqa: PT012
        while handle.read(64 * 1024):
            pass


@pytest.mark.parametrize("reader", [imd_import, lookup_import, msoa_names_read])
def test_every_csv_reader_uses_the_cap(settings, reader):
    settings.REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = 2 * MB
    with pytest.raises(ImportFileError, match="expands to more than 2 MB"):
        reader(source=_bomb(16))


@pytest.mark.django_db
def test_a_header_of_100000_columns_is_refused_with_a_short_stored_error(claimants):
    header = ",".join(f"C{i}" for i in range(100_000)) + "\n"
    before = snapshot()
    with pytest.raises(ImportFileError) as caught:
        nomis_import(source=header.encode() + b"1,2\n", indicator=claimants, file_name="wide.csv")
    assert caught.value.line == 1
    assert "has 100,000 columns, more than the 10,000 an import reads" in caught.value.message
    stored = Import.objects.get(file_name="wide.csv")
    assert stored.status == Import.Status.FAILED
    assert len(json.dumps(stored.errors)) < 1000
    assert snapshot() == before


@pytest.mark.parametrize("reader", [imd_import, lookup_import, msoa_names_read])
def test_every_csv_reader_refuses_a_wide_header(reader):
    with pytest.raises(ImportFileError, match="has 20,000 columns") as caught:
        reader(source=(",".join(["x"] * 20_000) + "\n").encode())
    assert len(str(caught.value)) <= MESSAGE_CHARS + 20


@pytest.mark.django_db
def test_a_tidy_header_it_cannot_use_is_quoted_short(claimants):
    header = ",".join("a long column name " * 10 + str(i) for i in range(5_000))
    with pytest.raises(ImportFileError, match="no area column named 'code'") as caught:
        tidy_import(
            source=(header + "\n").encode(),
            indicator=claimants,
            area_column="code",
            period_column="date",
            value_column="value",
        )
    assert len(caught.value.message) <= MESSAGE_CHARS
    assert "…" in caught.value.message


@pytest.mark.django_db
def test_a_line_longer_than_the_limit_is_refused_with_its_number(settings, claimants):
    settings.REBALANCE_IMPORT_MAX_LINE_BYTES = 1000
    text = "DATE_NAME,GEOGRAPHY_CODE,OBS_VALUE\n" + "May 2024,E01000001,5\n" * 10 + "May 2024," + "9" * 5000 + "\n"
    before = snapshot()
    with pytest.raises(ImportFileError) as caught:
        nomis_import(source=gzip.compress(text.encode()), indicator=claimants, file_name="long.csv.gz")
    assert caught.value.line == 12
    assert "the line is longer than 1,000 bytes" in caught.value.message
    assert snapshot() == before


def test_an_endless_line_is_refused_as_soon_as_it_passes_the_limit(settings):
    settings.REBALANCE_IMPORT_MAX_LINE_BYTES = MB
    peak, raised = _peak_bytes(lambda: read_text(_bomb(64, block=b"0")))
    assert isinstance(raised, ImportFileError)
    assert raised.line == 1
    assert peak < 6 * MB, f"peak {peak / MB:.1f} MB"


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    lengths=st.lists(st.integers(0, 40), min_size=1, max_size=30),
    limit=st.integers(1, 30),
    chunk=st.integers(1, 70),
)
def test_the_line_guard_names_the_first_long_line_however_the_file_is_chunked(lengths, limit, chunk):
    data = b"\n".join(b"x" * n for n in lengths)
    expected = next((i + 1 for i, n in enumerate(lengths) if n > limit), None)
    guard = _LineGuard(limit)
    found = None
    try:
        for start in range(0, len(data), chunk):
            guard.check(data[start : start + chunk])
    except ImportFileError as exc:
        found = exc.line
    assert found == expected


def test_an_error_quotes_only_a_short_excerpt_whatever_it_was_given():
    error = ImportFileError(f"'{'x' * 1_000_000}' is not an area code", line=3, column="y" * 10_000)
    assert len(error.message) <= MESSAGE_CHARS
    assert error.message.startswith("'xxx")
    assert error.message.endswith("' is not an area code")
    assert len(error.column) <= 200
    assert error.column.endswith("…")


def test_what_an_import_stores_about_an_error_is_bounded():
    records = bounded_errors([error_record(ValueError("z" * 1_000_000))] * 1000)
    assert len(json.dumps(records)) < 20 * (MESSAGE_CHARS + 100)
    assert records[0]["message"].startswith("ValueError('zzz")


def test_a_damaged_gzip_file_still_says_so():
    with pytest.raises(ImportFileError, match="gzip file is damaged or cut short"):
        read_text(gzip.compress(b"a,b\n1,2\n" * 100)[:-12])


def test_a_gzip_bomb_is_refused_before_anything_is_held(settings):
    # Read through once keeping nothing: the refusal costs chunks, not the cap (64 MB here).
    settings.REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = 64 * MB
    peak, raised = _peak_bytes(lambda: read_text(_bomb(128)))
    assert isinstance(raised, ImportFileError)
    assert "expands to more than 64 MB" in str(raised)
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB"


def test_a_plain_file_over_the_limit_is_refused_by_its_size_without_reading_it(settings, tmp_path):
    settings.REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES = 8 * MB
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.truncate(32 * MB)  # sparse: no need to write it
    peak, raised = _peak_bytes(lambda: read_text(path))
    assert isinstance(raised, ImportFileError)
    assert str(raised).startswith("the file is more than 8 MB")
    assert peak < MB, f"peak {peak / MB:.1f} MB"


def test_the_hash_is_taken_in_chunks_and_a_handle_is_left_where_it_was(tmp_path):
    content = _bomb(4)
    path = tmp_path / "f.csv.gz"
    path.write_bytes(content)
    expected = hashlib.sha256(content).hexdigest()
    assert file_sha256(path) == file_sha256(content) == expected
    with path.open("rb") as handle:
        assert file_sha256(handle) == expected
        assert handle.tell() == 0
        assert len(read_text(handle)) == 4 * MB  # both passes read it from the start


def test_reading_reports_how_far_it_has_got_through_the_stored_file(settings):
    reports = []
    content = _bomb(16)
    read_text(content, progress=lambda done, total: reports.append((done, total)))
    totals = {total for _, total in reports}
    assert totals == {2 * len(content)}  # gzip: read through twice (once to check, once to keep)
    dones = [done for done, _ in reports]
    assert dones == sorted(dones)
    assert len(dones) >= 2
    assert dones[-1] == 2 * len(content)
