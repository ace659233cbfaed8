"""The user guide's Performance page is a summary a user can act on, and every figure it
gives comes from the benchmarks' notebook, bench/README.md (no figure made up on the way)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "performance.md"
NOTEBOOK = ROOT / "bench" / "README.md"
NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w])")


def _numbers(text: str) -> set[Decimal]:
    text = re.sub(r"(\d)x\b", r"\1", text)  # a ratio, 1.78x
    return {Decimal(n.replace(",", "")) for n in NUMBER.findall(text)}


def _rounded(value: Decimal, like: Decimal) -> Decimal:
    return value.quantize(like, rounding=ROUND_HALF_UP)


def test_the_page_is_a_short_summary_with_a_table_of_what_to_expect() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 80, "the measurements belong in bench/README.md"
    expect = text.split("## What to expect", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in expect.splitlines() if r.startswith("| `")]
    commands = {r.split("`")[1].split(":")[0] for r in rows}
    assert {"icp-docs validate --strict specs", "mkdocs build", "mkdocs serve",
            "mkdocs serve --dirty"} <= commands, commands
    for size in ("10 segments", "20 segments", "100 segments"):
        assert size in expect, size  # measured, or said not to be
    settings = text.split("## The settings that matter", 1)[1].split("\n## ", 1)[0]
    for setting in ("`mkdocs serve --dirty`", "`parallel`", "`history`"):
        assert f"| {setting}" in settings, setting


def test_every_figure_and_command_on_the_page_is_in_the_notebook() -> None:
    page = PAGE.read_text(encoding="utf-8")
    notebook = NOTEBOOK.read_text(encoding="utf-8")
    known = _numbers(notebook)
    dates = set(re.findall(r"\d{1,2} \w+ 20\d\d", page))
    assert dates <= set(re.findall(r"\d{1,2} \w+ 20\d\d", notebook)), dates
    page_figures = _numbers(re.sub(r"\d{1,2} \w+ 20\d\d", "", page))
    missing = sorted(str(n) for n in page_figures
                     if not any(_rounded(k, n) == n for k in known))
    assert missing == [], f"figures on the page that no benchmark printed: {missing}"
    for command in re.findall(r"^(python bench/\S+ [^#\n]*?)\s*(?:#.*)?$", page, re.M):
        assert command in notebook, command
