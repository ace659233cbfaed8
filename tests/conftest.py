"""Shared test set-up.

Headless Chromium (Debian's ``chromium`` package) is installed here when it is missing, once,
in the controlling process before xdist starts its workers: the browser tests run for real on a
fresh CI machine instead of being skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Material 9.7+ prints a MkDocs 2.0 banner to stderr; tests compare output.
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


def _install_chromium() -> None:
    if find_chromium() or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "poppler-utils"],
                   check=False, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        _install_chromium()


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of a headless-capable Chromium; fails (not skips) when none can be had."""
    path = find_chromium()
    if path is None:
        pytest.fail("Chromium is missing and could not be installed (apt-get install chromium)")
    return path
