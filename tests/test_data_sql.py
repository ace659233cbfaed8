"""The generated SQL against the reference scorer: DuckDB runs the very query ``icp-docs
sql`` prints, and every row must come out as the plain-Python scorer says, reasons
included; each dialect's text parses back in sqlglot."""

from __future__ import annotations

import math
from typing import Any

import duckdb
import pytest
import sqlglot
from data_cases import (
    AS_OF,
    FIELDS,
    FIXTURE,
    ROWS,
    SAMPLE,
    duckdb_query,
    expected,
    only,
    playbook,
    run_duckdb,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_docs.data import fit_model
from icp_docs.data.compile import DIALECTS, OUTPUTS, scoring_query
from icp_docs.data.model import FitModel, RangeCheck
from icp_docs.spec.load import Playbook

BOOKS = {"fixture": FIXTURE, "sample": SAMPLE}


@pytest.fixture(scope="module", params=sorted(BOOKS))
def book(request: pytest.FixtureRequest) -> Playbook:
    return playbook(BOOKS[request.param])


def _same(book: Playbook, rows: list[dict[str, Any]], query: str | None = None,
          **options: Any) -> None:
    got = run_duckdb(book, rows, query=query, **options)
    want = expected(fit_model(book, segment=options.get("segment"),
                              rates=options.get("rates")), rows)
    assert len(got) == len(rows)
    names = list(want[0]) if want else []
    for row, g, w in zip(rows, only(names, got), want, strict=True):
        assert g == w, row


def test_duckdb_gives_what_the_reference_scorer_gives(book: Playbook) -> None:
    _same(book, ROWS)


def test_one_segment_and_a_rate_flag(book: Playbook) -> None:
    first = book.segments[-1].id
    _same(book, ROWS, segment=first, rates={"GBP": 1.25, "USD": 0.8})


def test_the_query_keeps_the_input_columns_and_order() -> None:
    book = playbook()
    rows = [{**ROWS[0], "name": f"row {i}", "employees": float(i * 97)} for i in range(300)]
    got = run_duckdb(book, rows)
    assert [g["name"] for g in got] == [r["name"] for r in rows]
    assert list(got[0])[:len(FIELDS)] == list(FIELDS)
    assert list(got[0])[len(FIELDS):len(FIELDS) + len(OUTPUTS)] == list(OUTPUTS)
    assert "payroll-ops__grade" in got[0] and "agencies__score" in got[0]


def test_the_fixture_rows_walk_every_outcome() -> None:
    # Guards the comparison above against passing on rows that all score alike.
    outs = expected(fit_model(playbook()), ROWS)
    assert {o["icp_grade"] for o in outs} >= {"A", "B", "D", None}
    assert any("knock-out" in str(o["icp_reasons"]) for o in outs)
    assert any("," in str(o["icp_reasons"]).split("employees")[0] for o in outs)


# Hypothesis: accounts made of the model's own values (spacing and case stirred), random
# text, blank cells, NULLs, tech lists with both separators, numbers at the range edges.

def _pools(model: FitModel) -> tuple[list[str], list[float]]:
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


def _stirred(text: str, draw: st.DrawFn) -> str:
    spaced = "".join(c + draw(st.sampled_from(["", "", " ", "  ", "\t"])) if c == " " else c
                     for c in text)
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in spaced)
    return draw(st.sampled_from(["", " ", "\n"])) + cased + draw(st.sampled_from(["", "  "]))


@st.composite
def _rows(draw: st.DrawFn, texts: list[str], numbers: list[float]) -> dict[str, Any]:
    noise = st.text(alphabet="aB é;,\t\n-_'İ", max_size=12)
    text = st.one_of(st.none(), st.just(""), st.just("  "), noise,
                     st.sampled_from(texts).map(lambda t: _stirred(t, draw)))
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


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_duckdb_agrees_with_the_reference_on_generated_accounts(name: str) -> None:
    book = playbook(BOOKS[name])
    texts, numbers = _pools(fit_model(book))
    query = duckdb_query(book)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_rows(texts, numbers), min_size=1, max_size=25))
    def agree(rows: list[dict[str, Any]]) -> None:
        _same(book, rows, query)

    agree()


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_parses_back(book: Playbook, dialect: str) -> None:
    columns = {"employees": "Number of Employees", "industry": "industry",
               "technologies": "web_technologies", "revenue": "annualrevenue"}
    sql = scoring_query(book, table="crm.accounts", columns=columns, as_of=AS_OF,
                        dialect=dialect)
    tree = sqlglot.parse_one(sql, read=dialect)
    assert tree.sql(dialect=dialect) == sql
    literals = {lit.this for lit in tree.find_all(sqlglot.exp.Literal) if lit.is_string}
    assert "[ \t\r\n]+" in literals  # the whitespace class survived the dialect's escaping
    assert any("not one of" in text for text in literals)


def test_a_column_the_table_lacks_is_unknown_in_every_row() -> None:
    book = playbook()
    con = duckdb.connect()
    con.execute("CREATE TABLE accounts (name TEXT, industry TEXT, employees DOUBLE)")
    con.execute("INSERT INTO accounts VALUES ('a', 'SaaS', 850), ('b', 'Retail', 10)")
    sql = scoring_query(book, table="accounts", columns={"name": "name",
                                                         "industry": "industry"},
                        as_of=AS_OF)
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    got = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    rows = [{"name": "a", "industry": "SaaS"}, {"name": "b", "industry": "Retail"}]
    assert names[:2] == ["name", "industry"]
    assert only(list(OUTPUTS), got) == only(list(OUTPUTS), expected(fit_model(book), rows))
    assert "employees unknown" in str(got[0]["icp_reasons"])
