"""What kind of file an accounts or deals export is, found from its first bytes.

Only the head of the file is read here (the first 64 KiB, more when the header line is longer):
the rows themselves are left to DuckDB. This module decides the format (CSV, Parquet, JSON
lines), the text encoding, the delimiter and the header, and refuses what is not a table at
all (a folder, an empty file, binary data) with a one-line :class:`DataError`.
"""

from __future__ import annotations

import codecs
import csv
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Format = Literal["csv", "parquet", "json"]

HEAD_BYTES = 64 * 1024
#: DuckDB's own encodings: UTF-8 (with or without a BOM) and UTF-16 little-endian.
NATIVE_ENCODINGS = ("utf-8", "utf-16")
_EXTENSIONS: dict[str, Format] = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "json", ".ndjson": "json", ".json": "json",
}
_DELIMITERS = (",", "\t", ";", "|")


class DataError(Exception):
    """An input or output file that cannot be used: the message is one line for the user,
    naming the file (and the column and row where that applies)."""


class EncodingError(DataError):
    """A text file that turned out not to be UTF-8 past its head: read it again converted."""


@dataclass(frozen=True)
class CsvDialect:
    """How to read a delimited text file: its encoding as DuckDB names it, the delimiter and
    the header cells (trimmed, in order)."""

    encoding: str
    delimiter: str
    header: tuple[str, ...]


def check_path(path: Path) -> None:
    """:class:`DataError` unless ``path`` is a readable, non-empty file."""
    if not path.exists():
        raise DataError(f"{path}: no such file")
    if path.is_dir():
        raise DataError(f"{path}: a folder, not a file: give the export file itself")
    if not path.is_file():
        raise DataError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise DataError(f"{path}: empty file: no header and no rows")
    if not os.access(path, os.R_OK):
        raise DataError(f"{path}: not readable (permission denied)")


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of the file."""
    with path.open("rb") as handle:
        return handle.read(size)


def detect_format(path: Path, head: bytes) -> Format:
    """By extension first; an unknown extension is sniffed (Parquet magic, a JSON object)."""
    known = _EXTENSIONS.get(path.suffix.lower())
    if known is not None:
        return known
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "json"
    return "csv"


def detect_encoding(path: Path, head: bytes) -> str:
    """The text encoding: ``utf-8``/``utf-16`` (read by DuckDB as they are), else the Python
    codec the file must be converted from (``utf-16-be``, ``cp1252``, ``latin-1``).

    Binary data (NUL bytes or control characters in a file without a UTF-16 BOM) is refused.
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if b"\x00" in head or controls > len(head) // 100:
        offset = next(i for i, b in enumerate(head) if b < 32 and b not in (9, 10, 13))
        raise DataError(f"{path}: not a text table: binary data at byte {offset} (export "
                        "it again as CSV, TSV, Parquet or JSON lines)")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"  # every byte is a latin-1 character


def decode_head(head: bytes, encoding: str) -> str:
    """The head as text, without a BOM and without a character cut at the end."""
    python = {"utf-8": "utf-8-sig", "utf-16": "utf-16"}.get(encoding, encoding)
    decoder = codecs.getincrementaldecoder(python)(errors="replace")
    return decoder.decode(head, final=False).lstrip("\ufeff")


def first_line(text: str) -> str:
    """The header line: up to the first line break outside quotes."""
    quoted = False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:i]
    return text


def detect_delimiter(path: Path, line: str) -> str:
    """Tab for .tsv/.tab; else the candidate that occurs most often in the header line
    (outside quotes), a comma when none does."""
    if path.suffix.lower() in (".tsv", ".tab"):
        return "\t"
    outside = "".join(part for i, part in enumerate(line.split('"')) if i % 2 == 0)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_header(path: Path, line: str, delimiter: str) -> tuple[str, ...]:
    """The header cells, trimmed; blank ones named ``column<N>``; duplicates refused."""
    cells = next(csv.reader([line], delimiter=delimiter), [])
    names = tuple(cell.strip() or f"column{i + 1}" for i, cell in enumerate(cells))
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        key = name.casefold()
        if key in seen:
            raise DataError(f"{path}: duplicate column name '{name}' (columns {seen[key] + 1} "
                            f"and {i + 1}): rename one so each column is read once")
        seen[key] = i
    return names


def sniff_csv(path: Path, head: bytes) -> CsvDialect:
    """Encoding, delimiter and header of a delimited text file; header-only files refused."""
    encoding = detect_encoding(path, head)
    text = decode_head(head, encoding)
    line = first_line(text)
    if not line.strip():
        raise DataError(f"{path}: the first line is blank: expected a header row")
    rest = text[len(line):].strip("\r\n\t ,;|")
    if not rest and len(head) < HEAD_BYTES:
        raise DataError(f"{path}: header only, 0 rows (found the columns "
                        f"{', '.join(parse_header(path, line, ','))[:200]})")
    delimiter = detect_delimiter(path, line)
    return CsvDialect(encoding, delimiter, parse_header(path, line, delimiter))


def transcode(path: Path, encoding: str, folder: str) -> Path:
    """A UTF-8 copy of ``path`` in ``folder``, converted in 1 MiB chunks (never whole)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix="utf8-", suffix=".csv")
    try:
        with path.open("rb") as raw, os.fdopen(fd, "wb") as out:
            reader = codecs.getreader(encoding)(raw)
            writer = codecs.getwriter("utf-8")(out)
            shutil.copyfileobj(reader, writer, 1 << 20)
    except UnicodeDecodeError:
        Path(name).unlink(missing_ok=True)
        # cp1252 leaves five bytes undefined: a file with one of them is read as latin-1.
        if encoding == "cp1252":
            return transcode(path, "latin-1", folder)
        raise DataError(f"{path}: not readable as {encoding} text") from None
    return Path(name)
