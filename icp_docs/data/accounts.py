"""An accounts or deals export as a DuckDB view that streams.

:func:`open_table` turns a CSV/TSV, Parquet or JSON-lines file into a temporary view: every
input column as text (in input order), a hidden row number that keeps input order, and hidden
cleaned columns for the numeric and date fields (``TRY_CAST`` after trimming, so a cell that
does not parse is NULL: unknown, never 0). No row is ever loaded into a Python object: the
view is read by the query that scores it, and :func:`inspect` counts what did not parse in one
aggregate over the same view.
"""

from __future__ import annotations

import difflib
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..spec.models import Columns
from .model import HUBSPOT_COLUMNS
from .sniff import (
    NATIVE_ENCODINGS,
    DataError,
    EncodingError,
    check_path,
    detect_format,
    read_head,
    sniff_csv,
    transcode,
)

#: The row number (1-based, input order) that summaries and reports add. Not a column of
#: the view itself: numbering the rows as they are read (a streaming window) would make the
#: whole scan one thread, and DuckDB keeps input order without it.
ROW = "__icp_row"
#: The longest line a CSV may hold; DuckDB refuses longer ones with the line number.
MAX_LINE_BYTES = 8 * 1024 * 1024

#: Where HubSpot's company export puts each field: API names and export labels.
DEFAULT_COLUMNS = HUBSPOT_COLUMNS
#: The deal columns ``evidence`` needs besides the account's.
DEAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "outcome": ("outcome", "Outcome"),
    "amount": ("amount", "Amount"),
    "closedate": ("closedate", "Close Date"),
}
#: The fields a segment can check (name and domain only identify the account).
CHECKABLE = ("industry", "employees", "revenue", "country", "founded_year", "technologies",
             "stage")
NUMERIC = ("employees", "revenue", "founded_year", "amount")
RECORD_IDS = ("Record ID", "hs_object_id")


@dataclass
class Table:
    """An opened export: the view's name, the input columns in order, and which column holds
    each field (``None``: not in this file)."""

    path: Path
    view: str
    columns: tuple[str, ...]
    fields: dict[str, str | None]
    record_id: str | None = None
    #: Temporary files (a UTF-8 copy of a cp1252 file) removed by :meth:`close`.
    scratch: list[Path] = field(default_factory=list)

    def sql_columns(self) -> dict[str, str | None]:
        """Field -> the view column a query reads: the cleaned one for numbers and dates."""
        return {f: (clean_name(f) if c is not None and (f in NUMERIC or f == "closedate")
                    else c) for f, c in self.fields.items()}

    def close(self) -> None:
        """Remove the temporary files."""
        for path in self.scratch:
            path.unlink(missing_ok=True)


def clean_name(field_name: str) -> str:
    """The hidden column that holds a field's parsed value."""
    return f"__icp_{field_name}"


def quote(name: str) -> str:
    """A SQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def resolve_fields(path: Path, header: Sequence[str], configured: Columns,
                   wanted: Mapping[str, tuple[str, ...]]) -> dict[str, str | None]:
    """Field -> the header cell that holds it, matched case-insensitively after trimming.

    A column named in the playbook's ``accounts.columns`` replaces the defaults, and must be
    there: :class:`DataError` names it, the headers found and the closest one.
    """
    by_key = {h.strip().casefold(): h for h in header}
    found: dict[str, str | None] = {}
    for name, defaults in wanted.items():
        mine = getattr(configured, name, None)
        candidates = (mine,) if mine else defaults
        hit = next((by_key[c.strip().casefold()] for c in candidates
                    if c.strip().casefold() in by_key), None)
        if mine and hit is None:
            raise DataError(missing_column(path, header, mine,
                                           f"accounts.columns.{name} in playbook.yml"))
        found[name] = hit
    return found


def missing_column(path: Path, header: Sequence[str], column: str, meaning: str) -> str:
    """The one-line message for a column that is not there."""
    close = difflib.get_close_matches(column.casefold(), [h.casefold() for h in header], 1, 0.5)
    hint = ""
    if close:
        original = next(h for h in header if h.casefold() == close[0])
        hint = f"; closest: '{original}'"
    shown = ", ".join(f"'{h}'" for h in header[:30]) + (", ..." if len(header) > 30 else "")
    return f"{path}: no column '{column}' ({meaning}); found {shown}{hint}"


def open_table(con: duckdb.DuckDBPyConnection, path: Path, configured: Columns, *,
               view: str = "accounts", deals: bool = False,
               force_transcode: bool = False) -> Table:
    """Open ``path`` as the temporary view ``view``; see the module's docstring."""
    check_path(path)
    head = read_head(path)
    kind = detect_format(path, head)
    scratch: list[Path] = []
    if kind == "csv":
        dialect = sniff_csv(path, head)
        header, source = dialect.header, path
        encoding = dialect.encoding
        if encoding not in NATIVE_ENCODINGS or force_transcode:
            source = transcode(path, "cp1252" if encoding == "utf-8" else encoding,
                               tempfile.gettempdir())
            scratch.append(source)
            encoding = "utf-8"
        columns = "{" + ", ".join(f"{literal(h)}: 'VARCHAR'" for h in header) + "}"
        reader = (f"read_csv({literal(str(source))}, auto_detect=false, header=true, "
                  f"delim={literal(dialect.delimiter)}, quote='\"', escape='\"', "
                  f"strict_mode=true, max_line_size={MAX_LINE_BYTES}, "
                  f"encoding={literal(encoding)}, columns={columns})")
    else:
        header, reader = _typed_source(con, path, kind)
    wanted = {**DEFAULT_COLUMNS, **(DEAL_COLUMNS if deals else {})}
    fields = resolve_fields(path, header, configured, wanted)
    record_id = next((h for h in header if h.casefold() in {r.casefold() for r in RECORD_IDS}),
                     None)
    table = Table(path, view, tuple(header), fields, record_id, scratch)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {quote(view)} AS "
                f"SELECT {_select(header, fields)} "
                f"FROM {reader}")
    return table


def _typed_source(con: duckdb.DuckDBPyConnection, path: Path,
                  kind: str) -> tuple[tuple[str, ...], str]:
    """Header and reader of a Parquet or JSON-lines file, every column read as text."""
    try:
        if kind == "parquet":
            names = [r[0] for r in con.execute(
                f"DESCRIBE SELECT * FROM read_parquet({literal(str(path))})").fetchall()]
            casts = ", ".join(f"CAST({quote(n)} AS VARCHAR) AS {quote(n)}" for n in names)
            return tuple(names), f"(SELECT {casts} FROM read_parquet({literal(str(path))}))"
        names = [r[0] for r in con.execute(
            f"DESCRIBE SELECT * FROM read_json({literal(str(path))}, "
            "format='newline_delimited', sample_size=-1)").fetchall()]
    except duckdb.Error as exc:
        raise DataError(explain(path, exc)) from None
    if not names:
        raise DataError(f"{path}: no columns found")
    columns = "{" + ", ".join(f"{literal(n)}: 'VARCHAR'" for n in names) + "}"
    return tuple(names), (f"read_json({literal(str(path))}, format='newline_delimited', "
                          f"columns={columns})")


def _select(header: Sequence[str], fields: Mapping[str, str | None]) -> str:
    """The view's columns: the input's as they are, then the parsed numbers and dates."""
    parts = [quote(h) for h in header]
    for name, column in fields.items():
        if column is None:
            continue
        cell = f"NULLIF(trim({quote(column)}), '')"
        if name in NUMERIC:
            # DOUBLE reads "nan" and "inf" too: neither is a count or an amount.
            number = f"TRY_CAST({cell} AS DOUBLE)"
            parts.append(f"CASE WHEN isfinite({number}) THEN {number} END "
                         f"AS {quote(clean_name(name))}")
        elif name == "closedate":
            parts.append(f"COALESCE(TRY_CAST({cell} AS DATE), "
                         f"TRY_CAST(TRY_CAST({cell} AS TIMESTAMP) AS DATE), "
                         f"TRY_STRPTIME({cell}, '%m/%d/%Y')::DATE) "
                         f"AS {quote(clean_name(name))}")
    return ", ".join(parts)


_LINE = re.compile(r"CSV Error on Line: (\d+)")
_COLUMNS = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_SIZE = re.compile(r"Maximum line size of (\d+) bytes exceeded\. Actual Size: ?(\d+)")


def explain(path: Path, exc: duckdb.Error) -> str:
    """A DuckDB reading error as one line naming the file and the line."""
    text = str(exc)
    line = _LINE.search(text)
    where = f"{path}: line {line.group(1)}" if line else f"{path}"
    if (cols := _COLUMNS.search(text)) is not None:
        return (f"{where}: {cols.group(2)} cells where the header has {cols.group(1)} "
                "(a ragged row: a missing or extra delimiter, or an unclosed quote)")
    if (size := _SIZE.search(text)) is not None:
        return (f"{where}: a line of {int(size.group(2)) / 1e6:.1f} MB, over the "
                f"{int(size.group(1)) / 1e6:.0f} MB a row may hold (a runaway quote, or a "
                "cell that is not account data)")
    if "Invalid unicode" in text or "not utf-8" in text:
        raise EncodingError(f"{where}: not valid UTF-8 text")
    if "magic bytes" in text.lower() or "parquet" in text.lower():
        return f"{path}: not a readable Parquet file ({text.splitlines()[0][:160]})"
    if "json" in text.lower():
        return f"{path}: not JSON lines ({text.splitlines()[0][:160]})"
    return f"{where}: cannot read: {text.splitlines()[0][:200]}"


def _bad(name: str, column: str) -> str:
    """SQL: the cell is not blank, yet did not parse."""
    return (f"NULLIF(trim({quote(column)}), '') IS NOT NULL AND "
            f"{quote(clean_name(name))} IS NULL")


def _parsed(table: Table) -> list[tuple[str, str]]:
    """(field, column) of the numeric and date fields the file has."""
    return [(n, c) for n, c in table.fields.items()
            if c is not None and (n in NUMERIC or n == "closedate")]


def unparsed_sql(table: Table) -> str:
    """The aggregates over the view: rows, the cells of each numeric or date column that did
    not parse, and the repeated record ids."""
    parts = ["count(*)", *(f"count(*) FILTER (WHERE {_bad(n, c)})" for n, c in _parsed(table))]
    if table.record_id is not None:
        parts.append(f"count(*) - count(DISTINCT {quote(table.record_id)})")
    return f"SELECT {', '.join(parts)} FROM {quote(table.view)}"


def first_unparsed_sql(table: Table, name: str, column: str) -> str:
    """The row number and cell of the first cell of ``column`` that did not parse (the scan
    stops there)."""
    return (f"SELECT {ROW}, cell FROM (SELECT row_number() OVER () AS {ROW}, "
            f"{quote(column)} AS cell, {_bad(name, column)} AS bad FROM {quote(table.view)}) "
            f"WHERE bad LIMIT 1")


@dataclass(frozen=True)
class Unparsed:
    """The cells of one column that did not parse: how many, and the first one."""

    column: str
    count: int
    row: int
    example: str

    def message(self) -> str:
        """"numberofemployees: 3 cells did not parse as numbers (e.g. row 17: '1.2k')"."""
        what = "dates" if self.column.casefold() in ("closedate", "close date") else "numbers"
        cells = "cell" if self.count == 1 else "cells"
        return (f"{self.column}: {self.count} {cells} did not parse as {what} "
                f"(e.g. row {self.row}: '{self.example[:40]}'); read as unknown")


@dataclass(frozen=True)
class Inspection:
    """What :func:`inspect` found: the rows, the unparsed cells and duplicate record ids."""

    rows: int
    unparsed: tuple[Unparsed, ...]
    duplicate_ids: int


def inspect(con: duckdb.DuckDBPyConnection, table: Table) -> Inspection:
    """Count the rows and what did not parse, reading the file once; reading errors (ragged
    rows, long lines, bad encoding) become :class:`DataError`."""
    try:
        row = con.execute(unparsed_sql(table)).fetchall()[0]
    except duckdb.Error as exc:
        raise DataError(explain(table.path, exc)) from None
    values = list(row)
    rows = int(values.pop(0))
    if rows == 0:
        raise DataError(f"{table.path}: header only, 0 rows")
    found = []
    for name, column in _parsed(table):
        count = values.pop(0)
        if count:
            ((first, example),) = con.execute(first_unparsed_sql(table, name, column)).fetchall()
            found.append(Unparsed(column, int(count), int(first), str(example)))
    duplicates = int(values.pop(0)) if table.record_id is not None else 0
    return Inspection(rows, tuple(found), duplicates)


def require_checkable(table: Table) -> None:
    """:class:`DataError` unless at least one field a segment can check has a column."""
    if any(table.fields.get(f) for f in CHECKABLE):
        return
    looked = {c.casefold(): f for f in CHECKABLE for c in DEFAULT_COLUMNS[f]}
    names = "; ".join(f"{f}: " + " | ".join(f"'{c}'" for c in DEFAULT_COLUMNS[f])
                      for f in CHECKABLE)
    close = []
    for column in table.columns:
        hit = difflib.get_close_matches(column.casefold(), list(looked), 1, 0.6)
        if hit:
            close.append(f"'{column}' for {looked[hit[0]]}")
    hint = f"; closest: {', '.join(close[:3])} (map it in accounts.columns)" if close else ""
    shown = ", ".join(f"'{h}'" for h in table.columns[:30])
    raise DataError(f"{table.path}: no column the segments can check (looked for {names}); "
                    f"found {shown}{hint}")


DEAL_MEANING = {
    "outcome": "the deal's outcome: won, lost or churned",
    "amount": "the deal amount",
    "closedate": "the close date",
}


def require_deal_columns(table: Table) -> None:
    """:class:`DataError` naming the first deal column (outcome, amount, closedate) missing."""
    for name, meaning in DEAL_MEANING.items():
        if table.fields.get(name) is None:
            labels = " or ".join(f"'{c}'" for c in DEAL_COLUMNS[name])
            raise DataError(missing_column(table.path, table.columns, DEAL_COLUMNS[name][0],
                                           f"{meaning}; {labels}"))
