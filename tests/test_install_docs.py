"""Every install command the README and the guide show can work: icp-docs is on no package
index, so it is installed from a clone (a path) or from a git URL, never by its bare name."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("README.md", "docs/index.md", "docs/printing.md", "docs/commands.md",
         "docs/history.md", "docs/publishing.md")
# A placeholder a reader must fill in is written <like-this>, never as an invented address.
PLACEHOLDER = re.compile(r"<[a-z][a-z -]*>")


def _pip_installs(text: str) -> list[list[str]]:
    """The arguments of every ``pip install`` in the page (code blocks and inline code)."""
    found = []
    for match in re.finditer(r"pip install ([^\n`#&|;]*)", text):
        found.append(shlex.split(match[1].strip()))
    return found


def _by_name(argument: str) -> bool:
    """Whether ``argument`` asks an index for icp-docs (not a path, not a direct URL)."""
    name = argument.split("[", 1)[0].strip()
    return name.lower() == "icp-docs" and "@" not in argument


@pytest.mark.parametrize("page", PAGES)
def test_icp_docs_is_installed_from_a_clone_or_git(page: str) -> None:
    installs = _pip_installs((ROOT / page).read_text(encoding="utf-8"))
    assert installs, f"{page} shows no install"
    asked = [" ".join(args) for args in installs if any(_by_name(a) for a in args)]
    assert asked == [], f"{page}: icp-docs is on no index, yet: {asked}"
    for args in installs:
        for url in (a.split("@", 1)[1].strip() for a in args if "@" in a):
            assert url.startswith("git+"), url
            assert PLACEHOLDER.search(url), f"{url}: not marked as a placeholder"


def test_the_quick_start_says_once_where_icp_docs_comes_from() -> None:
    text = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert start.count("not on PyPI") == 1
    assert "git clone" in start
    installs = _pip_installs(start)
    assert any(a.startswith("-e") or "/" in a for args in installs for a in args)
