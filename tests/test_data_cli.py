"""``icp-docs sql``, run for real: the query for each dialect, the columns from the
playbook, exit 1 on spec errors and 2 on bad usage, never a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlglot
from data_cases import AS_OF, FIELDS, FIXTURE, ROWS, SAMPLE, expected, only, playbook

from icp_docs.data import fit_model
from icp_docs.data.compile import OUTPUTS

ROOT = Path(__file__).resolve().parent.parent


def icp_docs(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "icp_docs", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.mark.parametrize("dialect", ["duckdb", "postgres", "snowflake", "bigquery"])
def test_the_sample_specs_print_a_query_in_each_dialect(dialect: str) -> None:
    done = icp_docs("sql", "--dialect", dialect, "--table", "crm.companies")
    assert done.returncode == 0, done.stderr
    tree = sqlglot.parse_one(done.stdout.strip().rstrip(";"), read=dialect)
    assert tree.find(sqlglot.exp.Table, bfs=False) is not None
    selected = [e.alias_or_name for e in tree.selects]
    assert selected[:3] == ["name", "domain", "industry"]
    assert "numberofemployees" in selected and "icp_grade" in selected
    assert "multi-entity-close__grade" in selected
    assert "crm.companies" in tree.sql(dialect=dialect)


def test_the_printed_query_runs_on_duckdb_over_the_mapped_columns(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(FIXTURE, specs)
    book = specs / "playbook.yml"
    book.write_text(book.read_text() + "  columns:\n    employees: Headcount\n")
    done = icp_docs("sql", "small-teams", "--specs", str(specs), "--as-of", AS_OF.isoformat(),
                    "--rate", "USD=0.5")
    assert done.returncode == 0, done.stderr
    con = duckdb.connect()
    con.execute('CREATE TABLE accounts (name TEXT, domain TEXT, industry TEXT, "Headcount" '
                "DOUBLE, annualrevenue DOUBLE, country TEXT, founded_year DOUBLE, "
                "technologies TEXT, stage TEXT)")
    con.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [[r.get(f) for f in FIELDS] for r in ROWS])
    cursor = con.execute(done.stdout)
    names = [d[0] for d in cursor.description]
    got = [dict(zip(names, v, strict=True)) for v in cursor.fetchall()]
    rows = ROWS
    model = fit_model(playbook(specs), segment="small-teams")
    assert only(list(OUTPUTS), got) == only(list(OUTPUTS), expected(model, rows))
    assert "Headcount" in names and "small-teams__grade" in names
    assert "payroll-ops__grade" not in names


@pytest.mark.parametrize(("args", "said"), [
    (["sql", "payrol-ops"], "did you mean payroll-ops?"),
    (["sql", "--as-of", "yesterday"], "--as-of yesterday: not a date"),
    (["sql", "--rate", "usd=1"], "--rate usd=1: expected CUR=X"),
    (["sql", "--rate", "USD=-1"], "--rate USD=-1: expected CUR=X"),
    (["sql", "--table", "crm."], "--table 'crm.': expected a table name"),
    (["sql", "--dialect", "oracle"], "invalid choice: 'oracle'"),
])
def test_bad_usage_exits_2_and_says_why(args: list[str], said: str) -> None:
    done = icp_docs(*args, "--specs", str(FIXTURE))
    assert done.returncode == 2
    assert said in done.stderr and done.stdout == ""


def test_spec_errors_print_as_validate_prints_them_and_exit_1(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(FIXTURE, specs)
    segment = specs / "segments" / "small-teams.yml"
    segment.write_text(segment.read_text().replace("    max: 199\n", "    max: lots\n"))
    done = icp_docs("sql", "--specs", str(specs))
    validate = icp_docs("validate", str(specs))
    assert done.returncode == 1 and done.stdout == ""
    line = next(x for x in validate.stdout.splitlines() if "error[" in x)
    assert line in done.stderr
    assert "small-teams.yml:" in line


def test_a_missing_specs_folder_is_bad_usage(tmp_path: Path) -> None:
    done = icp_docs("sql", "--specs", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "no such folder" in done.stderr


def test_the_sample_has_segments_to_score() -> None:
    # The sample playbook's query is not empty of segments (the test above would pass on a
    # playbook whose every segment failed to load).
    assert len(fit_model(playbook(SAMPLE)).segments) == 5
