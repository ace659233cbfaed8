"""``icp-docs sql [SEGMENT]``: the scoring printed as one SQL query for a warehouse.

The columns are the playbook's ``accounts.columns`` or HubSpot's API names; the query is
the one ``icp-docs score`` runs on DuckDB, printed in the dialect asked for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
import sys

from ..cli import UsageError, folder_argument
from ..diagnostics import format_all, summary
from ..spec.load import load_playbook
from .compile import scoring_query
from .model import UnknownSegment, api_columns

_CURRENCY = re.compile(r"[A-Z]{3}")


def run(args: argparse.Namespace) -> int:
    """Print the query; 1 when the specs have errors, 2 on bad usage."""
    specs = folder_argument(args.specs, "; pass --specs DIR, the folder with playbook.yml")
    as_of = parse_date(args.as_of) if args.as_of else dt.date.today()
    rates = parse_rates(args.rate)
    table = _table(args.table)
    loaded = load_playbook(specs)
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    if loaded.playbook is None or errors:
        print(format_all(errors), file=sys.stderr)
        print(f"icp-docs: {args.specs}: no query: {summary(errors)}", file=sys.stderr)
        return 1
    playbook = loaded.playbook
    try:
        query = scoring_query(playbook, segment=args.segment, table=table,
                              columns=api_columns(playbook), as_of=as_of,
                              dialect=args.dialect, rates=rates, pretty=True)
    except UnknownSegment as exc:
        raise UsageError(str(exc)) from exc
    print(query + ";")
    return 0


def parse_date(text: str) -> dt.date:
    """``--as-of``: an ISO date; :class:`UsageError` otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text}: not a date like 2026-11-30") from None


def parse_rates(flags: list[str]) -> dict[str, float]:
    """``--rate CUR=X`` flags: what one unit of CUR is worth in the playbook currency."""
    rates: dict[str, float] = {}
    for flag in flags:
        currency, _, value = flag.partition("=")
        currency = currency.strip()
        try:
            rate = float(value)
        except ValueError:
            rate = math.nan
        if not _CURRENCY.fullmatch(currency) or not (0 < rate < math.inf):
            raise UsageError(f"--rate {flag}: expected CUR=X, a currency code and what one "
                             "unit is worth in the playbook currency (EUR=1.08)")
        rates[currency] = rate
    return rates


def _table(name: str) -> str:
    """``--table``: a table name, optionally qualified (``analytics.crm.accounts``); a part
    that is not a plain name is quoted in the query, never pasted into it."""
    if not name.strip() or any(not part.strip() for part in name.split(".")):
        raise UsageError(f"--table {name!r}: expected a table name like accounts or "
                         "crm.accounts")
    return name
