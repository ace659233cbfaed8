"""Shared test set-up.

Headless Chromium (Debian's ``chromium`` package), Poppler for the tests that look at
a printed page, and PostgreSQL (``postgresql``) are installed here when missing (as root,
with apt-get), once, in the controlling process before xdist starts its workers: the
browser and Postgres tests run for real on a fresh CI machine instead of being skipped.
``icp-docs checklists`` itself installs nothing: it says the command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from icp_docs.lint import Verdict, check, verdict
from icp_docs.printing.browser import CHROMIUM_ARGS, Printer, find_chromium, install_hint

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Material 9.7+ prints a MkDocs 2.0 banner to stderr; tests compare output.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

# A persona template override whose link leads nowhere: MkDocs warns once per persona page.
BROKEN_LINK_PERSONA = (
    '{% extends "_base/persona.md.jinja" %}\n'
    "{% block header %}{{ super() }}\n[Old notes](../../../../missing.md)\n{% endblock %}\n")

# The flags the checklists command starts Chromium with, plus --headless for direct runs.
CHROMIUM_FLAGS = ["--headless", *CHROMIUM_ARGS]


def copy_tree(src: Path, dst: Path, *, dirs_exist_ok: bool = False,
              ignore: object = None) -> None:
    """``shutil.copytree`` giving every file a fresh mtime.

    ``copytree`` keeps the source's mtimes, and in a fresh clone every fixture file has the same
    one: two versions of a file with equal size then look unchanged to git's stat cache (and to
    the spec cache), so a test repository would silently commit stale content.
    """
    shutil.copytree(src, dst, copy_function=shutil.copy, dirs_exist_ok=dirs_exist_ok,
                    ignore=ignore)  # type: ignore[arg-type]


def find_postgres() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), newest first."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0, reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _install_missing() -> None:
    """apt-get the system packages the tests drive for real, only those that are missing."""
    # Chromium prints and runs the browser tests; Poppler's pdftoppm (tests only: the product
    # never calls it) renders printed pages to images; PostgreSQL runs the Postgres dialect's
    # query. Any may be missing without the others.
    wanted = [package for package, found in (("chromium", find_chromium()),
                                             ("poppler-utils", shutil.which("pdftoppm")),
                                             ("postgresql", find_postgres()))
              if not found]
    if not wanted or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", *wanted], check=False, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        _install_missing()


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of a headless-capable Chromium; fails (not skips) when none can be had."""
    path = find_chromium()
    if path is None:
        pytest.fail(f"Chromium is missing and could not be installed: {install_hint()}")
    return path


@pytest.fixture(scope="session")
def printer(chromium: str) -> Iterator[Printer]:
    """One headless Chromium per test process, for printing and for the browser tests alike:
    Playwright's sync API cannot run two instances in one thread, nor start again there."""
    with Printer(chromium) as started:
        yield started


def assert_same_verdict(specs: Path, **options: Any) -> Verdict:
    """``icp-docs validate``'s way through a folder (:func:`verdict`) against the loader and
    linter the site uses (:func:`check`): the same diagnostics, files and broken ones."""
    whole = check(specs, **options)
    quick = verdict(specs, **options)
    assert quick == Verdict(whole.diagnostics, whole.files, tuple(whole.broken))
    return quick


def mkdocs_build(config: Path, site_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """A real ``mkdocs build`` of ``config`` into ``site_dir``, run from the config's folder."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir),
         *extra],
        cwd=config.parent, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site (sample playbook and user guide), built once per session
    (per xdist worker) outside the checkout; returns the site folder."""
    site = tmp_path_factory.mktemp("built_site") / "site"
    done = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr
    return site


@pytest.fixture
def minimal_specs(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/engine/minimal: a small, lint-clean playbook to break."""
    target = tmp_path / "specs"
    shutil.copytree(FIXTURES / "engine" / "minimal", target)
    return target
