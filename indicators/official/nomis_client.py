"""A small client for the Nomis API's CSV downloads: builds the URL, pages through the answer, and refuses
an answer that was cut short.

An anonymous query returns at most 25,000 rows; the client asks page by page with ``RecordOffset`` and checks
the rows it received against ``RECORD_COUNT`` (a cut-short answer can still be HTTP 200). It returns the whole
CSV (one header, every row) only when every row has arrived, so a failure part-way stores nothing.
"""

from __future__ import annotations

import csv
import io
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

PAGE_SIZE = 25_000
PAGING_COLUMNS = ("RECORD_OFFSET", "RECORD_COUNT")


class NomisError(Exception):
    """The Nomis API could not be reached, refused the query, or sent an incomplete answer."""


@dataclass(frozen=True)
class NomisQuery:
    """One dataset, for one geography type (e.g. TYPE298, 2011 LSOAs) or list of codes, over some dates.

    ``date`` is Nomis's own syntax: ``latest``, ``latestMINUS2-latest``, ``2021-12`` or a range
    ``2013-01-2021-12``. ``params`` selects the other dimensions (e.g. ``{"measure": "1", "gender": "0"}``).
    ``select`` lists the columns wanted; the paging columns are always added.
    """

    dataset: str
    geography: str
    date: str = "latest"
    params: dict[str, str] = field(default_factory=dict)
    select: tuple[str, ...] = ()

    def url(self, *, base_url: str | None = None, offset: int = 0, page_size: int | None = None) -> str:
        base = (base_url or settings.REBALANCE_NOMIS_BASE_URL).rstrip("/")
        query: dict[str, str] = {"geography": self.geography, "date": self.date, **self.params}
        if self.select:
            wanted = [c.upper() for c in self.select]
            wanted += [c for c in PAGING_COLUMNS if c not in wanted]
            query["select"] = ",".join(wanted)
        query["RecordOffset"] = str(offset)
        query["RecordLimit"] = str(page_size or _page_size())
        return f"{base}/dataset/{urllib.parse.quote(self.dataset)}.data.csv?{urllib.parse.urlencode(query, safe=',')}"


Fetch = Callable[[str], bytes]


def _page_size() -> int:
    return getattr(settings, "REBALANCE_NOMIS_PAGE_SIZE", PAGE_SIZE)


def _http_get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "Rebalance (official statistics importer)"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.REBALANCE_NOMIS_TIMEOUT) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as exc:
        raise NomisError(f"Nomis refused {url}: HTTP {exc.code} {exc.reason}") from exc
    except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NomisError(
            f"cannot reach Nomis at {url} ({reason}). This server may have no network access; "
            "nothing was imported and nothing stored has changed."
        ) from exc


@dataclass
class NomisAnswer:
    url: str
    content: bytes  # the whole CSV, one header
    rows: int
    pages: int


def nomis_fetch_csv(
    query: NomisQuery, *, base_url: str | None = None, page_size: int | None = None, fetch: Fetch | None = None
) -> NomisAnswer:
    """Every row of a query as one CSV, or NomisError."""
    page_size = page_size or _page_size()
    fetch = fetch or _http_get
    header: list[str] | None = None
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    expected: int | None = None
    received = pages = 0
    first_url = query.url(base_url=base_url, offset=0, page_size=page_size)
    while expected is None or received < expected:
        url = query.url(base_url=base_url, offset=received, page_size=page_size)
        raw = fetch(url)
        pages += 1
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise NomisError(f"Nomis sent something that is not UTF-8 text for {url}") from exc
        reader = csv.reader(io.StringIO(text, newline=""))
        page_header = next(reader, None)
        if not page_header:
            raise NomisError(f"Nomis sent an empty answer for {url}")
        page_header = [h.strip().upper() for h in page_header]
        if "RECORD_COUNT" not in page_header or "OBS_VALUE" not in page_header:
            raise NomisError(
                f"the answer for {url} has no RECORD_COUNT or OBS_VALUE column, so it cannot be checked for "
                f"completeness (columns: {', '.join(page_header[:12])})"
            )
        if header is None:
            header = page_header
            writer.writerow(header)
        elif page_header != header:
            raise NomisError(f"page {pages} of {first_url} has different columns from page 1")
        count_at = header.index("RECORD_COUNT")
        rows = [row for row in reader if row]
        if not rows:
            if expected is None:
                expected = 0
                break
            raise NomisError(
                f"Nomis said {expected:,} rows but the answer stopped after {received:,} ({url}): cut short, "
                "nothing imported"
            )
        page_count = int(rows[0][count_at])
        if expected is None:
            expected = page_count
        elif page_count != expected:
            raise NomisError(f"RECORD_COUNT changed from {expected:,} to {page_count:,} while paging: the data changed")
        wanted = min(page_size, expected - received)
        if len(rows) < wanted:
            raise NomisError(
                f"page {pages} of {first_url} has {len(rows):,} rows where {wanted:,} were due "
                f"({received + len(rows):,} of {expected:,}): the answer was cut short; nothing imported"
            )
        writer.writerows(rows[:wanted])
        received += wanted
    return NomisAnswer(url=first_url, content=out.getvalue().encode(), rows=received, pages=pages)
