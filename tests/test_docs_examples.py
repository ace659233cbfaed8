"""The YAML examples of docs/writing-specs.md validate when pasted.

The page's convention (stated on the page): the ``yaml`` examples under the ``playbook.yml``
section, pasted one after another in order, make one valid ``playbook.yml``; those under the
``segments/<id>.yml`` section make one valid segment file for it. Mistakes are never shown as
a ``yaml`` block. This test assembles both files from the page and runs the linter on them, so
an example that drifts from the format fails here rather than in a reader's editor.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
import yaml

from icp_docs.lint import check

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "writing-specs.md"
TODAY = dt.date(2026, 11, 16)  # two weeks after the example's reviewed_on

# The page's level-2 headings (without backticks) whose examples build each file.
PLAYBOOK_SECTION = "playbook.yml"
SEGMENT_SECTION = "segments/<id>.yml"

FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[\w-]*)\s*$")
HEADING = re.compile(r"^## (?P<title>.+?)\s*$")


def yaml_blocks(text: str) -> list[tuple[str, str]]:
    """Every ```yaml block of the page as (level-2 section title, dedented content), in order.

    Fences indented under a content tab (``=== "..."``) count too; headings inside a fence
    do not.
    """
    blocks: list[tuple[str, str]] = []
    section = ""
    lines = text.splitlines(keepends=True)
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence is None:
            heading = HEADING.match(line)
            if heading:
                section = heading["title"].replace("`", "")
            i += 1
            continue
        closing = fence["indent"] + "```"
        end = next(j for j in range(i + 1, len(lines)) if lines[j].rstrip() == closing)
        body = textwrap.dedent("".join(lines[i + 1:end]))
        if fence["lang"] == "yaml":
            blocks.append((section, body))
        i = end + 1
    return blocks


BLOCKS = yaml_blocks(PAGE.read_text(encoding="utf-8"))


def assembled(section: str) -> str:
    return "".join(body for title, body in BLOCKS if title == section)


def test_the_page_has_examples_for_both_file_kinds() -> None:
    playbook = [b for t, b in BLOCKS if t == PLAYBOOK_SECTION]
    segment = [b for t, b in BLOCKS if t == SEGMENT_SECTION]
    assert len(playbook) >= 2, [t for t, _ in BLOCKS]
    assert len(segment) >= 8, [t for t, _ in BLOCKS]
    # Not trivially small: a regex that found nothing, or a section renamed, must not pass.
    assert len(assembled(PLAYBOOK_SECTION).splitlines()) >= 25
    assert len(assembled(SEGMENT_SECTION).splitlines()) >= 60


@pytest.mark.parametrize(("section", "body"), BLOCKS,
                         ids=[f"{n}-{t}" for n, (t, _) in enumerate(BLOCKS)])
def test_each_yaml_example_parses_on_its_own(section: str, body: str) -> None:
    value = yaml.safe_load(body)
    if section in (PLAYBOOK_SECTION, SEGMENT_SECTION):
        assert isinstance(value, dict) and value, body


def test_the_examples_pasted_together_make_a_valid_playbook(tmp_path: Path) -> None:
    playbook = assembled(PLAYBOOK_SECTION)
    segment = assembled(SEGMENT_SECTION)
    segment_id = yaml.safe_load(segment)["id"]

    specs = tmp_path / "specs"
    (specs / "segments").mkdir(parents=True)
    (specs / "playbook.yml").write_text(playbook, encoding="utf-8")
    (specs / "segments" / f"{segment_id}.yml").write_text(segment, encoding="utf-8")

    result = check(specs, today=TODAY, cwd=specs)
    problems = [d.format() for d in result.diagnostics]
    assert result.ok and not problems, "\n".join(problems)
    assert result.playbook is not None and len(result.playbook.segments) == 1
