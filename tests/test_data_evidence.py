"""``icp-docs evidence`` on a deals file small enough to grade by hand.

The fixture (tests/fixtures/data/evidence) has two segments:
- core (tier 1): industry Software, employees 100-1,000, red flag SAP;
- small-shops (tier 2): industry Retail, employees at most 99.
Each states two dimensions, so a deal scores 100 (A) with both met or only one known and met,
50 (C) with one of two met, 0 (D) with none, and 0 (D) when knocked out.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "data" / "evidence"

# name, industry, employees, technologies, country, outcome, amount, close date;
# the grades in core / small-shops worked out by hand at the end of each line.
DEALS = """\
name,industry,numberofemployees,technologies,Country/Region,outcome,Amount,Close Date
D1,Software,500,,,won,10000,2026-01-10
D2,Software,200,,,won,30000,2026-02-01
D3,Software,300,SAP; Slack,,lost,5000,2026-03-01
D4,Software,5000,,,lost,8000,2026-04-01
D5,Retail,50,,,won,20000,2026-05-01
D6,Retail,50,,,Churned,40000,2026-06-15
D7,Retail,2000,,France,won,7000,2026-07-01
D8,Software,400,,,churned,n/a,2026-11-30
D9,,,,,won,1000,2026-08-01
D10,Software,600,,,pending,1000,2027-01-01
D11,Software,1.2k,,,lost,9000,2026-09-01
D12,Retail,2000,,,LOST,3000,2026-10-01
"""
# D1 A/D  D2 A/D  D3 D (knocked out: SAP)/D  D4 C/D  D5 D/A  D6 D/A  D7 D/C  D8 A/D
# D9 none/none  D10 left out (outcome "pending")  D11 A (employees unknown, industry
# met: 1 of 1)/D  D12 D/C


def evidence(tmp_path: Path, *args: str, text: str = DEALS) -> subprocess.CompletedProcess[str]:
    deals = tmp_path / "deals.csv"
    deals.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "icp_docs", "evidence", str(deals),
                           "--specs", str(FIXTURE), "--as-of", "2026-12-01", *args],
                          capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    done = evidence(tmp_path_factory.mktemp("evidence"))
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_totals_leave_out_unknown_outcomes(result: dict[str, object]) -> None:
    # 11 closed deals (D10 is "pending"): won D1 D2 D5 D7 D9, lost D3 D4 D11 D12,
    # churned D6 D8. The latest close date among them is D8's (D10's is later but left out).
    assert {k: result[k] for k in ("as_of", "refresh", "source", "deals", "won", "lost",
                                   "churned")} == {
        "as_of": "2026-11-30", "refresh": "2026-Q4", "source": "deals.csv",
        "deals": 11, "won": 5, "lost": 4, "churned": 2}


def test_core_segment_by_hand(result: dict[str, object]) -> None:
    segments = result["segments"]
    assert isinstance(segments, dict)
    # Fits (A or B): D1 won, D2 won, D8 churned, D11 lost: (2 + 1) / 4 = 0.75.
    # Non-fits: D3 D4 D12 lost, D5 D7 D9 won, D6 churned: (3 + 1) / 7 = 0.571...
    # lift 0.75 / (4 / 7) = 1.3125; median of the fitting won and churned amounts
    # (10000, 30000; D8's "n/a" is unknown) = 20000; churn 1 / (2 + 1).
    assert segments["core"] == {
        "deals": 4, "won": 2, "lost": 1, "churned": 1, "win_rate": 0.75,
        "non_fit": {"deals": 7, "won": 3, "lost": 3, "churned": 1, "win_rate": 0.571},
        "lift": 1.31, "median_won_amount": 20000.0, "churn_rate": 0.333,
        "grades": {"A": 4, "B": 0, "C": 1, "D": 5, "none": 1},
        "knocked_out": {"won": 0, "lost": 1, "churned": 0}}


def test_second_segment_by_hand(result: dict[str, object]) -> None:
    segments = result["segments"]
    assert isinstance(segments, dict)
    # Fits: D5 won, D6 churned: 2 / 2 = 1.0. Non-fits: D1 D2 D7 D9 won, D3 D4 D11 D12 lost,
    # D8 churned: 5 / 9 = 0.556; lift 1 / (5 / 9) = 1.8; median(20000, 40000) = 30000.
    assert segments["small-shops"] == {
        "deals": 2, "won": 1, "lost": 0, "churned": 1, "win_rate": 1.0,
        "non_fit": {"deals": 9, "won": 4, "lost": 4, "churned": 1, "win_rate": 0.556},
        "lift": 1.8, "median_won_amount": 30000.0, "churn_rate": 0.5,
        "grades": {"A": 2, "B": 0, "C": 2, "D": 6, "none": 1},
        "knocked_out": {"won": 0, "lost": 0, "churned": 0}}


def test_misses_knockouts_and_unparsed(result: dict[str, object]) -> None:
    # Won deals that fit no segment: D7 (Retail, 2,000 staff, France) and D9 (all blank).
    assert result["unmatched_won"] == 2
    assert result["unmatched_won_share"] == 0.4
    assert result["unmatched_attributes"] == [
        {"field": "country", "value": "France", "count": 1},
        {"field": "industry", "value": "Retail", "count": 1}]
    assert result["knockouts"] == [{"reason": "red flag: SAP", "lost": 1, "churned": 0}]
    assert result["unparsed"] == {"Amount": 1, "numberofemployees": 1, "outcome": 1}


def test_names_only_on_request(tmp_path: Path, result: dict[str, object]) -> None:
    assert "accounts" not in result
    assert "D1" not in json.dumps(result)
    done = evidence(tmp_path, "--names")
    assert done.returncode == 0, done.stderr
    accounts = json.loads(done.stdout)["accounts"]
    assert accounts[:3] == [{"name": "D1", "outcome": "won", "segment": "core"},
                            {"name": "D2", "outcome": "won", "segment": "core"},
                            {"name": "D3", "outcome": "lost", "segment": ""}]
    assert [a["name"] for a in accounts] == [f"D{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                                11, 12)]


def test_out_file_and_no_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "evidence.json"
    done = evidence(tmp_path, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["deals"] == 11
    again = evidence(tmp_path, "--out", str(out))
    assert again.returncode == 1
    assert "exists; pass --force" in again.stderr


@pytest.mark.parametrize(("header", "missing"), [
    ("name,industry,Amount,Close Date", "'outcome'"),
    ("name,industry,outcome,Close Date", "'amount'"),
    ("name,industry,outcome,amount", "'closedate'"),
])
def test_missing_deal_column(tmp_path: Path, header: str, missing: str) -> None:
    done = evidence(tmp_path, text=f"{header}\nD1,Software,won,10\n")
    assert done.returncode == 1
    assert missing in done.stderr and "deals.csv" in done.stderr
    assert "found 'name', 'industry'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_committed_sample_evidence_is_what_the_commands_make(tmp_path: Path) -> None:
    # data/evidence.json feeds the sample site's fit report: made by the generator and
    # `icp-docs evidence`, never by hand, so it cannot drift from the specs or the model.
    root = Path(__file__).resolve().parent.parent
    made = subprocess.run(
        [sys.executable, "-m", "icp_docs.data.sample", "--out", str(tmp_path), "--specs",
         "specs", "--as-of", "2026-11-30"], cwd=root, capture_output=True, text=True,
        check=False, timeout=120)
    assert made.returncode == 0, made.stderr
    done = subprocess.run(
        [sys.executable, "-m", "icp_docs", "evidence", str(tmp_path / "deals.csv"), "--specs",
         "specs", "--as-of", "2026-11-30", "--out", str(tmp_path / "evidence.json")],
        cwd=root, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "evidence.json").read_text()) == \
        json.loads((root / "data" / "evidence.json").read_text()), (
        "regenerate: python -m icp_docs.data.sample --out /tmp/s --specs specs --as-of "
        "2026-11-30 && icp-docs evidence /tmp/s/deals.csv --as-of 2026-11-30 --out "
        "data/evidence.json")
