"""Time the semantic diff and the change log.

Run from the repository root:

    python bench/bench_diff.py [--segments 1000] [--build-segments 200] [--refreshes 8]
                               [--runs 5] [--builds 3]

1. Diff: two playbooks of ``--segments`` segments generated from the sample's five (ids
   changed), loaded once; the figure is the median time of ``diff_playbooks`` alone over
   ``--runs`` runs, for one refresh's worth of edits (10% of the segments: tier, label and a
   knockout changed) and for every segment edited. Loading is timed too, for scale.
2. Change log: a git repository whose specs (``--build-segments`` segments) went through
   ``--refreshes`` quarterly refreshes, each editing 10% of the segments. ``mkdocs build`` of
   it, with the plugin's history on and off, ``--builds`` times each (alternating); the figure
   is the difference of the medians, in wall time and in CPU time (the steadier one on a
   shared machine). Each build is a fresh process: no cache is warm.

docs/performance.md quotes the tables this prints.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # bench/common.py: the scripts run from this folder

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
sys.path.insert(0, str(ROOT))

from icp_docs.history.diff import diff_playbooks  # noqa: E402
from icp_docs.spec.load import Playbook, load_playbook  # noqa: E402

ENV = {**common.ENV, "GIT_AUTHOR_NAME": "bench",
       "GIT_AUTHOR_EMAIL": "bench@example.com",
       "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}


def _edit(text: str, rev: int) -> str:
    """One refresh's edits to a segment: tier moved, label reworded, a knockout dropped."""
    text = re.sub(r"^tier: (\d)", lambda m: f"tier: {1 + int(m.group(1)) % 3}", text, count=1,
                  flags=re.MULTILINE)
    text = re.sub(r"^(label: .*?)( \(rev \d+\))?$", rf"\1 (rev {rev})", text, count=1,
                  flags=re.MULTILINE)
    return text.replace("      knockout: true\n", "      knockout: false\n", 1)


def write_specs(target: Path, count: int, refresh: str, edited: set[int]) -> Path:
    """``count`` segments from the sample's; those in ``edited`` carry one refresh's edits."""
    specs = target / "specs"
    shutil.rmtree(specs, ignore_errors=True)
    (specs / "segments").mkdir(parents=True)
    book = (SPECS / "playbook.yml").read_text(encoding="utf-8")
    book = re.sub(r"^refresh: .*$", f"refresh: {refresh}", book, count=1, flags=re.MULTILINE)
    (specs / "playbook.yml").write_text(book, encoding="utf-8")
    samples = [(p.stem, p.read_text(encoding="utf-8"))
               for p in sorted((SPECS / "segments").glob("*.yml"))]
    for n in range(count):
        stem, text = samples[n % len(samples)]
        new_id = f"{stem}-{n:04d}"
        body = text.replace(f"id: {stem}\n", f"id: {new_id}\n", 1)
        body = body.replace("priority: core\n", "priority: secondary\n", 1)
        if n in edited:
            body = _edit(body, 1)
        (specs / "segments" / f"{new_id}.yml").write_text(body, encoding="utf-8")
    return specs


def _load(specs: Path) -> tuple[Playbook, float]:
    start = time.perf_counter()
    result = load_playbook(specs)
    took = time.perf_counter() - start
    if result.playbook is None or not result.ok:
        sys.exit(f"generated specs do not load: {result.diagnostics[:3]}")
    return result.playbook, took


def bench_diff(count: int, runs: int, tmp: Path) -> None:
    old, load_time = _load(write_specs(tmp / "old", count, "2026-Q3", set()))
    rows = []
    for name, edited in (("10% of segments edited", set(range(0, count, 10))),
                         ("every segment edited", set(range(count)))):
        new, _ = _load(write_specs(tmp / name[:3], count, "2026-Q4", edited))
        times, changes = [], 0
        for _ in range(runs):
            start = time.perf_counter()
            changes = len(diff_playbooks(old, new))
            times.append(time.perf_counter() - start)
        rows.append((name, changes, statistics.median(times)))
    print(f"\nSemantic diff of two {count:,}-segment playbooks (median of {runs} runs)\n")
    print("| case | changes found | diff_playbooks |")
    print("|---|---:|---:|")
    for name, changes, took in rows:
        print(f"| {name} | {changes:,} | {took * 1000:,.0f} ms |")
    print(f"\n(Loading one {count:,}-segment playbook, for scale: {load_time:.2f} s.)")


def _quarters(n: int) -> list[str]:
    return [f"{2025 + (i // 4)}-Q{i % 4 + 1}" for i in range(n)]


def make_history(repo: Path, count: int, refreshes: int) -> None:
    """A repository whose specs went through ``refreshes`` refreshes, 10% edited in each."""
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=ENV)
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("# Bench\n")
    plugin = "plugins:\n  - icp:\n      history: {}\n"
    base = "site_name: Bench\ntheme:\n  name: material\n"
    (repo / "mkdocs.yml").write_text(base + plugin.format("true"))
    (repo / "mkdocs.nohistory.yml").write_text(base + plugin.format("false"))
    edited: set[int] = set()
    for i, refresh in enumerate(_quarters(refreshes)):
        edited |= set(range(i % 10, count, 10)) if i else set()
        write_specs(repo, count, refresh, edited)
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, env=ENV)
        subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", refresh], check=True,
                       env=ENV)


def _build(repo: Path, config: str) -> tuple[float, float]:
    """Wall time, and CPU time (user + system, git included) of one build.

    CPU time is the steadier figure on a shared machine: other processes stretch the wall
    time of both builds, not the work each one does.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", config],
                          cwd=repo, env=ENV, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"mkdocs build -f {config} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, cpu


# Run in the repository, in a fresh process each time (nothing cached): the plugin's own
# history work, as a build does it (workers as in a build), and its pages rendered with and
# without the history.
_WORK = """
import time
from pathlib import Path
from icp_docs.lint import check
from icp_docs.mkdocs.plugin import _history
from icp_docs.render.pages import render_pages
from icp_docs.spec.parallel import usable_jobs
playbook = check(Path("specs"), jobs=usable_jobs()).playbook
start = time.perf_counter()
history, revisions = _history(playbook, usable_jobs())
read = time.perf_counter() - start
start = time.perf_counter()
pages = render_pages(playbook, history=history, revisions=revisions)
with_history = time.perf_counter() - start
start = time.perf_counter()
plain = render_pages(playbook)
without = time.perf_counter() - start
extra = sum(map(len, (p.markdown for p in pages))) - sum(map(len, (p.markdown for p in plain)))
print(read, with_history - without, extra)
"""


def history_work(repo: Path, runs: int) -> tuple[float, float, int]:
    """Median seconds to read the history and to render what it adds, and the bytes of
    Markdown it adds, over ``runs`` fresh processes."""
    found = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _WORK], cwd=repo, env=ENV,
                              capture_output=True, text=True, check=True)
        read, render, extra = done.stdout.split()
        found.append((float(read), float(render), int(extra)))
    return (statistics.median(f[0] for f in found), statistics.median(f[1] for f in found),
            found[0][2])


def bench_changelog(count: int, refreshes: int, builds: int, tmp: Path) -> None:
    repo = tmp / "repo"
    make_history(repo, count, refreshes)
    with_history, without = [], []
    for _ in range(builds):
        without.append(_build(repo, "mkdocs.nohistory.yml"))
        with_history.append(_build(repo, "mkdocs.yml"))
    wall = [statistics.median(t[0] for t in runs) for runs in (without, with_history)]
    best = [min(t[0] for t in runs) for runs in (without, with_history)]
    cpu = [statistics.median(t[1] for t in runs) for runs in (without, with_history)]
    print(f"\nChange log over {refreshes} refreshes of a {count}-segment playbook "
          f"(mkdocs build, {builds} each, in turns; load average {os.getloadavg()[0]:.1f})\n")
    print("| build | wall, median | wall, best | CPU, median |")
    print("|---|---:|---:|---:|")
    print(f"| history off (`history: false`) | {wall[0]:.2f} s | {best[0]:.2f} s "
          f"| {cpu[0]:.2f} s |")
    print(f"| history on (change log, 'changed in the last refresh') | {wall[1]:.2f} s "
          f"| {best[1]:.2f} s | {cpu[1]:.2f} s |")
    print(f"| added by the history | {wall[1] - wall[0]:+.2f} s "
          f"({(wall[1] - wall[0]) / wall[0]:+.1%}) | {best[1] - best[0]:+.2f} s "
          f"({(best[1] - best[0]) / best[0]:+.1%}) | {cpu[1] - cpu[0]:+.2f} s "
          f"({(cpu[1] - cpu[0]) / cpu[0]:+.1%}) |")
    read, render, extra = history_work(repo, builds)
    print(f"\nThe history's own work, in process (median of {builds} fresh processes): "
          f"reading it {read:.2f} s, rendering what it adds {render:.2f} s, "
          f"{extra / 1e6:.2f} MB more Markdown; together "
          f"{(read + render) / best[0]:.1%} of the best build without history.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=1000)
    parser.add_argument("--build-segments", type=int, default=200)
    parser.add_argument("--refreshes", type=int, default=8)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--builds", type=int, default=3)
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        bench_diff(args.segments, args.runs, Path(tmp))
        bench_changelog(args.build_segments, args.refreshes, args.builds, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
