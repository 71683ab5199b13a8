"""Reading the files people upload: gzip or plain, UTF-8, with errors that say where.

Whatever a file holds, reading it stays bounded: gzip is read as a stream with a running count of what it expands
to, and a file that grows past ``REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES``, a line longer than
``REBALANCE_IMPORT_MAX_LINE_BYTES`` or a header of more than ``REBALANCE_IMPORT_MAX_COLUMNS`` columns is refused
the moment the limit is crossed. An error quotes at most a short excerpt of what it found (``ImportFileError``
decides that, once), so what is stored on an import and shown on its pages stays small.

A stored file is never read whole to learn about it: its hash is taken in chunks, a plain file larger than the
limit is refused by its size alone, and a gzip file is first read through once keeping nothing, so that a bomb or
an endless line is refused in a few kilobytes of memory before anything is held.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

EXCERPT_CHARS = 200  # the most of a value, column name or line an error quotes
MESSAGE_CHARS = 600  # the most of a whole message, however it was built
MAX_STORED_ERRORS = 20  # the most error records kept on one import
CHUNK = 64 * 1024
MB = 1024 * 1024
REPORT_EVERY = 64  # chunks (4 MB) between reports of how far reading has got

Reading = Callable[[int, int], None]  # (bytes of the stored file read, bytes to read in all)

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
        self._start = handle.tell()
        self.gzipped = handle.read(2) == b"\x1f\x8b"
        self.size = handle.seek(0, os.SEEK_END) - self._start
        handle.seek(self._start)
        self._handle, self._owned, self._limit, self._count = handle, owned, limit, 0
        self._inner = gzip.GzipFile(fileobj=handle, mode="rb") if self.gzipped else handle
        if not self.gzipped and self.size > limit:
            self.close()
            self._refuse()  # a plain file's size is what it reads to: no need to read it to know

    def position(self) -> int:
        """How much of the stored file (compressed, for gzip) has been read."""
        return self._handle.tell() - self._start

    def _refuse(self) -> None:
        what = "expands to" if self.gzipped else "is"
        raise ImportFileError(
            f"the file {what} more than {_size(self._limit)}: the most an import reads "
            "(REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES)"
        )

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
            self._refuse()
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            if self.gzipped:
                self._inner.close()
            if self._owned:
                self._handle.close()
            elif not self._handle.closed:
                self._handle.seek(self._start)  # left where it was, for the next pass
        super().close()


def open_decompressed(source: str | Path | BinaryIO | bytes) -> io.BufferedReader:
    """The one way every importer opens a file: its bytes, gunzipped as a stream when it is gzip, and refused
    with an ImportFileError once they pass ``REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES``."""
    limit = _setting("REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES", DEFAULT_MAX_DECOMPRESSED_BYTES)
    handle, owned = _stored(source)
    return io.BufferedReader(_Expanded(handle, owned=owned, limit=limit), CHUNK)


def _stored(source: str | Path | BinaryIO | bytes) -> tuple[BinaryIO, bool]:
    """The file as stored, opened for reading, and whether we opened it (and so close it)."""
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(source), True
    if isinstance(source, (str, Path)):
        try:
            return Path(source).open("rb"), True
        except OSError as exc:
            raise ImportFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    return source, False


def file_sha256(source: str | Path | BinaryIO | bytes) -> str:
    """The SHA-256 of the file as stored (still gzipped, if it is), read in chunks; a handle is left where it was."""
    if isinstance(source, (bytes, bytearray)):
        return hashlib.sha256(source).hexdigest()
    handle, owned = _stored(source)
    start = handle.tell()
    try:
        digest = hashlib.sha256()
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        if owned:
            handle.close()
        else:
            handle.seek(start)


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


def _read_through(
    source: str | Path | BinaryIO | bytes, *, keep: bytearray | None, progress: Reading | None, part: int, parts: int
) -> None:
    """One pass over the file through the limits, adding what comes out to ``keep`` (or keeping nothing)."""
    lines = _LineGuard(_setting("REBALANCE_IMPORT_MAX_LINE_BYTES", DEFAULT_MAX_LINE_BYTES))
    with open_decompressed(source) as handle:
        expanded: _Expanded = handle.raw
        chunks = 0
        while chunk := handle.read(CHUNK):
            lines.check(chunk)
            if keep is not None:
                keep += chunk
            chunks += 1
            if progress and chunks % REPORT_EVERY == 0:
                progress(part * expanded.size + expanded.position(), parts * expanded.size)
        if progress:
            progress((part + 1) * expanded.size, parts * expanded.size)


def read_text(source: str | Path | BinaryIO | bytes, *, progress: Reading | None = None) -> str:
    """The whole file as text: gunzipped if it is gzip, decoded as UTF-8 (with or without BOM), every line within
    ``REBALANCE_IMPORT_MAX_LINE_BYTES`` and the whole within ``REBALANCE_IMPORT_MAX_DECOMPRESSED_BYTES``.

    A gzip file is read through once keeping nothing before it is read to keep: only a file already shown to be
    within the limits is held in memory. ``progress`` hears how much of the stored file has been read."""
    with open_decompressed(source) as handle:
        parts = 2 if handle.raw.gzipped else 1
    if parts == 2:
        _read_through(source, keep=None, progress=progress, part=0, parts=parts)
    raw = bytearray()
    _read_through(source, keep=raw, progress=progress, part=parts - 1, parts=parts)
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
