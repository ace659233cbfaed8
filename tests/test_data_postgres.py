"""The Postgres query on a real PostgreSQL server (Debian's, started for these tests on a
unix socket in a temporary folder): the same segments, grades, scores and reasons as the
reference scorer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from conftest import find_postgres
from data_cases import (
    AS_OF,
    FIELDS,
    FIXTURE,
    ROWS,
    SAMPLE,
    accounts,
    expected,
    only,
    playbook,
    pools,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_server import Server, postgres_server

from icp_docs.data import fit_model, scoring_query
from icp_docs.spec.load import Playbook

NUMBERS = ("employees", "revenue", "founded_year")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    bin_dir = find_postgres()
    if bin_dir is None:
        pytest.fail("PostgreSQL is missing and could not be installed "
                    "(apt-get install postgresql)")
    with postgres_server(bin_dir) as started:
        yield started


@pytest.fixture(scope="module")
def connection(server: Server) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(server.conninfo, autocommit=True) as con:
        columns = ", ".join(f"{f} {'double precision' if f in NUMBERS else 'text'}"
                            for f in FIELDS)
        con.execute(f"CREATE TABLE accounts ({columns}, row_id integer)")
        yield con


def _postgres(con: psycopg.Connection[Any], query: str,
              rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    con.execute("TRUNCATE accounts")
    with con.cursor() as cur:
        marks = ", ".join(["%s"] * (len(FIELDS) + 1))
        cur.executemany(f"INSERT INTO accounts VALUES ({marks})",
                        [[*(r.get(f) for f in FIELDS), i] for i, r in enumerate(rows)])
        # Postgres promises no order without ORDER BY: the rows are matched by their id.
        cur.execute(f"SELECT * FROM ({query}) AS scored ORDER BY row_id")
        assert cur.description is not None
        names = [d.name for d in cur.description]
        return [dict(zip(names, values, strict=True)) for values in cur.fetchall()]


def _query(book: Playbook, **options: Any) -> str:
    return scoring_query(book, table="accounts", columns={f: f for f in FIELDS},
                         as_of=AS_OF, dialect="postgres", keep=[*FIELDS, "row_id"],
                         **options)


def _agree(con: psycopg.Connection[Any], book: Playbook, query: str,
           rows: list[dict[str, Any]], **options: Any) -> None:
    want = expected(fit_model(book, **options), rows)
    got = _postgres(con, query, rows)
    names = list(want[0])
    for row, g, w in zip(rows, only(names, got), want, strict=True):
        assert g == w, row


def test_the_server_listens_on_its_socket_only(connection: psycopg.Connection[Any]) -> None:
    (listen,) = connection.execute("SHOW listen_addresses").fetchone() or ("?",)
    assert listen == ""


@pytest.mark.parametrize("folder", [FIXTURE, SAMPLE], ids=["fixture", "sample"])
def test_postgres_gives_what_the_reference_scorer_gives(
        connection: psycopg.Connection[Any], folder: Any) -> None:
    book = playbook(folder)
    _agree(connection, book, _query(book), ROWS)
    one = book.segments[0].id
    _agree(connection, book, _query(book, segment=one, rates={"GBP": 1.3}), ROWS,
           segment=one, rates={"GBP": 1.3})


def test_postgres_agrees_on_generated_accounts(connection: psycopg.Connection[Any]) -> None:
    book = playbook()
    texts, numbers = pools(fit_model(book))
    query = _query(book)

    @settings(max_examples=30, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.lists(accounts(texts, numbers), min_size=1, max_size=25))
    def agree(rows: list[dict[str, Any]]) -> None:
        _agree(connection, book, query, rows)

    agree()
