"""Reading the files people upload: gzip or plain, UTF-8, with errors that say where.

Whatever a file holds, reading it stays bounded: gzip is read as a stream with a running count of what it expands
to, and a file that grows past ``REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES``, a line longer than
``REBALANCE_IMPORT_MAX_LINE_BYTES`` or a header of more than ``REBALANCE_IMPORT_MAX_COLUMNS`` columns is refused
the moment the limit is crossed. An error quotes at most a short excerpt of what it found (``ImportFileError``
decides that, once), so what is stored on an import and shown on its pages stays small.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

EXCERPT_CHARS = 200  # the most of a value, column name or line an error quotes
MESSAGE_CHARS = 600  # the most of a whole message, however it was built
MAX_STORED_ERRORS = 20  # the most error records kept on one import
CHUNK = 64 * 1024
MB = 1024 * 1024

DEFAULT_MAX_DECOMPRESSED_BYTES = 1024 * MB
DEFAULT_MAX_LINE_BYTES = 1 * MB
DEFAULT_MAX_COLUMNS = 10_000


def excerpt(text: object, limit: int = EXCERPT_CHARS) -> str:
    """At most ``limit`` characters of ``text``, ending in "…" when cut."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shortened(message: str, limit: int = MESSAGE_CHARS) -> str:
    # Cut in the middle: the start says what was found, the end usually says why it is wrong.
    if len(message) <= limit:
        return message
    head = limit * 2 // 3
    return f"{message[:head]}…{message[-(limit - head - 1) :]}"


@dataclass
class ImportFileError(Exception):
    """A file that cannot be imported, with the place in it that says why. The message and column are shortened
    here, whatever the caller quoted from the file."""

    message: str
    line: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        self.message = _shortened(str(self.message))
        if self.column is not None:
            self.column = excerpt(self.column)

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def error_record(exc: BaseException) -> dict:
    """What an import stores about why it failed: ``{line, column, message}``, short whatever the error."""
    if isinstance(exc, ImportFileError):
        return {"line": exc.line, "column": exc.column, "message": exc.message}
    return {"line": None, "column": None, "message": _shortened(repr(exc))}


def bounded_errors(errors: list[dict]) -> list[dict]:
    """At most ``MAX_STORED_ERRORS`` records, each short: the whole list stays a few kilobytes."""
    return [
        {
            "line": error.get("line"),
            "column": None if error.get("column") is None else excerpt(error["column"]),
            "message": _shortened(str(error.get("message", ""))),
        }
        for error in errors[:MAX_STORED_ERRORS]
    ]


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _size(limit: int) -> str:
    return f"{limit // MB:,} MB" if limit >= MB else f"{limit:,} bytes"


class _Expanded(io.RawIOBase):
    """A file's bytes as they are read, gunzipped on the way when it is gzip, and refused once more than ``limit``
    bytes have come out (gzip's own reader gives at most what is asked for, so no read can overshoot far)."""

    def __init__(self, handle: BinaryIO, *, owned: bool, limit: int):
        super().__init__()
        start = handle.tell()
        self.gzipped = handle.read(2) == b"\x1f\x8b"
        handle.seek(start)
        self._handle, self._owned, self._limit, self._count = handle, owned, limit, 0
        self._inner = gzip.GzipFile(fileobj=handle, mode="rb") if self.gzipped else handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (EOFError, OSError, zlib.error) as exc:
            if self.gzipped:
                raise ImportFileError(f"the gzip file is damaged or cut short ({exc})") from exc
            raise ImportFileError(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}") from exc
        self._count += len(data)
        if self._count > self._limit:
            what = "expands to" if self.gzipped else "is"
            raise ImportFileError(
                f"the file {what} more than {_size(self._limit)}: the most an import reads "
                "(REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES)"
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            if self.gzipped:
                self._inner.close()
            if self._owned:
                self._handle.close()
        super().close()


def open_decompressed(source: str | Path | BinaryIO | bytes) -> io.BufferedReader:
    """The one way every importer opens a file: its bytes, gunzipped as a stream when it is gzip, and refused
    with an ImportFileError once they pass ``REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES``."""
    limit = _setting("REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES", DEFAULT_MAX_DECOMPRESSED_BYTES)
    if isinstance(source, (bytes, bytearray)):
        handle, owned = io.BytesIO(source), True
    elif isinstance(source, (str, Path)):
        try:
            handle, owned = Path(source).open("rb"), True  # noqa: SIM115 (closed with the reader)
        except OSError as exc:
            raise ImportFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    else:
        handle, owned = source, False
    return io.BufferedReader(_Expanded(handle, owned=owned, limit=limit), CHUNK)


class _LineGuard:
    """Counts lines as chunks go by and refuses the first one longer than the limit, naming it."""

    def __init__(self, limit: int):
        self.limit, self.line, self.length = limit, 1, 0

    def _refuse(self, line: int) -> None:
        raise ImportFileError(
            f"the line is longer than {_size(self.limit)} (REBALANCE_IMPORT_MAX_LINE_BYTES): "
            "not a CSV file we can read",
            line=line,
        )

    def check(self, chunk: bytes) -> None:
        first = chunk.find(b"\n")
        if first < 0:
            self.length += len(chunk)
            if self.length > self.limit:
                self._refuse(self.line)
            return
        if self.length + first > self.limit:
            self._refuse(self.line)
        last = chunk.rfind(b"\n")
        if last - first - 1 > self.limit:  # only then can a line wholly inside this chunk be too long
            for offset, part in enumerate(chunk[first + 1 : last].split(b"\n"), start=1):
                if len(part) > self.limit:
                    self._refuse(self.line + offset)
        self.line += chunk.count(b"\n")
        self.length = len(chunk) - last - 1
        if self.length > self.limit:
            self._refuse(self.line)


def read_text(source: str | Path | BinaryIO | bytes) -> str:
    """The whole file as text: gunzipped if it is gzip, decoded as UTF-8 (with or without BOM), every line within
    ``REBALANCE_IMPORT_MAX_LINE_BYTES`` and the whole within ``REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES``."""
    lines = _LineGuard(_setting("REBALANCE_IMPORT_MAX_LINE_BYTES", DEFAULT_MAX_LINE_BYTES))
    raw = bytearray()
    with open_decompressed(source) as handle:
        while chunk := handle.read(CHUNK):
            lines.check(chunk)
            raw += chunk
    if not raw.strip():
        raise ImportFileError("the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as CSV UTF-8 and try again",
            line=line,
        ) from exc


def check_columns(header: list[str] | tuple[str, ...], line: int = 1) -> None:
    """Refuse a header (or row) of more columns than ``REBALANCE_IMPORT_MAX_COLUMNS``."""
    limit = _setting("REBALANCE_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)
    if len(header) > limit:
        raise ImportFileError(
            f"has {len(header):,} columns, more than the {limit:,} an import reads (REBALANCE_IMPORT_MAX_COLUMNS); "
            f"it starts: {excerpt(','.join(header[:50]))}",
            line=line,
        )


def text_stream(text: str) -> io.StringIO:
    # newline="" lets the csv module handle CRLF files re-saved by Excel.
    return io.StringIO(text, newline="")
