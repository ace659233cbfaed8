"""What ``score`` and ``evidence`` share: the playbook, the options, the DuckDB connection,
and running a long statement with a progress bar on a terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from ..cli import UsageError, folder_argument
from ..diagnostics import format_all, has_errors, summary
from ..spec.load import Playbook, load_playbook
from .accounts import Inspection, Table
from .sniff import DataError

T = TypeVar("T")
#: A run shorter than this shows no progress bar at all.
PROGRESS_AFTER = 1.0


def load(args: argparse.Namespace) -> Playbook | None:
    """The playbook of ``--specs``; its errors printed and None when it has any."""
    specs = folder_argument(args.specs, "; pass --specs DIR, the folder with playbook.yml")
    result = load_playbook(specs)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if result.playbook is None or has_errors(errors):
        if errors:
            print(format_all(errors), file=sys.stderr)
        print(f"icp-docs: {args.specs}: the specs have errors: {summary(errors)}",
              file=sys.stderr)
        return None
    return result.playbook


def as_of(text: str | None) -> dt.date:
    """``--as-of DATE`` (ISO), today when not given."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text}: not a date like 2026-11-30") from None


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that keeps row order and spills to disk rather than fail: into a
    temporary folder of its own (DuckDB's default, ``.tmp`` in the working folder, would
    leave files beside the user's), removed when the program ends."""
    import atexit
    import shutil
    import tempfile

    spill = tempfile.mkdtemp(prefix="icp-docs-duckdb-")
    atexit.register(shutil.rmtree, spill, ignore_errors=True)
    con = duckdb.connect(config={"preserve_insertion_order": True, "temp_directory": spill,
                                 "memory_limit": "1GB"})
    return con


def report(table: Table, found: Inspection) -> None:
    """The cells that did not parse and duplicate record ids, on standard error."""
    for cell in found.unparsed:
        print(f"icp-docs: {table.path}: {cell.message()}", file=sys.stderr)
    if found.duplicate_ids:
        print(f"icp-docs: {table.path}: warning: {found.duplicate_ids} duplicate "
              f"'{table.record_id}' values (the same record exported twice?)", file=sys.stderr)


def execute(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    """Run one statement to the end; with a progress bar on standard error when that is a
    terminal and the run takes more than a second. Reading errors become :class:`DataError`."""
    if not sys.stderr.isatty():
        _run(con, sql, path)
        return
    # DuckDB tracks progress only with its bar on; its own printing of it stays off.
    con.execute("SET enable_progress_bar = true").fetchall()
    con.execute("SET enable_progress_bar_print = false").fetchall()
    failure: list[BaseException] = []

    def work() -> None:
        try:
            _run(con, sql, path)
        except BaseException as exc:  # handed to the main thread below
            failure.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(PROGRESS_AFTER)
    if worker.is_alive():
        _progress(con, worker, path)
    worker.join()
    if failure:
        raise failure[0]


def _run(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    from .accounts import explain

    try:
        con.execute(sql).fetchall()
    except (duckdb.ParserException, duckdb.BinderException):
        raise  # a query of ours that is wrong: not the file's fault
    except duckdb.Error as exc:
        raise DataError(explain(path, exc)) from None


def _progress(con: duckdb.DuckDBPyConnection, worker: threading.Thread, path: Path) -> None:
    """DuckDB's own progress (percent of the file read) as a rich bar."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn(path.name), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("scoring", total=100)
        while worker.is_alive():
            done = con.query_progress()
            if done >= 0:
                bar.update(task, completed=done)
            time.sleep(0.2)


def retrying(open_and_run: Callable[[bool], T]) -> T:
    """Run ``open_and_run(False)``; once more converted when the file is not UTF-8 past the
    part read to guess its encoding."""
    from .sniff import EncodingError

    try:
        return open_and_run(False)
    except EncodingError:
        return open_and_run(True)
