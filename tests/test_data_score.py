"""``icp-docs score`` through the real command line: columns found without configuration,
unparsed cells unknown (never 0), input order and columns kept, formulas neutralised, and
``--out`` written atomically, never onto the input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data" / "evidence"
ROOT = Path(__file__).resolve().parent.parent


def score(path: Path, *args: str, specs: Path = FIXTURE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "icp_docs", "score", str(path), "--specs",
                           str(specs), "--as-of", "2026-12-01", *args],
                          capture_output=True, text=True, check=False, timeout=180)


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def write(folder: Path, text: str, name: str = "accounts.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("header", ["name,industry,numberofemployees",
                                    "Company name,Industry,Number of Employees",
                                    " COMPANY NAME , industry ,number of employees "])
def test_hubspot_labels_and_api_names(tmp_path: Path, header: str) -> None:
    done = score(write(tmp_path, f"{header}\nAcme,Software,500\nBeta,Software,5000\n"),
                 "--format", "csv")
    assert done.returncode == 0, done.stderr
    got = rows(done.stdout)
    assert [(r["icp_segment"], r["icp_grade"], r["icp_score"]) for r in got] == [
        ("core", "A", "100"), ("core", "C", "50")]
    assert "500 employees, inside 100-1,000" in got[0]["icp_reasons"]


def test_unparsed_cells_are_unknown_and_counted(tmp_path: Path) -> None:
    data = ("name,industry,numberofemployees\nA,Software,n/a\nB,Software,1.2k\n"
            "C,Software,\"1,200\"\nD,Software,\nE,Software,0\n")
    done = score(write(tmp_path, data), "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert ("numberofemployees: 3 cells did not parse as numbers (e.g. row 1: 'n/a')"
            in done.stderr)
    got = {r["name"]: r for r in rows(done.stdout)}
    # Unknown like a blank cell (industry met: 1 of 1, 100), unlike a real 0 (50, C).
    for name in "ABCD":
        assert (got[name]["icp_grade"], got[name]["icp_score"]) == ("A", "100"), name
        assert "employees unknown" in got[name]["icp_reasons"]
        assert got[name]["icp_known"] == "1 of 2"
    assert (got["E"]["icp_grade"], got["E"]["icp_score"]) == ("C", "50")


def test_input_order_and_columns_kept(tmp_path: Path) -> None:
    names = [f"n{(i * 7919) % 1000:03d}" for i in range(1000)]
    body = "".join(f"{n},x{i},Software,{100 + i % 1200}\n" for i, n in enumerate(names))
    done = score(write(tmp_path, "name,extra,industry,numberofemployees\n" + body),
                 "--format", "csv")
    assert done.returncode == 0, done.stderr
    reader = csv.reader(io.StringIO(done.stdout))
    header = next(reader)
    assert header == ["name", "extra", "industry", "numberofemployees", "icp_segment",
                      "icp_tier", "icp_grade", "icp_score", "icp_reasons", "icp_known"]
    got = list(reader)
    assert [r[0] for r in got] == names
    assert [r[1] for r in got] == [f"x{i}" for i in range(1000)]


FORMULAS = ("name,industry,numberofemployees,note\n"
            "=HYPERLINK(\"http://x\"),Software,500,+1\n"
            "@SUM(A1),Retail,50,-2\n"
            "\tTab,Software,500,\"\rcr\"\n"
            "plain,Software,500,a=b\n")


@pytest.mark.parametrize("fmt", ["csv", "hubspot"])
def test_formulas_neutralised(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"out-{fmt}.csv"
    done = score(write(tmp_path, FORMULAS), "--format", fmt, "--out", str(out))
    assert done.returncode == 0, done.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        got = list(csv.DictReader(handle))
    assert [r["name"] for r in got] == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'\tTab",
                                        "plain"]
    assert [r["note"] for r in got] == ["'+1", "'-2", "'\rcr", "a=b"]
    for row in got:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    if fmt == "hubspot":
        assert [r["hs_ideal_customer_profile"] for r in got] == [
            "tier_1", "tier_2", "tier_1", "tier_1"]


def test_json_lines_have_every_segment(tmp_path: Path) -> None:
    done = score(write(tmp_path, "name,industry,numberofemployees\nA,Retail,50\n"),
                 "--format", "json")
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    row = json.loads(line)
    assert row["name"] == "A" and row["icp_segment"] == "small-shops"
    assert row["icp_grade"] == "A" and row["icp_score"] == 100
    assert row["icp_segments"] == {"core": {"grade": "D", "score": 0},
                                   "small-shops": {"grade": "A", "score": 100}}


def test_table_summary(tmp_path: Path) -> None:
    done = score(write(tmp_path, "name,industry,numberofemployees\nAcme,Software,500\n"
                                 "Beta,Retail,50\nGamma,,\n"))
    assert done.returncode == 0, done.stderr
    assert "grades by segment" in done.stdout
    # Acme A; Beta 0 of 2 met: D; Gamma knows neither: no grade.
    assert "core\t1\t0\t0\t1\t1" in done.stdout
    assert "Acme\tcore\tA\t100" in done.stdout
    assert "3 accounts" in done.stdout


def test_out_never_replaces_the_input(tmp_path: Path) -> None:
    source = write(tmp_path, "name,industry\nA,Software\n")
    before = source.read_bytes()
    link = tmp_path / "link.csv"
    os.link(source, link)
    for target in (source, link, tmp_path / "." / "accounts.csv"):
        done = score(source, "--format", "csv", "--out", str(target), "--force")
        assert done.returncode == 1
        assert "that is the input file" in done.stderr
        assert "Traceback" not in done.stderr
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.csv", "link.csv"]


def test_out_refuses_to_replace_without_force(tmp_path: Path) -> None:
    source = write(tmp_path, "name,industry\nA,Software\n")
    out = tmp_path / "scored.csv"
    out.write_text("keep me\n")
    done = score(source, "--format", "csv", "--out", str(out))
    assert done.returncode == 1
    assert "exists; pass --force to replace it" in done.stderr
    assert out.read_text() == "keep me\n"
    old = os.umask(0o027)
    try:
        done = score(source, "--format", "csv", "--out", str(out), "--force")
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    assert rows(out.read_text())[0]["icp_grade"] == "A"
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.csv", "scored.csv"]


def test_failed_run_leaves_nothing(tmp_path: Path) -> None:
    source = write(tmp_path, "name,industry\nA,Software\nB\n")
    out = tmp_path / "scored.csv"
    done = score(source, "--format", "csv", "--out", str(out))
    assert done.returncode == 1
    assert "line 3" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["accounts.csv"]


def test_sample_generator_is_deterministic(tmp_path: Path) -> None:
    made = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        subprocess.run([sys.executable, "-m", "icp_docs.data.sample", "--specs",
                        str(ROOT / "specs"), "--out", str(tmp_path / name), "--accounts",
                        "3000", "--deals", "500", "--seed", str(seed)], check=True,
                       capture_output=True, timeout=120)
        made.append(((tmp_path / name / "accounts.csv").read_bytes(),
                     (tmp_path / name / "deals.csv").read_bytes()))
    assert made[0] == made[1]
    assert made[0][0] != made[2][0]
    header = made[0][0].split(b"\n", 1)[0].decode()
    assert header.startswith("Record ID,Company name,Company Domain Name,Industry,"
                             "Number of Employees,Annual Revenue")
    assert made[0][0].count(b"\n") == 3001 and made[0][1].count(b"\n") == 501


def test_sample_shows_lift(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "icp_docs.data.sample", "--specs",
                    str(ROOT / "specs"), "--out", str(tmp_path), "--deals", "3000"],
                   check=True, capture_output=True, timeout=120)
    done = subprocess.run([sys.executable, "-m", "icp_docs", "evidence",
                           str(tmp_path / "deals.csv"), "--specs", str(ROOT / "specs")],
                          capture_output=True, text=True, check=False, timeout=180)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["deals"] == 3000 and found["source"] == "deals.csv"
    lifts = [s["lift"] for s in found["segments"].values()]
    assert all(lift is not None and lift > 1.2 for lift in lifts), lifts
    assert found["unparsed"]


def test_score_runs_the_query_sql_prints(tmp_path: Path) -> None:
    """The grades of ``score`` are those of ``icp-docs sql --dialect duckdb`` run by DuckDB
    over the same rows (loaded into a table with HubSpot's API names)."""
    import duckdb

    subprocess.run([sys.executable, "-m", "icp_docs.data.sample", "--specs",
                    str(ROOT / "specs"), "--out", str(tmp_path), "--accounts", "2000",
                    "--deals", "0"], check=True, capture_output=True, timeout=120)
    accounts = tmp_path / "accounts.csv"
    done = score(accounts, "--format", "csv", specs=ROOT / "specs")
    assert done.returncode == 0, done.stderr
    ours = [(r["icp_segment"], r["icp_grade"], r["icp_score"], r["icp_reasons"])
            for r in rows(done.stdout)]
    printed = subprocess.run([sys.executable, "-m", "icp_docs", "sql", "--specs",
                              str(ROOT / "specs"), "--dialect", "duckdb", "--as-of",
                              "2026-12-01"], capture_output=True, text=True, check=True)
    con = duckdb.connect()
    number = "TRY_CAST(NULLIF(trim(\"{0}\"), '') AS DOUBLE)"
    con.execute(
        f"CREATE TABLE accounts AS SELECT \"Company name\" AS name, \"Company Domain Name\" "
        f"AS domain, \"Industry\" AS industry, "
        f"{number.format('Number of Employees')} AS numberofemployees, "
        f"{number.format('Annual Revenue')} AS annualrevenue, \"Country/Region\" AS country, "
        f"{number.format('Year Founded')} AS founded_year, \"Technologies\" AS technologies, "
        f"stage FROM read_csv('{accounts}', all_varchar=true)").fetchall()
    theirs = con.execute(
        f"SELECT coalesce(icp_segment, ''), coalesce(icp_grade, ''), "
        f"coalesce(CAST(icp_score AS VARCHAR), ''), icp_reasons "
        f"FROM ({printed.stdout.rstrip().rstrip(';')})").fetchall()
    assert ours == [tuple(r) for r in theirs]
    assert {g for _, g, _, _ in ours} >= {"A", "B", "C", "D"}


def test_rescoring_replaces_earlier_icp_columns(tmp_path: Path) -> None:
    first = score(write(tmp_path, "name,industry,numberofemployees\nA,Software,500\n"),
                  "--format", "csv")
    assert first.returncode == 0, first.stderr
    # The account changed since: the earlier grade must not survive the new run.
    earlier = first.stdout.replace("Software,500", "Software,5000")
    again = score(write(tmp_path, earlier, "scored.csv"), "--format", "csv")
    assert again.returncode == 0, again.stderr
    assert "its icp_* columns (from an earlier run) are replaced" in again.stderr
    header, *body = list(csv.reader(io.StringIO(again.stdout)))
    assert header == ["name", "industry", "numberofemployees", "icp_segment", "icp_tier",
                      "icp_grade", "icp_score", "icp_reasons", "icp_known"]
    assert body[0][5:7] == ["C", "50"]
