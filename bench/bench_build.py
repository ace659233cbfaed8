"""Benchmark: building the playbook site, with the plugin and from hand-written pages.

For N segments (the sample's five segments cloned under new ids), it times

- ``mkdocs build`` of a project using the ``icp`` plugin,
- ``mkdocs build`` of the same pages written by ``icp-docs render`` into ``docs/``, plugin off
  (same theme, extensions and navigation), and
- ``mkdocs build`` of pages at the same paths holding a heading and one line each: what MkDocs
  and Material cost per page whatever the page says (the floor under the other two),

then the edit-to-reload time of ``mkdocs serve`` on a 20-segment playbook: from writing a
spec file to the served page showing the change (polling HTTP).

Usage: python bench/bench_build.py [--sizes 30 60 100 200] [--runs 3] [--reloads 5]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from common import ENV  # bench/common.py: the scripts run from this folder

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "specs"

CONFIG = """\
site_name: Bench playbook
theme:
  name: material
  font: false
  features: [navigation.indexes]
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
      clickable_checkbox: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
nav:
  - Home: index.md
  - Playbook:
      - playbook/index.md
      - playbook/segments/index.md
      - playbook/checklists.md
      - playbook/anti-icp.md
      - playbook/journey.md
      - playbook/changelog.md
"""


def make_project(folder: Path, segments: int, *, plugin: bool) -> Path:
    """A project with ``segments`` segments: the sample's, cloned with new ids."""
    specs = folder / "specs"
    (specs / "segments").mkdir(parents=True)
    shutil.copy(SAMPLE / "playbook.yml", specs / "playbook.yml")
    originals = sorted((SAMPLE / "segments").glob("*.yml"))
    for i in range(segments):
        source = originals[i % len(originals)]
        new_id = f"{source.stem}-{i:03d}"
        text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", source.read_text(), count=1)
        (specs / "segments" / f"{new_id}.yml").write_text(text)
    docs = folder / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Bench\n\n[Playbook](playbook/index.md)\n")
    config = CONFIG
    if plugin:
        config += "plugins:\n  - search\n  - icp:\n      history: false\n"
    else:
        config += "plugins:\n  - search\n"
        done = subprocess.run([sys.executable, "-m", "icp_docs", "render", "specs", "--out",
                               "docs"], cwd=folder, env=ENV, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    (folder / "mkdocs.yml").write_text(config)
    return folder


def make_floor(folder: Path, like: Path) -> Path:
    """The pages of the hand-written project ``like``, each cut to a heading and a line."""
    shutil.copytree(like / "docs", folder / "docs")
    shutil.copy(like / "mkdocs.yml", folder / "mkdocs.yml")
    for page in (folder / "docs").rglob("*.md"):
        page.write_text(f"# {page.parent.name or 'Home'}\n\nOne line of text.\n")
    return folder


def time_conversion(project: Path) -> dict[str, tuple[int, float]]:
    """Seconds Python-Markdown takes over the hand-written pages of ``project``, one after
    the other with the site's extensions (as MkDocs sets it up), by kind of page: the
    number of pages and their total time."""
    import markdown  # type: ignore[import-untyped]
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"))
    md = markdown.Markdown(extensions=config.markdown_extensions,
                           extension_configs=config.mdx_configs)
    kinds: dict[str, tuple[int, float]] = {}
    for page in sorted((project / "docs").rglob("*.md")):
        parts = page.relative_to(project / "docs").parts
        kind = ("persona page" if "personas" in parts else
                "segment checklist" if parts[-1] == "checklist.md" else
                "segment page" if len(parts) == 4 and parts[1] == "segments" else
                "/".join(parts))
        text = page.read_text(encoding="utf-8")
        start = time.perf_counter()
        md.reset()
        md.convert(text)
        count, total = kinds.get(kind, (0, 0.0))
        kinds[kind] = (count + 1, total + time.perf_counter() - start)
    return kinds


def _build_once(project: Path) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one ``mkdocs build`` of ``project``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d",
                           str(project / "site")], cwd=project, env=ENV, capture_output=True,
                          text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def time_builds(projects: list[Path], runs: int) -> list[tuple[float, float, int]]:
    """For each project: best wall time, best CPU time and number of pages over ``runs``
    builds. The projects' builds take turns, so a burst of load elsewhere on the machine
    hits them alike. A build is single-threaded: on an idle machine wall and CPU time agree;
    on a busy one the CPU time is the figure that depends least on the load."""
    walls: list[list[float]] = [[] for _ in projects]
    cpus: list[list[float]] = [[] for _ in projects]
    for _ in range(runs):
        for i, project in enumerate(projects):
            wall, cpu = _build_once(project)
            walls[i].append(wall)
            cpus[i].append(cpu)
    return [(min(w), min(c), sum(1 for _ in (p / "site").rglob("index.html")))
            for w, c, p in zip(walls, cpus, projects, strict=True)]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode())
    except OSError:
        return ""


def _default_sigint() -> None:
    # A job started in the background inherits SIGINT ignored; Python then installs no
    # handler and Ctrl-C (our clean stop, which runs the plugin's on_shutdown) would be lost.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def time_reloads(project: Path, reloads: int, *, dirty: bool = False) -> list[float]:
    """Seconds from writing a spec (in a floor project: a page) to the served page showing
    the change, per edit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    segments = project / "specs" / "segments"
    if segments.is_dir():
        seg = sorted(segments.glob("*.yml"))[0]
        page, original, shown = seg.stem, seg.read_text(), "finance"

        def edit(marker: str) -> None:
            seg.write_text(re.sub(r"(?m)^label: ", f"label: {marker} ", original, count=1))
    else:
        page = min(p.name for p in (project / "docs" / "playbook" / "segments").iterdir()
                   if p.is_dir())
        shown = page

        def edit(marker: str) -> None:
            path = project / "docs" / "playbook" / "segments" / page / "index.md"
            path.write_text(f"# {page}\n\n{marker}\n")
    url = f"http://127.0.0.1:{port}/playbook/segments/{page}/"
    log = (project / "serve.log").open("w")
    command = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command + ["--dirty"] * dirty, cwd=project, env=ENV, stdout=log,
                              stderr=subprocess.STDOUT, preexec_fn=_default_sigint)
    try:
        _wait(lambda: shown in _get(url), 120)
        times = []
        for i in range(reloads):
            marker = f"Reloaded{i}x"
            time.sleep(1.0)  # let the server settle: each edit is measured alone
            start = time.perf_counter()
            edit(marker)
            _wait(lambda m=marker: m in _get(url), 60)
            times.append(time.perf_counter() - start)
        return times
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C, so the plugin cleans up after itself
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait(check: object, limit: float) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.02)
    raise TimeoutError("the served page did not change in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[30, 60, 100, 200],
                        help="playbook sizes to build (none: only the serve reloads)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reloads", type=int, default=5)
    parser.add_argument("--serve-segments", type=int, default=20)
    parser.add_argument("--convert", type=int, default=100, metavar="N",
                        help="time Python-Markdown on the hand-written pages of N segments "
                             "(0: not)")
    args = parser.parse_args()
    results: dict[int, tuple[tuple[float, float], tuple[float, float], int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="icp-bench-") as tmp:
        for n in args.sizes:
            hand = make_project(Path(tmp) / f"h{n}", n, plugin=False)
            (p_wall, p_cpu, pages), (h_wall, h_cpu, _), (f_wall, _, _) = time_builds(
                [make_project(Path(tmp) / f"p{n}", n, plugin=True), hand,
                 make_floor(Path(tmp) / f"f{n}", hand)], args.runs)
            results[n] = ((p_wall, p_cpu), (h_wall, h_cpu), pages, f_wall)
            print(f"built N={n}: plugin {p_wall:.2f} s ({p_cpu:.2f} s CPU), by hand "
                  f"{h_wall:.2f} s ({h_cpu:.2f} s CPU), one-line pages {f_wall:.2f} s, "
                  f"{pages} pages", file=sys.stderr)
        conversion: dict[str, tuple[int, float]] = {}
        if args.convert:
            converted = Path(tmp) / f"h{args.convert}"
            if not converted.exists():
                make_project(converted, args.convert, plugin=False)
            conversion = time_conversion(converted)
        reloads: dict[str, list[float]] = {}
        if args.reloads:
            project = make_project(Path(tmp) / "serve", args.serve_segments, plugin=True)
            reloads["mkdocs serve"] = time_reloads(project, args.reloads)
            reloads["mkdocs serve --dirty"] = time_reloads(project, args.reloads, dirty=True)
            hand = make_project(Path(tmp) / "serve-hand", args.serve_segments, plugin=False)
            floor = make_floor(Path(tmp) / "serve-floor", hand)
            reloads["mkdocs serve, same pages one line each, no plugin"] = time_reloads(
                floor, args.reloads)
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    print()
    # The plugin's build takes a second core for part of the way (see icp_docs.mkdocs.htmlcache):
    # its CPU time counts both processes, so the wall ratio is the one a user waits for.
    print("| segments | pages | plugin build: wall (CPU) s | hand-written: wall (CPU) s "
          "| plugin / hand: wall (CPU) | same pages, one line each: wall s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, ((pw, pc), (hw, hc), pages, fw) in results.items():
        print(f"| {n} | {pages} | {pw:.2f} ({pc:.2f}) | {hw:.2f} ({hc:.2f}) | "
              f"{pw / hw:.3f}x ({pc / hc:.3f}x) | {fw:.2f} |")
    print()
    for n in results:
        if 2 * n in results:
            wall = results[2 * n][0][0] / results[n][0][0]
            cpu = results[2 * n][0][1] / results[n][0][1]
            print(f"growth, plugin build, {2 * n} / {n} segments: {wall:.2f}x wall, "
                  f"{cpu:.2f}x CPU")
    if conversion:
        print(f"\nPython-Markdown alone, the hand-written pages of {args.convert} segments, "
              "one after the other:\n")
        print("| page | pages | ms a page | s in all |")
        print("|---|---:|---:|---:|")
        for kind, (count, total) in sorted(conversion.items(), key=lambda kv: -kv[1][1]):
            print(f"| {kind} | {count} | {1000 * total / count:.1f} | {total:.2f} |")
        print(f"| all | {sum(c for c, _ in conversion.values())} | | "
              f"{sum(t for _, t in conversion.values()):.2f} |\n")
    for mode, times in reloads.items():
        print(f"{mode}: edit-to-reload, {args.serve_segments} segments, {len(times)} edits: "
              f"median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
