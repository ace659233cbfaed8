"""A deterministic generator of HubSpot-style exports for a playbook.

    python -m icp_docs.data.sample --out DIR [--accounts N] [--deals N] [--seed S] [--specs DIR]

writes ``DIR/accounts.csv`` (HubSpot's export labels as headers) and ``DIR/deals.csv`` (the
same account columns plus ``outcome``, ``amount`` and ``closedate``). It reads the specs, so a
share of the accounts fits each segment, some miss one criterion, some hit a red flag or an
anti-ICP signal, some have blank or unparseable cells (``1.2k``, ``n/a``), and fitting
accounts win more often, so that ``icp-docs evidence`` shows lift.

One SQL statement per file, run by DuckDB straight to disk: every random number is a hash of
(seed, row, draw), so the same seed gives the same bytes whatever the number of threads, and
10,000,000 rows take seconds, not minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

import duckdb

from ..spec.load import Playbook, load_playbook
from ..spec.models import Term
from .model import Entry, FitModel, RangeCheck, TextCheck, fit_model

#: The export labels of HubSpot's company export, in its order ("stage" is a custom property).
HEADERS = ("Record ID", "Company name", "Company Domain Name", "Industry",
           "Number of Employees", "Annual Revenue", "Country/Region", "Year Founded",
           "Technologies", "stage")
NOISE_INDUSTRIES = ("Retail", "Hospitality", "Government Administration", "Restaurants",
                    "Education Management", "Nonprofit Organization Management")
NOISE_COUNTRIES = ("Brazil", "India", "Japan", "Mexico", "South Africa", "Poland")
NOISE_TECH = ("Slack", "Google Workspace", "Zoom", "HubSpot", "Salesforce", "Shopify")
NOISE_STAGES = ("Seed", "Series A", "Bootstrapped")
WORDS = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne",
         "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Gringotts", "Oscorp", "Aperture")
SUFFIXES = ("Labs", "Systems", "Group", "Partners", "Holdings", "Analytics", "Logistics")
UNPARSEABLE = ("1.2k", "n/a", "1,200", "approx. 300")
#: Win probability by kind of account; the rest of the closed deals are lost or churned.
WIN_RATE = {"fit": 0.6, "near": 0.2, "ko": 0.05, "noise": 0.1}


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_lit(i) for i in items) + "]"


def _spelled(entry: Entry, terms: Sequence[Term]) -> str:
    """An entry as a CRM would hold it: its first match value, else its own text (the first
    spelling the model matches on, so a generated fit really fits)."""
    term = next((t for t in terms if str(t) == entry.text), None)
    spellings = [*(term.match if term is not None else ()), entry.text]
    from .model import norm

    return next((s for s in spellings if norm(s) in entry.values), entry.values[0])


class _Segments:
    """Per segment, the values a fitting account takes, as SQL list literals."""

    def __init__(self, playbook: Playbook, model: FitModel, as_of: dt.date) -> None:
        self.model, self.as_of = model, as_of
        specs = {s.id: s.spec for s in playbook.segments}
        self.specs = [specs[s.id] for s in model.segments]

    def text(self, field: str) -> str:
        """``[[values of segment 1], ...]``: a segment that does not state it gets noise."""
        lists = []
        for seg, spec in zip(self.model.segments, self.specs, strict=True):
            check = next((c for c in seg.checks if isinstance(c, TextCheck)
                          and c.field == field), None)
            firm, tech = spec.firmographics, spec.technographics
            terms = {"industry": firm.industries, "country": firm.geographies,
                     "stage": firm.stages,
                     "technologies": tech.uses if tech else []}[field]
            usable = [e for e in check.entries if e.values] if check else []
            lists.append(_list([_spelled(e, terms) for e in usable]) if usable
                         else _list(_noise(field)))
        return "[" + ", ".join(lists) + "]"

    def flags(self, seg_lists: Sequence[tuple[Entry, ...]]) -> str:
        return "[" + ", ".join(_list([e.values[0] for e in entries if e.values] or ["SAP"])
                               for entries in seg_lists) + "]"

    def bounds(self, dimension: str, default: tuple[float, float]) -> tuple[str, str]:
        """Two SQL lists: per segment, the lowest and highest fitting value of the cell."""
        lows, highs = [], []
        for seg in self.model.segments:
            check = next((c for c in seg.checks if isinstance(c, RangeCheck)
                          and c.dimension == dimension and c.no_rate is None), None)
            low, high = default
            if check is not None:
                scale = check.scale or 1.0
                low = check.low / scale if check.low is not None else \
                    (check.high / scale / 4 if check.high is not None else low)
                high = check.high / scale if check.high is not None else low * 4
            if dimension == "age":  # a company age becomes a founding year
                low, high = self.as_of.year - high, self.as_of.year - low
            lows.append(f"{low:.0f}")
            highs.append(f"{high:.0f}")
        return "[" + ", ".join(lows) + "]", "[" + ", ".join(highs) + "]"


def _noise(field: str) -> tuple[str, ...]:
    return {"industry": NOISE_INDUSTRIES, "country": NOISE_COUNTRIES, "stage": NOISE_STAGES,
            "technologies": NOISE_TECH}[field]


def _u(k: int) -> str:
    """The k-th uniform draw in [0, 1) of row ``i``."""
    return f"((hash(i, $seed, {k}) % 1000003) / 1000003.0)"


def _pick(items: str, k: int) -> str:
    return f"({items})[1 + floor({_u(k)} * len({items}))::INTEGER]"


def _seg_pick(lists: str, k: int) -> str:
    """The k-th draw among the row's segment's values."""
    return _pick(f"({lists})[seg + 1]", k)


def _between(bounds: tuple[str, str], k: int) -> str:
    """The k-th draw between the row's segment's lowest and highest value."""
    lo, hi = bounds
    return f"(({lo})[seg + 1] + {_u(k)} * (({hi})[seg + 1] - ({lo})[seg + 1]))"


def _cell(value: str, k: int, blank: float = 0.05) -> str:
    """A cell left blank with probability ``blank``."""
    return f"CASE WHEN {_u(k)} < {blank} THEN NULL ELSE CAST({value} AS VARCHAR) END"


def _text_cells(segs: _Segments, model: FitModel) -> dict[str, str]:
    """Industry, technologies, country and stage: a fit takes its segment's values, noise
    others; a knock-out row adds a red flag (or an anti-ICP industry)."""
    red = segs.flags([s.red_flags for s in model.segments])
    signal_values = sorted({e.text for s in model.segments for sig in s.signals
                            for f, es in sig.fields if f == "industry" for e in es})
    industry = (f"CASE WHEN kind = 'noise' OR (kind = 'near' AND {_u(20)} < 0.5) "
                f"THEN {_pick(_list(NOISE_INDUSTRIES), 21)} "
                + (f"WHEN kind = 'ko' AND {_u(22)} < 0.5 THEN "
                   f"{_pick(_list(signal_values), 23)} " if signal_values else "")
                + f"ELSE {_seg_pick(segs.text('industry'), 24)} END")
    tech = (f"CASE WHEN kind = 'noise' THEN {_pick(_list(NOISE_TECH), 60)} || '; ' || "
            f"{_pick(_list(NOISE_TECH), 61)} ELSE {_seg_pick(segs.text('technologies'), 62)}"
            f" || '; ' || {_pick(_list(NOISE_TECH), 63)} END"
            f" || CASE WHEN kind = 'ko' THEN '; ' || {_seg_pick(red, 64)} ELSE '' END")
    country = (f"CASE WHEN kind = 'noise' THEN {_pick(_list(NOISE_COUNTRIES), 80)} "
               f"ELSE {_seg_pick(segs.text('country'), 81)} END")
    stage = (f"CASE WHEN kind = 'noise' THEN {_pick(_list(NOISE_STAGES), 90)} "
             f"ELSE {_seg_pick(segs.text('stage'), 91)} END")
    return {"industry": _cell(industry, 25), "technologies": _cell(tech, 65, 0.1),
            "country": _cell(country, 82), "stage": _cell(stage, 92, 0.2)}


def _number_cells(segs: _Segments, as_of: dt.date) -> dict[str, str]:
    """Employees (a near miss has too many; 1% unparseable), revenue and founding year."""
    employees = segs.bounds("employees", (50, 2000))
    employees_cell = (
        f"CASE WHEN {_u(30)} < 0.01 THEN {_pick(_list(UNPARSEABLE), 31)} "
        f"WHEN kind = 'noise' THEN CAST(floor(1 + {_u(32)} * {_u(33)} * 5000) AS "
        f"BIGINT)::VARCHAR WHEN kind = 'near' THEN CAST(floor(({employees[1]})[seg + 1] "
        f"* 2 + 10 + {_u(34)} * 1000) AS BIGINT)::VARCHAR "
        f"ELSE CAST(floor({_between(employees, 35)}) AS BIGINT)::VARCHAR END")
    revenue = (f"CAST(CASE WHEN kind = 'noise' THEN round({_u(40)} * {_u(41)} * 1e9, -3) "
               f"ELSE round({_between(segs.bounds('revenue', (5e6, 5e8)), 42)}, -3) END "
               "AS BIGINT)")
    founded = (f"CAST(CASE WHEN kind = 'noise' THEN {as_of.year} - floor({_u(50)} * 60) "
               f"ELSE floor({_between(segs.bounds('age', (5, 30)), 51)}) END AS INTEGER)")
    return {"employees": _cell(employees_cell, 36), "revenue": _cell(revenue, 43),
            "founded_year": _cell(founded, 52, 0.15)}


def accounts_sql(playbook: Playbook, as_of: dt.date) -> str:
    """The SELECT of ``$n`` accounts (seed ``$seed``), HubSpot's labels as column names,
    with the hidden ``kind`` (fit, near, ko, noise) and row ``i`` the deals build on."""
    model = fit_model(playbook)
    segs = _Segments(playbook, model, as_of)
    cells = {**_text_cells(segs, model), **_number_cells(segs, as_of)}
    words = f"{_pick(_list(WORDS), 70)} || ' ' || {_pick(_list(SUFFIXES), 71)}"
    columns = ["(100000001 + i)::VARCHAR", f"{words} || ' ' || (i + 1)::VARCHAR",
               f"lower(replace({words}, ' ', '')) || (i + 1)::VARCHAR || '.com'",
               *(cells[f] for f in ("industry", "employees", "revenue", "country",
                                    "founded_year", "technologies", "stage"))]
    selected = ", ".join(f'{c} AS "{h}"' for c, h in zip(columns, HEADERS, strict=True))
    kinds = ("CASE WHEN u < 0.45 THEN 'fit' WHEN u < 0.65 THEN 'near' WHEN u < 0.75 "
             "THEN 'ko' ELSE 'noise' END")
    return (f"SELECT {selected}, kind, i FROM (SELECT i, {kinds} AS kind, "
            f"floor({_u(1)} * {len(model.segments)})::INTEGER AS seg FROM "
            f"(SELECT i, {_u(0)} AS u FROM range($n) AS t(i)))")


def deals_sql(playbook: Playbook, as_of: dt.date) -> str:
    """The SELECT of ``$n`` closed deals: accounts plus outcome, amount and closedate."""
    win = " ".join(f"WHEN kind = '{k}' THEN {p}" for k, p in WIN_RATE.items())
    heads = ", ".join('"' + h + '"' for h in HEADERS)
    return (f"SELECT {heads}, CASE WHEN w < (CASE {win} END) THEN "
            f"(CASE WHEN {_u(101)} < (CASE WHEN kind = 'fit' THEN 0.1 ELSE 0.3 END) "
            f"THEN 'churned' ELSE 'won' END) ELSE 'lost' END AS outcome, "
            f"CASE WHEN {_u(102)} < 0.005 THEN 'n/a' ELSE CAST(round(5000 + {_u(103)} * "
            f"(CASE WHEN kind = 'fit' THEN 90000 ELSE 40000 END), -2) AS BIGINT)::VARCHAR END "
            f"AS amount, "
            f"(DATE '{as_of.isoformat()}' - CAST(floor({_u(104)} * 720) AS INTEGER))::VARCHAR"
            f" AS closedate FROM (SELECT *, {_u(100)} AS w FROM ({accounts_sql(playbook, as_of)}))")


def write(playbook: Playbook, out: Path, *, accounts: int, deals: int, seed: int,
          as_of: dt.date) -> list[Path]:
    """Write ``accounts.csv`` and ``deals.csv`` into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"preserve_insertion_order": True})
    written = []
    for name, select, rows, salt in (("accounts.csv", accounts_sql, accounts, 0),
                                     ("deals.csv", deals_sql, deals, 7919)):
        if rows <= 0:
            continue
        path = out / name
        query = select(playbook, as_of)
        heads = ", ".join('"' + h + '"' for h in HEADERS)
        if name == "deals.csv":
            heads += ", outcome, amount, closedate"
        con.execute(f"COPY (SELECT {heads} FROM ({query})) TO '{path}' (FORMAT csv, "
                    "HEADER true)", {"n": rows, "seed": seed + salt}).fetchall()
        written.append(path)
    con.close()
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m icp_docs.data.sample",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, metavar="DIR")
    parser.add_argument("--specs", default="specs", metavar="DIR")
    parser.add_argument("--accounts", type=int, default=2000, metavar="N")
    parser.add_argument("--deals", type=int, default=600, metavar="N")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--as-of", default="2026-11-30", metavar="DATE",
                        help="the latest close date and the year ages count to")
    args = parser.parse_args(argv)
    result = load_playbook(args.specs)
    if result.playbook is None or not result.ok:
        print(f"{args.specs}: the specs have errors; run icp-docs validate", file=sys.stderr)
        return 1
    for path in write(result.playbook, Path(args.out), accounts=args.accounts,
                      deals=args.deals, seed=args.seed,
                      as_of=dt.date.fromisoformat(args.as_of)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
