"""Writers for scored rows: ``csv``, ``json``, ``hubspot`` (DuckDB's ``COPY``) and ``table``.

Every CSV we write neutralises spreadsheet formulas (OWASP's advice): a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, in the input's
columns and ours alike, header included. A file named with ``--out`` is written beside itself
under a temporary name and renamed into place, so a reader never sees half a file; it is never
an input file, and an existing file is replaced only with ``--force``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb

from .accounts import ROW, Table, literal, quote
from .compile import OUTPUTS
from .sniff import DataError

#: Our columns, in the order they follow the input's: the query's own.
ICP_COLUMNS = OUTPUTS
#: The first characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(expr: str) -> str:
    """SQL: the text of ``expr`` with a ``'`` before a formula's first character."""
    starts = ", ".join(literal(c) for c in FORMULA_STARTS)
    text = f"CAST({expr} AS VARCHAR)"
    return f"CASE WHEN left({text}, 1) IN ({starts}) THEN '''' || {text} ELSE {text} END"


def safe_name(name: str) -> str:
    """A header cell, neutralised like any other cell."""
    return "'" + name if name.startswith(FORMULA_STARTS) else name


def output_columns(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The names of the columns ``query`` returns."""
    return [r[0] for r in con.execute(f"DESCRIBE {query}").fetchall()]


def kept_columns(table: Table) -> list[str]:
    """The input's columns the output keeps: all but a previous run's ``icp_*`` columns
    (and ``hs_ideal_customer_profile``), which this run's replace."""
    ours = {c.casefold() for c in (*ICP_COLUMNS, "hs_ideal_customer_profile")}
    return [c for c in table.columns if c.casefold() not in ours]


def select_sql(query: str, table: Table, fmt: str, available: Sequence[str]) -> str:
    """The SELECT that one output format writes: the input's columns in input order, then
    ours (and, in json, the per-segment columns the query adds)."""
    ours = [c for c in ICP_COLUMNS if c in available]
    kept = kept_columns(table)
    if fmt == "json":
        cols = [quote(c) for c in (*kept, *ours)]
        per = [f"{quote(seg)} := struct_pack(grade := {quote(grade)}, score := "
               f"{quote(score)})" for seg, (grade, score) in segments(table, available)]
        if per:
            cols.append(f"struct_pack({', '.join(per)}) AS icp_segments")
        return f"SELECT {', '.join(cols)} FROM ({query}) AS scored"
    cols = [f"{neutralise(quote(c))} AS {quote(safe_name(c))}" for c in (*kept, *ours)]
    if fmt == "hubspot":
        cols.append("CASE WHEN icp_grade IN ('A', 'B') THEN 'tier_' || CAST(icp_tier AS "
                    "VARCHAR) END AS hs_ideal_customer_profile")
    return f"SELECT {', '.join(cols)} FROM ({query}) AS scored"


def segments(table: Table, available: Sequence[str]) -> list[tuple[str, tuple[str, str]]]:
    """(segment id, (its grade column, its score column)) for each segment in the result."""
    from .compile import segment_columns

    ids = [c.removesuffix("__grade") for c in available
           if c.endswith("__grade") and c not in table.columns]
    return [(i, segment_columns(i)) for i in ids]


def copy_sql(select: str, fmt: str, target: Path) -> str:
    """The COPY statement that writes ``select`` to ``target``."""
    options = "FORMAT json" if fmt == "json" else "FORMAT csv, HEADER true"
    return f"COPY ({select}) TO {literal(str(target))} ({options})"


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (resolved paths, or device and inode)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_target(out: Path, inputs: Sequence[Path], force: bool) -> None:
    """:class:`DataError` when ``out`` is an input, a folder, or an existing file without
    ``force``."""
    for source in inputs:
        if same_file(out, source):
            raise DataError(f"{out}: that is the input file; write the result elsewhere "
                            "(nothing was written)")
    if out.is_dir():
        raise DataError(f"{out}: a folder; give --out a file name")
    if out.exists() and not force:
        raise DataError(f"{out}: exists; pass --force to replace it (nothing was written)")
    if not out.parent.is_dir():
        raise DataError(f"{out}: no such folder {out.parent}")


def _umask_mode() -> int:
    """The mode a new file gets from the user's umask (read, then put back)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextlib.contextmanager
def atomic_target(out: Path, inputs: Sequence[Path], force: bool) -> Iterator[Path]:
    """A temporary path beside ``out`` to write to; renamed onto ``out`` when the block ends
    without an error, removed otherwise."""
    check_target(out, inputs, force)
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, _umask_mode())
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def stdout_target() -> Iterator[Path]:
    """A temporary file whose content goes to standard output when the block ends."""
    with tempfile.TemporaryDirectory(prefix="icp-docs-") as folder:
        temp = Path(folder) / "out"
        yield temp
        sys.stdout.flush()
        with temp.open("rb") as handle:
            shutil.copyfileobj(handle, sys.stdout.buffer, 1 << 20)
        sys.stdout.flush()


def target(out: Path | None, inputs: Sequence[Path],
           force: bool) -> contextlib.AbstractContextManager[Path]:
    """Where a writer writes: ``--out`` atomically, or standard output."""
    return stdout_target() if out is None else atomic_target(out, inputs, force)


def summary_sql(query: str, table: Table, available: Sequence[str]) -> str:
    """The few columns the ``table`` summary needs, kept in a temporary table."""
    def field(name: str) -> str:
        column = table.fields.get(name)
        return quote(column) if column else "NULL"
    grades = [f"{quote(grade)} AS {quote('grade ' + seg)}"
              for seg, (grade, _) in segments(table, available)]
    return (f"CREATE OR REPLACE TEMP TABLE __icp_summary AS SELECT row_number() OVER () "
            f"AS {ROW}, {field('name')} AS name, {field('domain')} AS domain, "
            f"{', '.join([*ICP_COLUMNS, *grades])} FROM ({query}) AS scored")


def summarise_kept(con: duckdb.DuckDBPyConnection
                   ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    """(per segment its grade counts, the top 10 rows, rows that know too little), from
    the table :func:`summary_sql` made."""
    names = [r[0] for r in con.execute("DESCRIBE __icp_summary").fetchall()
             if r[0].startswith("grade ")]
    counts = []
    for name in names:
        cells = ", ".join(f"count(*) FILTER (WHERE {quote(name)} = '{g}')" for g in "ABCD")
        (row,) = con.execute(f"SELECT {cells}, count(*) FILTER (WHERE {quote(name)} IS NULL)"
                             f" FROM __icp_summary").fetchall()
        counts.append((name.removeprefix("grade "), *row))
    top = con.execute(
        f"SELECT coalesce(name, domain, '#' || {ROW}), icp_segment, icp_grade, icp_score, "
        f"icp_known, icp_reasons FROM __icp_summary WHERE icp_score IS NOT NULL "
        f"ORDER BY icp_score DESC, {ROW} LIMIT 10").fetchall()
    (thin,) = con.execute("SELECT count(*) FROM __icp_summary "
                          "WHERE icp_reasons LIKE 'only % criteria known%'").fetchall()[0]
    return counts, top, int(thin)


def print_table(counts: Sequence[tuple[object, ...]], top: Sequence[tuple[object, ...]],
                thin: int, rows: int) -> None:
    """The summary on standard output: rich tables on a terminal, plain lines otherwise."""
    grid = [[str(c) for c in row] for row in counts]
    heads = ["segment", "A", "B", "C", "D", "none"]
    best = [[str(c if c is not None else "") for c in row] for row in top]
    best_heads = ["account", "segment", "grade", "score", "known", "reasons"]
    footer = (f"{rows} accounts; {thin} know fewer than half of the criteria they are "
              "graded on")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table as RichTable

        console = Console()
        for title, head, body in (("Grades by segment", heads, grid),
                                  ("Top accounts by score", best_heads, best)):
            shown = RichTable(title=title)
            for name in head:
                shown.add_column(name, overflow="fold")
            for line in body:
                shown.add_row(*line)
            console.print(shown)
        console.print(footer)
        return
    print("grades by segment")
    print("\t".join(heads))
    for line in grid:
        print("\t".join(line))
    print("\ntop accounts by score")
    print("\t".join(best_heads))
    for line in best:
        print("\t".join(line))
    print(f"\n{footer}")
