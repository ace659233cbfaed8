"""Time `icp-docs score` and `icp-docs evidence` on generated HubSpot-style exports.

Run from the repository root, on a quiet machine:

    python bench/bench_score.py [--accounts 1000000] [--big 10000000] [--runs 3]

On files made by ``python -m icp_docs.data.sample`` for the sample specs (every segment):
- CSV: ``icp-docs score --format csv --out`` against DuckDB's own ``SELECT count(*) FROM
  read_csv(...)`` of the same file, both as fresh processes, interleaved (A B A B ...); the
  median of the per-round ratios (goal <= 1.5) and the peak RSS of the score process (goal
  < 1 GB, from the kernel's accounting of that one child: ``os.wait4``);
- Parquet: the same against ``read_parquet``;
- the plain-Python reference scorer (``icp_docs.data.reference``) row by row, the way scorer
  scripts work (csv.DictReader in, csv.writer out), timed on at most 100,000 rows and scaled
  linearly to the full file (goal: score is 20x faster or more);
- ``--big`` accounts (10,000,000 by default) scored once: the time and the peak RSS;
- ``icp-docs evidence`` over as many deals as accounts, against ``count(*)`` of that file.

``uptime`` is printed before and after so a busy machine shows.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ENV  # bench/common.py: the scripts run from this folder

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
AS_OF = "2026-11-30"
REFERENCE_ROWS = 100_000


def measure(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one run of ``cmd``, which must succeed."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} exited {proc.returncode}:\n{err}")
    return wall, usage.ru_maxrss / 1024


def count_cmd(reader: str) -> list[str]:
    """DuckDB's own count of a file, as a fresh Python process."""
    return [sys.executable, "-c",
            f"import duckdb; print(duckdb.sql(\"SELECT count(*) FROM {reader}\").fetchall())"]


def interleaved(a: list[str], b: list[str], runs: int) -> dict[str, float]:
    """A B A B ...: medians of each, the median per-round ratio, A's peak RSS."""
    walls_a, walls_b, ratios, rss = [], [], [], []
    for _ in range(runs):
        wall_a, rss_a = measure(a)
        wall_b, _ = measure(b)
        walls_a.append(wall_a)
        walls_b.append(wall_b)
        ratios.append(wall_a / wall_b)
        rss.append(rss_a)
    return {"a": statistics.median(walls_a), "b": statistics.median(walls_b),
            "ratio": statistics.median(ratios), "rss": max(rss)}


def generate(folder: Path, accounts: int, deals: int) -> None:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "icp_docs.data.sample", "--specs", str(SPECS),
                    "--out", str(folder), "--accounts", str(accounts), "--deals", str(deals)],
                   check=True, env=ENV, stdout=subprocess.DEVNULL)
    size = (folder / "accounts.csv").stat().st_size / 1e6 if accounts else 0
    print(f"generated {accounts:,} accounts ({size:,.0f} MB) and {deals:,} deals in "
          f"{time.perf_counter() - start:.1f} s")


def reference_seconds(path: Path, limit: int) -> tuple[float, int]:
    """Seconds the plain-Python reference scorer takes for the first ``limit`` rows."""
    from icp_docs.data import fit_model, score_account
    from icp_docs.data.accounts import DEFAULT_COLUMNS
    from icp_docs.spec.load import load_playbook

    playbook = load_playbook(SPECS).playbook
    assert playbook is not None
    as_of = dt.date.fromisoformat(AS_OF)
    start = time.perf_counter()
    model = fit_model(playbook)
    done = 0
    with path.open(newline="", encoding="utf-8") as source, \
            tempfile.TemporaryFile("w", newline="") as out:
        reader = csv.DictReader(source)
        fields = {f: next((h for h in reader.fieldnames or () if h in names), None)
                  for f, names in DEFAULT_COLUMNS.items()}
        writer = csv.writer(out)
        for row in reader:
            cells = {f: (row[h] or None) if h else None for f, h in fields.items()}
            result = score_account(model, cells, as_of=as_of).outputs()
            writer.writerow([*row.values(), *result.values()])
            done += 1
            if done >= limit:
                break
    return time.perf_counter() - start, done


def score_cmd(exe: str, path: Path, out: Path, *extra: str) -> list[str]:
    return [exe, "score", str(path), "--specs", str(SPECS), "--as-of", AS_OF, "--format",
            "csv", "--out", str(out), "--force", *extra]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000_000,
                        help="accounts of the bounded-memory run (0: skip it)")
    parser.add_argument("--runs", type=int, default=3, help="rounds per comparison")
    args = parser.parse_args()
    exe = shutil.which("icp-docs") or str(Path(sys.executable).parent / "icp-docs")
    subprocess.run(["uptime"], check=False)
    with tempfile.TemporaryDirectory(prefix="bench-score-") as tmp:
        folder = Path(tmp)
        generate(folder, args.accounts, args.accounts)
        accounts, deals = folder / "accounts.csv", folder / "deals.csv"
        parquet = folder / "accounts.parquet"
        subprocess.run([sys.executable, "-c", "import duckdb; duckdb.sql(\"COPY (SELECT * "
                        f"FROM read_csv('{accounts}', all_varchar=true)) TO '{parquet}' "
                        "(FORMAT parquet)\")"], check=True, env=ENV)
        out = folder / "scored.csv"
        rows = []
        csv_case = interleaved(score_cmd(exe, accounts, out),
                               count_cmd(f"read_csv('{accounts}')"), args.runs)
        rows.append(("score CSV", csv_case))
        rows.append(("score Parquet", interleaved(
            score_cmd(exe, parquet, out), count_cmd(f"read_parquet('{parquet}')"), args.runs)))
        evidence = [exe, "evidence", str(deals), "--specs", str(SPECS), "--as-of", AS_OF,
                    "--out", str(folder / "evidence.json"), "--force"]
        rows.append(("evidence", interleaved(evidence, count_cmd(f"read_csv('{deals}')"),
                                             args.runs)))
        print(f"\n{args.accounts:,} rows, {args.runs} interleaved rounds, medians:")
        print(f"{'case':<16}{'icp-docs s':>12}{'count(*) s':>12}{'ratio':>8}{'peak MB':>10}")
        for name, r in rows:
            print(f"{name:<16}{r['a']:>12.2f}{r['b']:>12.2f}{r['ratio']:>8.2f}"
                  f"{r['rss']:>10.0f}")
        seconds, done = reference_seconds(accounts, min(REFERENCE_ROWS, args.accounts))
        scaled = seconds * args.accounts / done
        print(f"\nplain-Python reference scorer: {done:,} rows in {seconds:.2f} s, scaled to "
              f"{args.accounts:,}: {scaled:.1f} s; score CSV is {scaled / csv_case['a']:.1f}x "
              "faster")
        for path in folder.iterdir():
            path.unlink()
        if args.big:
            generate(folder, args.big, 0)
            wall, rss = measure(score_cmd(exe, accounts, out))
            print(f"{args.big:,} accounts scored to CSV in {wall:.1f} s, peak RSS "
                  f"{rss:,.0f} MB")
    subprocess.run(["uptime"], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
