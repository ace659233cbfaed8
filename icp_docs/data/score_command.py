"""``icp-docs score ACCOUNTS``: grade every account of an export against the segments.

The rows are scored by the query that ``icp-docs sql --dialect duckdb`` prints, run by
DuckDB over a view of the file: the same SQL everywhere, and no row in a Python object.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import UsageError
from ..spec.load import Playbook
from . import output
from .accounts import Table, inspect, open_table, require_checkable
from .compile import scoring_query
from .run import as_of, connect, execute, load, report, retrying
from .sniff import DataError
from .sql_command import parse_rates


def run(args: argparse.Namespace) -> int:
    """Score ``args.accounts``; returns the exit code."""
    playbook = load(args)
    if playbook is None:
        return 1
    if args.segment is not None and playbook.segment(args.segment) is None:
        known = ", ".join(s.id for s in playbook.segments) or "none"
        raise UsageError(f"--segment {args.segment}: no such valid segment (segments: {known})")
    if args.format == "table" and args.out is not None:
        raise UsageError("--out: the table format prints a summary; use --format csv, json "
                         "or hubspot to write a file")
    path = Path(args.accounts)
    out = Path(args.out) if args.out else None
    try:
        if out is not None:
            output.check_target(out, [path], args.force)
        retrying(lambda again: _score(playbook, args, path, out, again))
    except DataError as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    return 0


def query_for(playbook: Playbook, args: argparse.Namespace, table: Table) -> str:
    """The scoring query over the view, as ``icp-docs sql --dialect duckdb`` prints it (the
    view's cleaned number columns in place of the raw ones), keeping every input column."""
    return scoring_query(playbook, segment=args.segment, table=table.view,
                         columns=table.sql_columns(), keep=output.kept_columns(table),
                         as_of=as_of(args.as_of), dialect="duckdb",
                         rates=parse_rates(args.rate))


def _score(playbook: Playbook, args: argparse.Namespace, path: Path, out: Path | None,
           transcoded: bool) -> None:
    con = connect()
    table = open_table(con, path, playbook.spec.accounts.columns,
                       force_transcode=transcoded)
    try:
        require_checkable(table)
        found = inspect(con, table)
        report(table, found)
        if len(output.kept_columns(table)) < len(table.columns):
            print(f"icp-docs: {path}: its icp_* columns (from an earlier run) are replaced "
                  "by this run's", file=sys.stderr)
        query = query_for(playbook, args, table)
        available = output.output_columns(con, query)
        if args.format == "table":
            execute(con, output.summary_sql(query, table, available), path)
            output.print_table(*output.summarise_kept(con), rows=found.rows)
            return
        select = output.select_sql(query, table, args.format, available)
        with output.target(out, [path], args.force) as temp:
            execute(con, output.copy_sql(select, args.format, temp), path)
        if out is not None:
            print(f"{out}: {found.rows} account{'s' * (found.rows != 1)} scored",
                  file=sys.stderr)
    finally:
        con.close()
        table.close()
