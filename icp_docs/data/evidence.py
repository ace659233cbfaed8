"""``icp-docs evidence DEALS``: closed deals against the segments, as the evidence JSON.

Every deal's account is graded by the scoring query (the one ``icp-docs sql`` prints), into a
temporary table of the few columns the figures need; DuckDB then counts, groups and takes
medians there. The JSON holds aggregates and dates only: account names only with ``--names``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from ..spec.load import Playbook
from . import output
from .accounts import (
    DEAL_COLUMNS,
    ROW,
    Table,
    clean_name,
    inspect,
    open_table,
    quote,
    require_deal_columns,
)
from .compile import segment_columns
from .run import as_of, connect, execute, load, retrying
from .sniff import DataError
from .sql_command import parse_rates

OUTCOMES = ("won", "lost", "churned")
#: The account fields whose values the won deals no segment fits are grouped by.
ATTRIBUTES = ("industry", "country", "stage")
KEPT = "__icp_deals"


def run(args: argparse.Namespace) -> int:
    """Write the evidence JSON of ``args.deals``; returns the exit code."""
    playbook = load(args)
    if playbook is None:
        return 1
    path = Path(args.deals)
    out = Path(args.out) if args.out else None
    try:
        if out is not None:
            output.check_target(out, [path], args.force)
        found = retrying(lambda again: _evidence(playbook, args, path, again))
        text = json.dumps(found, indent=2, ensure_ascii=False) + "\n"
        if out is None:
            sys.stdout.write(text)
            return 0
        with output.atomic_target(out, [path], args.force) as temp:
            temp.write_text(text, encoding="utf-8")
    except DataError as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    print(f"{out}: evidence from {found['deals']} deals", file=sys.stderr)
    return 0


def _evidence(playbook: Playbook, args: argparse.Namespace, path: Path,
              transcoded: bool) -> dict[str, Any]:
    con = connect()
    table = open_table(con, path, playbook.spec.accounts.columns, view="deals", deals=True,
                       force_transcode=transcoded)
    try:
        require_deal_columns(table)
        found = inspect(con, table)
        query, ids = deals_query(playbook, args, table)
        execute(con, kept_sql(query, table, ids), path)
        figures = aggregate(con, ids)
        result = {"as_of": figures.pop("as_of"), "refresh": playbook.spec.refresh,
                  "source": path.name, **figures}
        result["unparsed"] = {u.column: u.count for u in found.unparsed}
        bad = unknown_outcomes(con)
        if bad:
            result["unparsed"][table.fields["outcome"] or "outcome"] = bad
        if args.names:
            result["accounts"] = names(con)
        return result
    finally:
        con.close()
        table.close()


def keep_columns(table: Table) -> list[str]:
    """The view's columns the figures read: outcome, the parsed amount and date, and the
    account fields the unmatched wins are grouped by."""
    wanted = [table.fields["outcome"], clean_name("amount"), clean_name("closedate"),
              *(table.fields.get(f) for f in ("name", *ATTRIBUTES))]
    return list(dict.fromkeys(c for c in wanted if c))


def deals_query(playbook: Playbook, args: argparse.Namespace,
                table: Table) -> tuple[str, list[str]]:
    """The scoring query over the deals (``icp-docs sql``'s, every segment), with each
    segment's knock-out flag and reasons added from its last step; and the segment ids in
    the query's order.

    The query's result gives each segment's grade and score but not whether a D is a
    knock-out: those two columns are the query's own, carried to its final projection."""
    from sqlglot import exp

    from .compile import scoring_select, segment_reasons
    from .model import fit_model

    model = fit_model(playbook, rates=parse_rates(args.rate))
    accounts = {f: c for f, c in table.sql_columns().items() if f not in DEAL_COLUMNS}
    select = scoring_select(model, exp.to_table(table.view), columns=accounts,
                            as_of=as_of(args.as_of), keep=keep_columns(table))
    # The reasons only where the account is knocked out: they name the knock-out.
    extra = [e for i in range(len(model.segments)) for e in (
        exp.column(f"_icp_s{i}_out").as_(f"out{i}"),
        exp.Case(ifs=[exp.If(this=exp.EQ(this=exp.column(f"_icp_s{i}_out"),
                                          expression=exp.Literal.number(1)),
                             true=segment_reasons(model, i))]).as_(f"reasons{i}"))]
    return select.select(*extra, append=True).sql(dialect="duckdb"), [
        s.id for s in model.segments]


def kept_sql(query: str, table: Table, ids: Sequence[str]) -> str:
    """The temporary table of graded deals: outcome, amount, date, and per segment the
    grade and whether the deal's account is knocked out there."""
    outcome = quote(table.fields["outcome"] or "outcome")
    outcome_sql = f"lower(trim({outcome}))"
    parts = [f"row_number() OVER () AS {ROW}", f"{outcome_sql} AS outcome",
             f"{quote(clean_name('amount'))} AS amount",
             f"{quote(clean_name('closedate'))} AS closedate",
             "icp_segment", "icp_grade"]
    for name in ("name", *ATTRIBUTES):
        column = table.fields.get(name)
        parts.append(f"NULLIF(trim({quote(column)}), '') AS {name}" if column
                     else f"NULL AS {name}")
    for i, seg in enumerate(ids):
        parts.append(f"coalesce({quote(segment_columns(seg)[0])}, 'none') AS g{i}")
        # The reasons are needed only for the knock-outs of lost and churned deals: kept
        # for those alone, the table stays a few numbers and codes per deal.
        parts += [f"out{i} = 1 AS k{i}",
                  f"CASE WHEN out{i} = 1 AND {outcome_sql} IN ('lost', 'churned') "
                  f"THEN reasons{i} END AS r{i}"]
    return (f"CREATE OR REPLACE TEMP TABLE {KEPT} AS SELECT {', '.join(parts)} "
            f"FROM ({query}) AS scored")


def _ratio(top: str, bottom: str) -> str:
    return f"CASE WHEN ({bottom}) > 0 THEN round(({top}) / ({bottom}), 3) END"


def _counts(where: str) -> list[str]:
    return [f"count(*) FILTER (WHERE {where})",
            *(f"count(*) FILTER (WHERE {where} AND outcome = '{o}')" for o in OUTCOMES)]


def segment_sql(i: int) -> str:
    """One row of figures for segment number ``i`` (see :func:`_segment`)."""
    fit, non = f"g{i} IN ('A', 'B')", f"g{i} NOT IN ('A', 'B')"
    knocked = f"k{i}"
    parts = [*_counts(fit), *_counts(non),
             f"median(amount) FILTER (WHERE {fit} AND outcome IN ('won', 'churned'))",
             *(f"count(*) FILTER (WHERE g{i} = '{g}')" for g in ("A", "B", "C", "D", "none")),
             *(f"count(*) FILTER (WHERE {knocked} AND outcome = '{o}')" for o in OUTCOMES)]
    return f"SELECT {', '.join(parts)} FROM {KEPT} WHERE outcome IN ('won', 'lost', 'churned')"


def _rate(won: int, lost: int, churned: int) -> float | None:
    """(won + churned) / closed, unrounded; None without deals."""
    total = won + lost + churned
    return (won + churned) / total if total else None


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


def _segment(row: Sequence[Any]) -> dict[str, Any]:
    """The segment's object of the JSON from the row of :func:`segment_sql`."""
    deals, won, lost, churned, n_deals, n_won, n_lost, n_churned, median = row[:9]
    grades, knocked = row[9:14], row[14:17]
    rate, non_rate = _rate(won, lost, churned), _rate(n_won, n_lost, n_churned)
    return {
        "deals": deals, "won": won, "lost": lost, "churned": churned,
        "win_rate": _round(rate),
        "non_fit": {"deals": n_deals, "won": n_won, "lost": n_lost, "churned": n_churned,
                    "win_rate": _round(non_rate)},
        "lift": round(rate / non_rate, 2) if rate and non_rate else None,
        "median_won_amount": None if median is None else float(median),
        "churn_rate": round(churned / (won + churned), 3) if won + churned else None,
        "grades": dict(zip(("A", "B", "C", "D", "none"), grades, strict=True)),
        "knocked_out": dict(zip(OUTCOMES, knocked, strict=True)),
    }


def aggregate(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> dict[str, Any]:
    """Every figure of the evidence JSON but the source's."""
    closed = "outcome IN ('won', 'lost', 'churned')"
    (as_of, deals, won, lost, churned), = con.execute(
        f"SELECT max(closedate), {', '.join(_counts('true'))} FROM {KEPT} "
        f"WHERE {closed}").fetchall()
    segments = {seg: _segment(con.execute(segment_sql(i)).fetchall()[0])
                for i, seg in enumerate(ids)}
    fits_none = " AND ".join(f"g{i} NOT IN ('A', 'B')" for i in range(len(ids))) or "true"
    (unmatched,), = con.execute(f"SELECT count(*) FROM {KEPT} WHERE outcome = 'won' AND "
                                f"{fits_none}").fetchall()
    return {
        "as_of": None if as_of is None else as_of.isoformat(),
        "deals": deals, "won": won, "lost": lost, "churned": churned,
        "segments": segments,
        "unmatched_won": unmatched,
        "unmatched_won_share": round(unmatched / won, 3) if won else None,
        "unmatched_attributes": attributes(con, fits_none),
        "knockouts": knockouts(con, len(ids)),
    }


def attributes(con: duckdb.DuckDBPyConnection, fits_none: str) -> list[dict[str, Any]]:
    """The 10 commonest (field, value) among won deals that fit no segment."""
    unions = " UNION ALL ".join(f"SELECT '{f}' AS field, {f} AS value FROM {KEPT} "
                                f"WHERE outcome = 'won' AND {fits_none} AND {f} IS NOT NULL"
                                for f in ATTRIBUTES)
    rows = con.execute(f"SELECT field, value, count(*) AS n FROM ({unions}) GROUP BY ALL "
                       "ORDER BY n DESC, field, value LIMIT 10").fetchall()
    return [{"field": f, "value": v, "count": n} for f, v, n in rows]


#: Knock-out reasons as the JSON names them, from the reason texts of the scoring.
_REASON = ("CASE WHEN k LIKE 'uses % (red flag)' THEN 'red flag: ' || "
           "regexp_extract(k, '^uses (.*) [(]red flag[)]$', 1) "
           "WHEN k LIKE 'anti-ICP ''%' THEN 'anti-ICP: ' || "
           "regexp_extract(k, '^anti-ICP ''(.*)'': ', 1) "
           "WHEN k LIKE '% employees, outside %' THEN 'employees outside ' || "
           "regexp_extract(k, ', outside (.*)$', 1) "
           "WHEN k LIKE '% years old, outside %' THEN 'company age outside ' || "
           "regexp_extract(k, ', outside (.*)$', 1) "
           "WHEN k LIKE 'revenue %, outside %' THEN 'revenue outside ' || "
           "regexp_extract(k, ', outside (.*)$', 1) ELSE k END")


def knockouts(con: duckdb.DuckDBPyConnection, segments: int) -> list[dict[str, Any]]:
    """Lost and churned deals by the knock-out they hit (once per deal and reason)."""
    if not segments:
        return []
    reasons = " UNION ALL ".join(f"SELECT {ROW}, outcome, unnest(string_split(r{i}, '; ')) "
                                 f"AS k FROM {KEPT} WHERE k{i} AND outcome IN ('lost', 'churned')"
                                 for i in range(segments))
    rows = con.execute(
        f"SELECT reason, count(DISTINCT {ROW}) FILTER (WHERE outcome = 'lost') AS lost, "
        f"count(DISTINCT {ROW}) FILTER (WHERE outcome = 'churned') AS churned FROM ("
        f"SELECT {ROW}, outcome, {_REASON} AS reason FROM ("
        f"SELECT {ROW}, outcome, substr(k, 12) AS k FROM ({reasons}) "
        f"WHERE k LIKE 'knock-out: %')) GROUP BY reason ORDER BY lost + churned DESC, reason"
    ).fetchall()
    return [{"reason": r, "lost": lost, "churned": churned} for r, lost, churned in rows]


def unknown_outcomes(con: duckdb.DuckDBPyConnection) -> int:
    """Deals whose outcome is not won, lost or churned (left out of every figure)."""
    (count,), = con.execute(f"SELECT count(*) FROM {KEPT} WHERE outcome IS NULL OR "
                            "outcome NOT IN ('won', 'lost', 'churned')").fetchall()
    return int(count)


def names(con: duckdb.DuckDBPyConnection) -> list[dict[str, str]]:
    """Each closed deal's account, outcome and the segment it fits ("" for none)."""
    rows = con.execute(f"SELECT coalesce(name, ''), outcome, CASE WHEN icp_grade IN ('A', "
                       f"'B') THEN icp_segment ELSE '' END FROM {KEPT} WHERE outcome IN "
                       f"('won', 'lost', 'churned') ORDER BY {ROW}").fetchall()
    return [{"name": n, "outcome": o, "segment": s} for n, o, s in rows]
