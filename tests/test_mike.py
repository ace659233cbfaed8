"""The quarterly publishing flow, for real: ``mike deploy`` into a local repository, the
versions.json that Material's version selector reads, and the outdated banner in Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import subprocess
import sys
import tarfile
import textwrap
import threading
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from conftest import CHROMIUM_FLAGS
from fixtures.history.repo import Repo, git, make_repo
from mike.versions import Versions

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true",
       # mike runs `mkdocs build` by name: the one of this environment.
       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "publishing.md"


def mike(repo: Path, *args: str) -> str:
    done = subprocess.run([str(Path(sys.executable).parent / "mike"), *args,
                           "--config-file", "mkdocs.mike.yml"],
                          cwd=repo, env=ENV, text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _publish(repo: Repo) -> None:
    """Two quarterly refreshes published as the docs say: each from its own commit."""
    git(repo.path, "checkout", "-q", repo.finals["2026-Q3"])
    mike(repo.path, "deploy", "2026-Q3", "latest")
    git(repo.path, "checkout", "-q", "main")
    mike(repo.path, "deploy", "--update-aliases", "2026-Q4", "latest")
    mike(repo.path, "set-default", "latest")


def _show(repo: Repo, path: str) -> str:
    return git(repo.path, "show", f"gh-pages:{path}")


@pytest.mark.slow
@pytest.mark.browser
def test_quarterly_publishing(tmp_path: Path, chromium: str) -> None:
    # One test for the whole flow: two real deploys are the expensive part, done once.
    repo = make_repo(tmp_path / "repo", unreleased=False)
    _publish(repo)
    versions = json.loads(_show(repo, "versions.json"))
    assert versions == [
        {"version": "2026-Q4", "title": "2026-Q4", "aliases": ["latest"]},
        {"version": "2026-Q3", "title": "2026-Q3", "aliases": []},  # "latest" moved on
    ]
    assert 'url=latest/"' in _show(repo, "index.html")  # the site root: the latest
    listed = git(repo.path, "ls-tree", "--name-only", "gh-pages").split()
    assert {"2026-Q3", "2026-Q4", "latest", "versions.json", "index.html"} <= set(listed)
    # Each version is the playbook at its own refresh: its change log ends there.
    q3 = _show(repo, "2026-Q3/playbook/changelog/index.html")
    assert 'id="2026-q3"' in q3 and 'id="2026-q4"' not in q3
    assert 'id="2026-q4"' in _show(repo, "2026-Q4/playbook/changelog/index.html")
    with _served(repo, tmp_path / "gh-pages") as url:
        for path, outdated, selected in (("2026-Q3/", True, "2026-Q3"),
                                         ("latest/", False, "2026-Q4")):
            _check_banner(_dom(chromium, f"{url}/{path}"), outdated, selected)


def test_quarter_ids_sort_as_mike_sorts_them() -> None:
    ids = ["2026-Q2", "2025-Q4", "2027-Q1", "2026-Q1", "2026-Q4", "2026-Q3"]
    versions = Versions()
    for ident in ids:
        versions.add(ident)
    ordered = [str(v.version) for v in versions]
    assert ordered == sorted(ids, reverse=True)  # mike's order is the lexical one, newest first
    assert ordered[0] == "2027-Q1" and ordered[-1] == "2025-Q4"


def test_root_config_has_no_version_provider() -> None:
    # A plain `mkdocs build` must not fetch a versions.json that only mike writes.
    assert "provider: mike" not in (ROOT / "mkdocs.yml").read_text()
    mike_config = (ROOT / "mkdocs.mike.yml").read_text()
    assert "INHERIT: mkdocs.yml" in mike_config and "provider: mike" in mike_config


def _guide_block(lang: str, first_line: str) -> str:
    """The fenced block of docs/publishing.md in ``lang`` whose first line is ``first_line``."""
    blocks = re.findall(rf"^```{lang}\n(.*?)^```$", GUIDE.read_text(encoding="utf-8"),
                        re.M | re.S)
    [block] = [b for b in blocks if b.splitlines()[0].strip() == first_line]
    return textwrap.dedent(block)


def _icp_docs(cwd: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "icp_docs", *args], cwd=cwd, env=ENV, check=True,
                   capture_output=True)


@pytest.mark.slow
def test_the_publish_workflow_runs_as_written(tmp_path: Path) -> None:
    # A playbook started as the guide says (`icp-docs new playbook`, whose refresh line carries
    # a comment), with the guide's mkdocs.mike.yml and banner override, and its CI step run by
    # bash -e as GitHub runs a `run:` block.
    origin, repo = tmp_path / "origin.git", tmp_path / "playbook"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    _new_playbook_site(repo)
    _mike_files(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "playbook")
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "push", "-q", "origin", "main")
    workflow = yaml.safe_load(_guide_block("yaml", "# .github/workflows/publish.yml"))
    [script] = [step["run"] for step in workflow["jobs"]["publish"]["steps"]
                if "mike deploy" in step.get("run", "")]
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=ENV, text=True,
                          capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    refresh = yaml.safe_load((repo / "specs" / "playbook.yml").read_text())["refresh"]
    versions = json.loads(git(origin, "show", "gh-pages:versions.json"))
    assert versions == [{"version": refresh, "title": refresh, "aliases": ["latest"]}]
    assert 'url=latest/"' in git(origin, "show", "gh-pages:index.html")


def _new_playbook_site(repo: Path) -> None:
    """A new git repository with a playbook started as the quick start says."""
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    _icp_docs(repo, "new", "playbook")
    _icp_docs(repo, "new", "segment", "payroll-ops")
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("# Our ICP playbook\n")
    (repo / "mkdocs.yml").write_text("site_name: Our ICP playbook\ntheme:\n  name: material\n"
                                     "plugins:\n  - search\n  - icp\n")


def _mike_files(repo: Path) -> None:
    """The publishing guide's mkdocs.mike.yml and version-selector override."""
    (repo / "mkdocs.mike.yml").write_text(_guide_block("yaml", "# mkdocs.mike.yml"))
    (repo / "overrides" / "mike").mkdir(parents=True)
    (repo / "overrides" / "mike" / "main.html").write_text(
        _guide_block("html", '{% extends "base.html" %}'))


@pytest.mark.slow
def test_an_older_refresh_from_before_mike_publishes_as_the_guide_says(tmp_path: Path) -> None:
    # A team's first refresh, committed before it set mike up: its commit has no
    # mkdocs.mike.yml. The guide's block brings today's files along and leaves no trace.
    repo = tmp_path / "playbook"
    _new_playbook_site(repo)
    book = repo / "specs" / "playbook.yml"
    book.write_text(re.sub(r"^refresh: \S+", "refresh: 2026-Q3", book.read_text(), flags=re.M))
    (repo / ".gitignore").write_text("site/\n")  # as the quick start says
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "2026-Q3")
    first = git(repo, "rev-parse", "HEAD").strip()
    book.write_text(book.read_text().replace("refresh: 2026-Q3", "refresh: 2026-Q4"))
    _mike_files(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "2026-Q4, published with mike")
    script = _guide_block("sh", "git checkout <sha>").replace("<sha>", first)
    who = {f"GIT_{role}_{part}": value for role in ("AUTHOR", "COMMITTER")
           for part, value in (("NAME", "RevOps"), ("EMAIL", "revops@example.com"))}
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env={**ENV, **who},
                          text=True, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    versions = json.loads(git(repo, "show", "gh-pages:versions.json"))
    assert versions == [{"version": "2026-Q3", "title": "2026-Q3", "aliases": []}]
    q3 = git(repo, "show", "gh-pages:2026-Q3/playbook/changelog/index.html")
    assert 'id="2026-q3"' in q3 and 'id="2026-q4"' not in q3
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert git(repo, "status", "--porcelain") == ""


@contextlib.contextmanager
def _served(repo: Repo, folder: Path) -> Iterator[str]:
    """The gh-pages branch served over HTTP, as GitHub Pages would."""
    archive = subprocess.run(["git", "-C", str(repo.path), "archive", "gh-pages"],
                             capture_output=True, check=True).stdout
    folder.mkdir()
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _dom(chromium: str, url: str) -> str:
    done = subprocess.run([chromium, *CHROMIUM_FLAGS, "--virtual-time-budget=10000",
                           "--dump-dom", url], capture_output=True, text=True, timeout=120,
                          check=False)
    return done.stdout


def _check_banner(dom: str, outdated: bool, selected: str) -> None:
    """Material un-hides the banner after reading versions.json: on every version but the
    default one; the version selector names the version being read."""
    banner = re.search(r'<div[^>]*data-md-component="outdated"[^>]*>', dom)
    assert banner is not None, dom[:500]
    assert ("hidden" not in banner.group(0)) is outdated, banner.group(0)
    assert "Go to the current refresh." in dom
    current = re.search(r'class="md-version__current"[^>]*>([^<]*)<', dom)
    assert current is not None and current.group(1).strip() == selected
