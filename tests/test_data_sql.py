"""The generated SQL against the reference scorer: DuckDB runs the very query ``icp-docs
sql`` prints, and every row must come out as the plain-Python scorer says, reasons
included; each dialect's text parses back in sqlglot."""

from __future__ import annotations

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
    accounts,
    duckdb_query,
    expected,
    only,
    playbook,
    pools,
    run_duckdb,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icp_docs.data import fit_model
from icp_docs.data.compile import DIALECTS, OUTPUTS, scoring_query, scoring_select
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


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_duckdb_agrees_with_the_reference_on_generated_accounts(name: str) -> None:
    book = playbook(BOOKS[name])
    texts, numbers = pools(fit_model(book))
    query = duckdb_query(book)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(accounts(texts, numbers), min_size=1, max_size=25))
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
    model = fit_model(book)
    made = scoring_select(model, sqlglot.exp.to_table("crm.accounts"), columns=columns,
                          as_of=AS_OF, materialize=dialect == "postgres")
    # Every string (patterns, match values, reason words) reads back as it was made: the
    # dialect escaped quotes, backslashes and tabs its own way. ("g": the replace-all flag
    # that duckdb and postgres spell out, read back as a string.)
    assert _strings(tree) - {"g"} == _strings(made) - {"g"}
    assert "[ \t\r\n]+" in _strings(tree)


def _strings(tree: sqlglot.exp.Expr) -> set[str]:
    return {lit.this for lit in tree.find_all(sqlglot.exp.Literal) if lit.is_string}


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
