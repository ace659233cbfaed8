"""The YAML examples of docs/writing-specs.md validate when pasted.

The page's convention (stated on the page): the ``yaml`` examples under the ``playbook.yml``
section, pasted one after another in order, make one valid ``playbook.yml``; those under the
``segments/<id>.yml`` section make one valid segment file for it. Mistakes are never shown as
a ``yaml`` block. This test assembles both files from the page and runs the linter on them, so
an example that drifts from the format fails here rather than in a reader's editor.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import mkdocs_build

from icp_docs.cli import main
from icp_docs.diagnostics import format_all
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


# ---- What the other pages show, against what the tool does --------------------------------------
DOCS = ROOT / "docs"


def _page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _example_specs(root: Path) -> Path:
    """The page's two files, pasted together, in ``root/specs`` (the folder the guide uses)."""
    specs = root / "specs"
    (specs / "segments").mkdir(parents=True)
    (specs / "playbook.yml").write_text(assembled(PLAYBOOK_SECTION), encoding="utf-8")
    (specs / "segments" / "multi-entity-close.yml").write_text(assembled(SEGMENT_SECTION),
                                                               encoding="utf-8")
    return specs


def test_the_validate_output_the_guide_shows_is_what_validate_prints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # writing-specs.md and commands.md show `tier: 4` in the example segment, as text and JSON.
    specs = _example_specs(tmp_path)
    segment = specs / "segments" / "multi-entity-close.yml"
    segment.write_text(segment.read_text(encoding="utf-8").replace("tier: 1\n", "tier: 4\n", 1),
                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = check(Path("specs"), today=TODAY)
    [printed] = format_all(result.diagnostics).splitlines()
    for name in ("writing-specs.md", "commands.md"):
        shown = [line for line in _page(name).splitlines()
                 if line.strip().startswith("specs/segments/multi-entity-close.yml:5:")]
        assert shown and all(line.strip() == printed for line in shown), (name, printed)
    block = re.search(r"\$ icp-docs validate --format json\n(?P<json>.*?)\n\s*```",
                      _page("commands.md"), re.S)
    assert block is not None
    assert json.loads(block["json"]) == json.loads(format_all(result.diagnostics, "json"))


def test_the_lint_disable_example_is_valid_in_the_example_playbook(tmp_path: Path) -> None:
    [example] = [b for b in re.findall(r"^```yaml\n(.*?)^```$", _page("lint-rules.md"),
                                       re.M | re.S) if b.startswith("lint:")]
    specs = _example_specs(tmp_path)
    with (specs / "playbook.yml").open("a", encoding="utf-8") as playbook:
        playbook.write(example)
    result = check(specs, today=TODAY)
    assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
    assert result.playbook is not None
    assert result.playbook.spec.lint.disable  # the example's codes and names were read


def _override() -> str:
    [block] = re.findall(r"^```jinja\n(.*?)^```$", _page("templates.md"), re.M | re.S)
    return block  # type: ignore[no-any-return]


def _render_with(override: str, root: Path,
                 capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    templates = root / "overrides" / "icp"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "persona.md.jinja").write_text(override, encoding="utf-8")
    code = main(["render", "specs", "--out", "md", "--templates", "overrides/icp"])
    return code, capsys.readouterr().err


def test_the_template_override_example_renders_every_persona_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    _example_specs(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, err = _render_with(_override(), tmp_path, capsys)
    assert code == 0, err
    personas = tmp_path / "md" / "playbook" / "segments" / "multi-entity-close" / "personas"
    controller = (personas / "controller" / "index.md").read_text(encoding="utf-8")
    cfo = (personas / "cfo" / "index.md").read_text(encoding="utf-8")
    assert "# Corporate Controller\n\n**Champion** ·" in controller
    # The example's cfo has no department: no empty slot between two dots.
    assert "# Chief Financial Officer\n\n**Economic buyer** ·\n[" in cfo, cfo[:300]


def test_the_template_error_the_guide_quotes_is_what_the_tool_prints(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The guide's mistake: line 4 of the override loses one closing brace.
    quoted = re.search(r"`(overrides/icp/persona\.md\.jinja:4:[^`]*)`", _page("templates.md"))
    assert quoted is not None
    lines = _override().splitlines(keepends=True)
    assert lines[3] == "# {{ persona.title | inline }}\n"
    lines[3] = "# {{ persona.title | inline }\n"
    _example_specs(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, err = _render_with("".join(lines), tmp_path, capsys)
    assert code == 1
    assert f"icp-docs: {quoted[1]}" in err.splitlines(), err


@pytest.mark.slow
def test_the_quick_start_makes_a_project_that_builds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # index.md's console steps, run as written (mkdocs build standing in for mkdocs serve),
    # and its minimal mkdocs.yml.
    page = _page("index.md")
    steps = [line[2:].split("  #")[0].strip() for line in page.splitlines()
             if line.startswith("$ icp-docs ")]
    assert [s.split()[1] for s in steps] == ["new", "new", "schema", "validate"], steps
    [config] = [b for b in re.findall(r"^```yaml\n(.*?)^```$", page, re.M | re.S)
                if b.startswith("site_name:")]
    monkeypatch.chdir(tmp_path)
    for step in steps:
        assert main(shlex.split(step)[1:]) == 0, step
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Our ICP playbook\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    done = mkdocs_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    segment = tmp_path / "site" / "playbook" / "segments" / "multi-entity-close"
    assert (segment / "index.html").is_file() and (segment / "checklist" / "index.html").is_file()
