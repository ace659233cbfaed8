"""Time `icp-docs validate`: the sample playbook, and 1,000 generated segment files.

Run from the repository root:

    python bench/bench_validate.py [--runs 7] [--files 1000]

Each figure is the median of several runs of the real command in a subprocess, interpreter
start-up included, the cases taken in turns round by round: wall time (the goal) and CPU time
(user + system, worker processes included), which a busy machine disturbs less. The 1,000
files are copies of the sample segments with their ids changed (and marked secondary), next
to the sample playbook.yml, in a temporary folder. The page docs/performance.md quotes the
table this prints.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
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


def make_specs(target: Path, count: int) -> Path:
    """A specs folder with ``count`` segment files generated from the sample's."""
    specs = target / "specs"
    (specs / "segments").mkdir(parents=True)
    shutil.copy(SPECS / "playbook.yml", specs / "playbook.yml")
    samples = sorted((SPECS / "segments").glob("*.yml"))
    texts = [(p.stem, p.read_text(encoding="utf-8")) for p in samples]
    for n in range(count):
        stem, text = texts[n % len(texts)]
        new_id = f"{stem}-{n:04d}"
        body = text.replace(f"id: {stem}\n", f"id: {new_id}\n", 1)
        # A thousand core segments would (rightly) warn: too-many-core.
        body = body.replace("priority: core\n", "priority: secondary\n", 1)
        (specs / "segments" / f"{new_id}.yml").write_text(body, encoding="utf-8")
    return specs


def time_command(cmd: list[str], runs: int, cwd: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system, workers included) times of ``runs`` runs of ``cmd``,
    which must succeed every time."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True,
                              check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            sys.exit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return walls, cpus


def _bare(imports: str) -> list[str]:
    """A Python run of ``imports`` alone, started and ended as ``icp-docs`` is."""
    return [sys.executable, "-c", f"import gc, os; gc.disable(); {imports}; os._exit(0)"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per case (default 7)")
    parser.add_argument("--files", type=int, default=1000, help="generated segment files")
    args = parser.parse_args()
    exe = shutil.which("icp-docs") or str(Path(sys.executable).parent / "icp-docs")
    command = [exe, "validate", "--strict"]
    with tempfile.TemporaryDirectory() as tmp:
        big = make_specs(Path(tmp), args.files)
        # One untimed run each, so that the timed runs find the bytecode written and the
        # files in the page cache.
        time_command([*command, str(SPECS)], 1, ROOT)
        time_command([*command, str(big)], 1, ROOT)
        load_before = os.getloadavg()[0]
        samples = len(list((SPECS / "segments").glob("*.yml")))
        # (name, runs per round, goal, command). The floor under the sample: what any run
        # pays before reading a file, started and ended as the command is (no cyclic
        # collector, no teardown at exit).
        plan = [
            (f"sample playbook ({samples} segments)", 3, 0.4, [*command, str(SPECS)]),
            (f"{args.files:,} segment files", 1, 2.0, [*command, str(big)]),
            ("floor: the interpreter importing PyYAML and pydantic", 3, None,
             _bare("import yaml, pydantic.main")),
            ("floor: the same, and the spec models built", 3, None,
             _bare("import yaml, icp_docs.spec.models")),
        ]
        # Round by round, every case in turn: a drift of the machine's speed (it drifts by a
        # tenth within minutes) then touches every row alike, and the rows compare.
        walls: dict[str, list[float]] = {name: [] for name, *_ in plan}
        cpus: dict[str, list[float]] = {name: [] for name, *_ in plan}
        for _ in range(args.runs):
            for name, runs, _goal, cmd in plan:
                wall, cpu = time_command(cmd, runs, ROOT)
                walls[name] += wall
                cpus[name] += cpu
        cases = [(name, len(walls[name]), goal, (walls[name], cpus[name]))
                 for name, _runs, goal, _cmd in plan]
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}; load average {load_before:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after")
    print("command: icp-docs validate --strict SPECS_DIR\n")
    print("| case | runs | wall, median | wall, min | CPU, median | goal (wall) |")
    print("|---|---|---|---|---|---|")
    for name, runs, goal, (walls, cpus) in cases:
        print(f"| {name} | {runs} | {statistics.median(walls):.3f} s | {min(walls):.3f} s | "
              f"{statistics.median(cpus):.3f} s | {'—' if goal is None else f'<= {goal} s'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
