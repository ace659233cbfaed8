"""Bad account files through the real command line: one clear line naming the file (and the
column or line), a non-zero exit, never a traceback; and the encodings and formats that do
work."""

from __future__ import annotations

import codecs
import csv
import io
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data" / "evidence"
GOOD = ("Company name,Industry,Number of Employees\n"
        "Acme Café,Software,500\nBeta,Retail,50\nGamma,Software,n/a\n")


def score(folder: Path, name: str, data: bytes | str, *args: str,
          specs: Path = FIXTURE) -> subprocess.CompletedProcess[str]:
    path = folder / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return subprocess.run([sys.executable, "-m", "icp_docs", "score", str(path), "--specs",
                           str(specs), "--format", "csv", "--as-of", "2026-12-01", *args],
                          capture_output=True, text=True, check=False, timeout=180)


def refused(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The one error line, checked: exit 1, every word in it, no traceback."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    assert done.stdout == ""
    return lines[0]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_no_such_file(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "icp_docs", "score", str(tmp_path / "no.csv"),
                           "--specs", str(FIXTURE)], capture_output=True, text=True,
                          check=False)
    refused(done, "no.csv", "no such file")


def test_a_folder(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "icp_docs", "score", str(tmp_path),
                           "--specs", str(FIXTURE)], capture_output=True, text=True,
                          check=False)
    refused(done, str(tmp_path), "a folder, not a file")


@pytest.mark.parametrize(("data", "words"), [
    (b"", ("empty file",)),
    ("Company name,Industry\n", ("header only, 0 rows",)),
    ("Company name,Industry\n\n\n", ("header only, 0 rows",)),
    ("name,Industry,NAME\na,b,c\n", ("duplicate column name 'NAME'", "columns 1 and 3")),
    ("name,industry,numberofemployees\na,Software,5\nb,Retail\nc,x,1\n",
     ("line 3", "2 cells where the header has 3", "ragged")),
    (bytes(range(256)) * 40, ("not a text table", "binary data")),
    ("name,Headcount\na,5\n", ("no column the segments can check", "'Headcount'",
                               "numberofemployees", "found 'name', 'Headcount'")),
    ("name,Industri,Employees\na,b,5\n",
     ("closest: 'Industri' for industry, 'Employees' for employees",)),
])
def test_bad_files(tmp_path: Path, data: bytes | str, words: tuple[str, ...]) -> None:
    line = refused(score(tmp_path, "accounts.csv", data), *words)
    assert "accounts.csv" in line


def test_a_100_mb_cell(tmp_path: Path) -> None:
    big = "name,industry\na,Software\n\"" + "x" * (100 * 1024 * 1024) + "\",Retail\n"
    line = refused(score(tmp_path, "big.csv", big), "big.csv", "line 3", "MB")
    assert len(line) < 300


def test_garbage_parquet(tmp_path: Path) -> None:
    refused(score(tmp_path, "accounts.parquet", b"not parquet at all" * 50),
            "accounts.parquet", "not a readable Parquet file")


def test_duplicate_record_ids_warned(tmp_path: Path) -> None:
    data = "Record ID,Company name,Industry\n1,A,Software\n2,B,Retail\n1,A,Software\n"
    done = score(tmp_path, "accounts.csv", data)
    assert done.returncode == 0, done.stderr
    assert "1 duplicate 'Record ID' values" in done.stderr
    assert len(rows(done.stdout)) == 3


def test_configured_column_missing(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "segments").mkdir(parents=True)
    for file in FIXTURE.rglob("*.yml"):
        (specs / file.relative_to(FIXTURE)).write_text(file.read_text())
    with (specs / "playbook.yml").open("a") as book:
        book.write("accounts:\n  columns:\n    employees: Headcount\n")
    done = score(tmp_path, "accounts.csv", "name,Head count,industry\na,5,Software\n",
                 specs=specs)
    refused(done, "no column 'Headcount'", "accounts.columns.employees",
            "found 'name', 'Head count', 'industry'", "closest: 'Head count'")
    fine = score(tmp_path, "accounts.csv", "name,headcount ,industry\na,500,Software\n",
                 specs=specs)
    assert fine.returncode == 0, fine.stderr
    assert rows(fine.stdout)[0]["icp_grade"] == "A"


ENCODINGS = [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE), ("cp1252", b""), ("latin-1", b""),
]


@pytest.mark.parametrize(("encoding", "bom"), ENCODINGS)
def test_encodings_read_alike(tmp_path: Path, encoding: str, bom: bytes) -> None:
    done = score(tmp_path, "accounts.csv", bom + GOOD.encode(encoding))
    assert done.returncode == 0, done.stderr
    got = rows(done.stdout)
    assert [r["Company name"] for r in got] == ["Acme Café", "Beta", "Gamma"]
    assert [r["icp_grade"] for r in got] == ["A", "A", "A"]


def test_cp1252_beyond_the_sniffed_head(tmp_path: Path) -> None:
    # Plain ASCII for the first megabyte, then one cp1252 "é": read again converted.
    filler = "".join(f"Company {i},Software,500\n" for i in range(60000))
    data = ("Company name,Industry,Number of Employees\n" + filler).encode() + \
        "Café,Software,500\n".encode("cp1252")
    done = score(tmp_path, "accounts.csv", data)
    assert done.returncode == 0, done.stderr
    assert rows(done.stdout)[-1]["Company name"] == "Café"


@pytest.mark.parametrize(("name", "text"), [
    ("accounts.tsv", GOOD.replace(",", "\t")),
    ("accounts.csv", GOOD.replace(",", ";")),
    ("accounts.txt", GOOD.replace(",", "|")),
    ("export", GOOD),
])
def test_delimiters_sniffed(tmp_path: Path, name: str, text: str) -> None:
    done = score(tmp_path, name, text)
    assert done.returncode == 0, done.stderr
    assert [r["Industry"] for r in rows(done.stdout)] == ["Software", "Retail", "Software"]


def test_parquet_and_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text(GOOD, encoding="utf-8")
    con = duckdb.connect()
    for target, options in (("accounts.parquet", "FORMAT parquet"),
                            ("accounts.jsonl", "FORMAT json")):
        con.execute(f"COPY (SELECT * FROM read_csv('{source}', all_varchar=true)) "
                    f"TO '{tmp_path / target}' ({options})").fetchall()
        done = subprocess.run([sys.executable, "-m", "icp_docs", "score",
                               str(tmp_path / target), "--specs", str(FIXTURE), "--format",
                               "csv"], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        got = rows(done.stdout)
        assert [r["Company name"] for r in got] == ["Acme Café", "Beta", "Gamma"], target
        assert [r["icp_segment"] for r in got] == ["core", "small-shops", "core"], target


def test_malformed_json_lines(tmp_path: Path) -> None:
    refused(score(tmp_path, "accounts.jsonl", '{"name": "a", "industry": "Software"}\n{"name'),
            "accounts.jsonl", "not JSON lines")


@pytest.mark.parametrize(("args", "words"), [
    (("--segment", "nope"), ("--segment nope", "core, small-shops")),
    (("--rate", "EUR=abc"), ("--rate EUR=abc",)),
    (("--as-of", "yesterday"), ("--as-of yesterday", "not a date")),
    (("--format", "table", "--out", "x.txt"), ("--out", "the table format")),
])
def test_bad_options(tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(GOOD, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "icp_docs", "score", str(path), "--specs",
                           str(FIXTURE), *args], capture_output=True, text=True, check=False,
                          cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr
    assert not (tmp_path / "x.txt").exists()


def test_one_segment(tmp_path: Path) -> None:
    done = score(tmp_path, "accounts.csv", GOOD, "--segment", "small-shops")
    assert done.returncode == 0, done.stderr
    got = rows(done.stdout)
    assert [(r["icp_segment"], r["icp_grade"]) for r in got] == [
        ("small-shops", "D"), ("small-shops", "A"), ("small-shops", "D")]
