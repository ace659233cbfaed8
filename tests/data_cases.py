"""Shared by the data tests: the fixture playbook, and hand-made account rows that walk
every branch of the fit model (met, not met, unknown, knock-outs, bonus, ties)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import duckdb
from hypothesis import strategies as st

from icp_docs.data.compile import scoring_query, segment_columns
from icp_docs.data.model import FitModel, RangeCheck
from icp_docs.data.reference import score_account
from icp_docs.spec.load import Playbook, load_playbook

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data" / "playbook"
SAMPLE = Path(__file__).resolve().parent.parent / "specs"
AS_OF = dt.date(2026, 12, 1)
FIELDS = ("name", "domain", "industry", "employees", "revenue", "country", "founded_year",
          "technologies", "stage")


def playbook(folder: Path = FIXTURE) -> Playbook:
    """A specs folder loaded, failing loudly when it has errors."""
    loaded = load_playbook(folder)
    assert loaded.playbook is not None and loaded.ok, loaded.diagnostics
    return loaded.playbook


#: A row that meets every dimension of the fixture's payroll-ops segment.
FULL = {"name": "Acme", "domain": "acme.de", "industry": "COMPUTER_SOFTWARE",
        "employees": 850.0, "revenue": 20_000_000.0, "country": "DE",
        "founded_year": 2010.0, "technologies": "Personio; Slack", "stage": "Series B"}

#: Hand-made rows for the SQL-against-reference tests (the unit tests build their own).
ROWS: list[dict[str, object]] = [
    FULL,
    {**FULL, "industry": None, "employees": None, "revenue": None, "country": "  ",
     "founded_year": None, "technologies": "", "stage": None},
    {**FULL, "industry": "  retail ", "employees": 199.0},
    {**FULL, "technologies": "paychex flex,Jira ;  atlassian   jira"},
    {**FULL, "technologies": "ADP;;, ,personio", "employees": 2000.0},
    {**FULL, "employees": 2000.5, "revenue": 1e300, "founded_year": 2026.0},
    {**FULL, "employees": -3.5, "revenue": 12345678.9, "country": "Monaco"},
    {**FULL, "industry": "MARKETING_AND_ADVERTISING", "employees": 10.0, "country": None},
    {**FULL, "industry": "Software", "employees": 150.0, "country": "de"},
    {**FULL, "employees": 1234567890123456.0, "revenue": float("nan")},
    {**FULL, "employees": float("inf"), "revenue": -1e15, "founded_year": 1996.0},
    {**FULL, "industry": "Soft\tware", "country": "Deutsch\nland", "stage": "series  c"},
    {**FULL, "industry": "IT'S \\  \"odd\"", "technologies": "a;b"},
    {name: None for name in FIELDS},
    {},
]


def expected(model: FitModel, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """What the reference scorer says of each row: the icp_* outputs and, per segment, the
    grade and score columns the query adds."""
    made = []
    for row in rows:
        result = score_account(model, row, as_of=AS_OF)
        out = result.outputs()
        for s in result.segments:
            grade, score = segment_columns(s.id)
            out[grade], out[score] = s.grade, s.score
        made.append(out)
    return made


def only(names: list[str], rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The rows with these columns only."""
    return [{n: r[n] for n in names} for r in rows]


def duckdb_query(book: Playbook, **options: Any) -> str:
    """The DuckDB query over the tests' ``accounts`` table (:data:`TABLE_COLUMNS`)."""
    return scoring_query(book, table="accounts", columns={f: f for f in FIELDS},
                         as_of=AS_OF, dialect="duckdb", **options)


def run_duckdb(book: Playbook, rows: list[dict[str, object]], *, query: str | None = None,
               **options: Any) -> list[dict[str, object]]:
    """The generated DuckDB query (``query``, or made from ``book`` and ``options``) over a
    table of ``rows``, as dicts."""
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE accounts ({TABLE_COLUMNS})")
        if rows:
            con.executemany(f"INSERT INTO accounts VALUES ({', '.join('?' * len(FIELDS))})",
                            [[r.get(f) for f in FIELDS] for r in rows])
        cursor = con.execute(query or duckdb_query(book, **options))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    finally:
        con.close()


#: The accounts table of the tests: text cells, numbers as doubles (what the CSV reader's
#: view gives: TRY_CAST to DOUBLE).
TABLE_COLUMNS = ", ".join(
    f"{f} {'DOUBLE' if f in ('employees', 'revenue', 'founded_year') else 'TEXT'}"
    for f in FIELDS)


# Hypothesis: accounts made of the model's own values (spacing and case stirred), random
# text, blank cells, NULLs, tech lists with both separators, numbers at the range edges.

def pools(model: FitModel) -> tuple[list[str], list[float]]:
    """The texts (entries, match values) and numbers (range edges, either side) that the
    model's checks turn on."""
    texts: list[str] = []
    numbers: list[float] = [0.0, -1.0, 0.5, 1e15, -1e15, 999_999_999_999_999.0, 1e300,
                            1e299, 2026.0, 1900.5]
    for segment in model.segments:
        for check in segment.checks:
            if isinstance(check, RangeCheck):
                for bound in (check.low, check.high):
                    if bound is not None:
                        edge = bound / check.scale
                        numbers += [bound, edge, math.nextafter(edge, math.inf),
                                    math.nextafter(edge, -math.inf), bound + 0.5, bound - 1]
                        numbers += [AS_OF.year - bound, AS_OF.year - bound - 0.5]
            else:
                texts += [e.text for e in check.entries]
                texts += [v for e in check.entries for v in e.values]
        texts += [e.text for e in (*segment.red_flags, *segment.bonus)]
        texts += [v.text for s in segment.signals for _, vs in s.fields for v in vs]
    return texts, numbers


def stirred(text: str, draw: st.DrawFn) -> str:
    """``text`` with its spaces multiplied, its case flipped here and there, padded."""
    spaced = "".join(c + draw(st.sampled_from(["", "", " ", "  ", "\t"])) if c == " " else c
                     for c in text)
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in spaced)
    return draw(st.sampled_from(["", " ", "\n"])) + cased + draw(st.sampled_from(["", "  "]))


@st.composite
def accounts(draw: st.DrawFn, texts: list[str], numbers: list[float]) -> dict[str, Any]:
    """One generated account row (see :func:`pools`)."""
    noise = st.text(alphabet="aB é;,\t\n-_'İ", max_size=12)
    text = st.one_of(st.none(), st.just(""), st.just("  "), noise,
                     st.sampled_from(texts).map(lambda t: stirred(t, draw)))
    tech = st.lists(text.map(lambda t: t or ""), max_size=4).flatmap(
        lambda items: st.lists(st.sampled_from([";", ",", " ; ", ",,"]), min_size=len(items),
                               max_size=len(items)).map(
            lambda seps: "".join(i + s for i, s in zip(items, seps, strict=True))))
    number = st.one_of(st.none(), st.sampled_from(numbers), st.just(math.nan),
                       st.just(math.inf), st.floats(-1e7, 1e9),
                       st.integers(0, 10**16).map(float))
    return {"name": draw(text), "domain": draw(text), "industry": draw(text),
            "employees": draw(number), "revenue": draw(number), "country": draw(text),
            "founded_year": draw(number), "technologies": draw(st.one_of(st.none(), tech)),
            "stage": draw(text)}
