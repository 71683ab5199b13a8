"""Reading the files people upload: gzip or plain, UTF-8, with errors that say where."""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO


@dataclass
class ImportFileError(Exception):
    """A file that cannot be imported, with the place in it that says why."""

    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


def read_text(source: str | Path | BinaryIO | bytes) -> str:
    """The whole file as text: gunzipped if it is gzip, decoded as UTF-8 (with or without BOM)."""
    if isinstance(source, bytes):
        raw = source
    elif isinstance(source, (str, Path)):
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise ImportFileError(f"cannot read the file: {exc.strerror or exc}") from exc
    else:
        raw = source.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as exc:
            raise ImportFileError(f"the gzip file is damaged or cut short ({exc})") from exc
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


def text_stream(text: str) -> io.StringIO:
    # newline="" lets the csv module handle CRLF files re-saved by Excel.
    return io.StringIO(text, newline="")
