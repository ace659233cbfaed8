"""The command line, run for real: validate (text, json, github), schema and new segment;
exit codes 0, 1 and 2; never a traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from icp_docs import cli
from icp_docs.diagnostics import Code

ROOT = Path(__file__).resolve().parent.parent
SEGMENT = Path("specs/segments/payroll-ops.yml")
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)"
                  r"\[(?P<code>[EW]\d{3})\]: (?P<rest>.+)$")


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "icp_docs", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.fixture
def broken(minimal_specs: Path) -> Path:
    """The minimal playbook with one error (tier) and one warning (no trigger)."""
    seg = minimal_specs / "segments" / "payroll-ops.yml"
    # Its own label: two labelled alike would be a second warning (W127).
    other = seg.read_text().replace("id: payroll-ops", "id: second").replace(
        "across several countries", "in one country").replace(
        "triggers:\n  - event: A new country of employment opened\n    strength: strong\n"
        "    window_days: 90\n", "")
    (minimal_specs / "segments" / "second.yml").write_text(other)
    edit(seg, "tier: 1", "tier: 4")
    return minimal_specs.parent


def test_the_sample_playbook_is_valid_under_strict() -> None:
    done = run(ROOT, "validate", "--strict", "specs")
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr.strip() == "specs: valid: 5 segments, 0 errors, 0 warnings"


def test_an_alternative_needs_no_note(minimal_specs: Path) -> None:
    # `note` is optional in the contract: a valid playbook failed with E012 when it had none.
    edit(minimal_specs / "segments" / "payroll-ops.yml", "triggers:\n",
         "alternatives:\n  - name: A contractor for the annual report\n"
         "  - name: Spreadsheets\n    note: one per country\ntriggers:\n")
    done = run(minimal_specs.parent, "validate", "--strict", "specs")
    assert (done.returncode, done.stdout) == (0, ""), done.stdout


def test_text_output_one_problem_a_line(broken: Path) -> None:
    done = run(broken, "validate", "specs")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    parsed = [LINE.match(line) for line in lines]
    assert all(parsed), lines
    assert [(m["path"], m["line"], m["col"], m["code"]) for m in parsed if m] == [
        ("specs/segments/payroll-ops.yml", "4", "7", "E010"),
        ("specs/segments/second.yml", "1", "1", "W104")]
    assert lines[0].endswith("error[E010]: tier: 4 is not one of 1, 2 or 3")
    assert "invalid: 2 segments (1 with errors), 1 error, 1 warning" in done.stderr


def test_json_output_is_a_list_of_diagnostics(broken: Path) -> None:
    done = run(broken, "validate", "--format", "json", "specs")
    assert done.returncode == 1
    items = json.loads(done.stdout)
    assert [(i["path"], i["line"], i["column"], i["code"], i["rule"], i["severity"], i["field"])
            for i in items] == [
        (str(SEGMENT), 4, 7, "E010", "wrong-value", "error", "tier"),
        ("specs/segments/second.yml", 1, 1, "W104", "no-trigger", "warning", "triggers")]
    assert all(isinstance(i["message"], str) and i["message"] for i in items)
    clean = run(ROOT, "validate", "--format", "json", "specs")
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])


def test_github_output_annotates_the_lines(broken: Path) -> None:
    done = run(broken, "validate", "--format", "github", "specs")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        "::error file=specs/segments/payroll-ops.yml,line=4,col=7,title=E010 wrong-value::"
        "tier: 4 is not one of 1, 2 or 3",
        "::warning file=specs/segments/second.yml,line=1,col=1,title=W104 no-trigger::"
        "triggers: no trigger events: name what makes them buy now (a new executive, a funding "
        "round, a regulatory deadline)",
    ]


def test_strict_makes_warnings_fail_and_rules_switch_off(broken: Path) -> None:
    edit(broken / SEGMENT, "tier: 4", "tier: 1")
    assert run(broken, "validate", "specs").returncode == 0
    assert run(broken, "validate", "--strict", "specs").returncode == 1
    for name in ("W104", "no-trigger"):
        done = run(broken, "validate", "--strict", "--disable", name, "specs")
        assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize(("args", "message"), [
    (["validate", "--bogus"], "unrecognized arguments: --bogus"),
    (["validate", "specs/playbook.yml"], "specs/playbook.yml: not a folder"),
    (["validate", "nowhere"], "nowhere: no such folder"),
    (["validate", "--disable", "W999", "specs"], "--disable W999: not a lint rule"),
    (["validate", "--disable", "E001", "specs"], "errors cannot be switched off"),
    (["validate", "--format", "xml", "specs"], "invalid choice: 'xml'"),
    (["new", "segment", "Bad_Id"], "'Bad_Id' is not a valid id"),
    ([], "the following arguments are required: COMMAND"),
])
def test_bad_usage_exits_2(minimal_specs: Path, args: list[str], message: str) -> None:
    done = run(minimal_specs.parent, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_validate_outside_a_playbook_says_how_to_find_or_start_one(tmp_path: Path) -> None:
    """A first run in the wrong folder, or before `icp-docs new playbook`, is the commonest
    mistake of a new team: the message says where to go next, as `new segment`'s does."""
    done = run(tmp_path, "validate")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "icp-docs: error: specs: no such folder; run this where the specs folder is, give "
        "its path (`icp-docs validate path/to/specs`), or start one with "
        "`icp-docs new playbook`\n")


def test_every_option_is_explained_in_help() -> None:
    """`icp-docs COMMAND --help` is where the guide sends a reader for a command's options:
    none may be listed without saying what it does."""
    import argparse

    def commands(parser: argparse.ArgumentParser,
                 name: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            yield name, parser
        for sub in subs:
            for child, p in sub.choices.items():
                yield from commands(p, f"{name} {child}".strip())

    bare = [f"{name}: {action.dest}" for name, parser in commands(cli._parser(), "")
            for action in parser._actions
            if not isinstance(action, argparse._HelpAction) and not action.help]
    assert bare == []


def test_the_console_script_and_version() -> None:
    exe = shutil.which("icp-docs") or str(Path(sys.executable).parent / "icp-docs")
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and re.fullmatch(r"icp-docs \d+\.\d+\.\d+\n", done.stdout)


def test_schema_prints_or_writes_and_never_overwrites_a_user_file(tmp_path: Path) -> None:
    done = run(tmp_path, "schema")
    assert done.returncode == 0
    assert set(json.loads(done.stdout)) == {"playbook", "segment"}
    done = run(tmp_path, "schema", "--out", "out")
    assert done.returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "playbook.schema.json", "segment.schema.json"]
    assert run(tmp_path, "schema", "--out", "out").returncode == 0  # its own files: refreshed
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "segment.schema.json").write_text("{}\n")
    done = run(tmp_path, "schema", "--out", "mine")
    assert done.returncode == 1 and "not overwriting" in done.stderr
    assert (mine / "segment.schema.json").read_text() == "{}\n"
    assert not (mine / "playbook.schema.json").exists()


def test_schema_never_overwrites_a_generated_file_the_user_edited(tmp_path: Path) -> None:
    assert run(tmp_path, "schema", "--out", "out").returncode == 0
    segment = tmp_path / "out" / "segment.schema.json"
    edited = segment.read_text().replace('"title": "SegmentSpec"', '"title": "Ours"', 1)
    assert edited != segment.read_text()
    segment.write_text(edited)
    done = run(tmp_path, "schema", "--out", "out")
    assert done.returncode == 1
    assert "was edited since icp-docs wrote it; not overwriting it (--force" in done.stderr
    assert segment.read_text() == edited
    assert run(tmp_path, "schema", "--out", "out", "--force").returncode == 0
    assert segment.read_text() != edited
    assert run(tmp_path, "schema", "--out", "out").returncode == 0


def test_new_segment_is_valid_with_only_placeholder_warnings(minimal_specs: Path) -> None:
    cwd = minimal_specs.parent
    done = run(cwd, "new", "segment", "fresh-start")
    assert done.returncode == 0
    assert done.stdout.strip() == "created specs/segments/fresh-start.yml"
    check = run(cwd, "validate", "--format", "json", "specs")
    assert check.returncode == 0, check.stdout
    found = json.loads(check.stdout)
    assert found and {i["rule"] for i in found} == {"placeholder"}
    assert {i["path"] for i in found} == {"specs/segments/fresh-start.yml"}
    assert run(cwd, "validate", "--strict", "specs").returncode == 1


def test_new_playbook_starts_a_specs_folder_from_nothing(tmp_path: Path) -> None:
    # A newcomer's first steps, in an empty folder.
    done = run(tmp_path, "new", "segment", "first")
    assert done.returncode == 2 and "icp-docs new playbook" in done.stderr
    assert run(tmp_path, "new", "playbook").returncode == 0
    assert run(tmp_path, "new", "segment", "first").returncode == 0
    check = run(tmp_path, "validate", "--format", "json")
    assert check.returncode == 0, check.stdout + check.stderr
    assert {i["rule"] for i in json.loads(check.stdout)} == {"placeholder"}
    book = tmp_path / "specs" / "playbook.yml"
    mine = book.read_text().replace("TODO what we sell", "Mine")
    book.write_text(mine)
    again = run(tmp_path, "new", "playbook")
    assert again.returncode == 1 and "already exists" in again.stderr
    assert book.read_text() == mine
    (tmp_path / "a-file").write_text("")
    assert run(tmp_path, "new", "playbook", "--specs", "a-file").returncode == 2


@pytest.mark.parametrize("segment_id", ["123", "true", "null", "0x1f"])
def test_new_segment_quotes_an_id_yaml_would_read_as_no_text(minimal_specs: Path,
                                                             segment_id: str) -> None:
    cwd = minimal_specs.parent
    assert run(cwd, "new", "segment", segment_id).returncode == 0
    check = run(cwd, "validate", "--format", "json", "specs")
    assert check.returncode == 0, check.stdout
    assert {i["rule"] for i in json.loads(check.stdout)} == {"placeholder"}


def test_new_playbook_refuses_a_file_where_a_folder_goes(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "segments").write_text("mine")
    done = run(tmp_path, "new", "playbook")
    assert done.returncode == 2 and "a file where the specs need a folder" in done.stderr
    assert not (tmp_path / "specs" / "playbook.yml").exists()


@pytest.mark.parametrize("existing", ["fresh-start.yml", "fresh-start.yaml"])
def test_new_segment_never_overwrites(minimal_specs: Path, existing: str) -> None:
    target = minimal_specs / "segments" / existing
    target.write_text("id: fresh-start  # mine\n")
    done = run(minimal_specs.parent, "new", "segment", "fresh-start")
    assert done.returncode == 1 and "already exists" in done.stderr
    assert target.read_text() == "id: fresh-start  # mine\n"
    assert len(list((minimal_specs / "segments").glob("fresh-start.*"))) == 1


def test_new_segment_refuses_a_file_where_segments_go(minimal_specs: Path) -> None:
    shutil.rmtree(minimal_specs / "segments")
    (minimal_specs / "segments").write_text("mine")
    done = run(minimal_specs.parent, "new", "segment", "fresh")
    assert done.returncode == 2, done.stderr
    assert "specs/segments: a file where the specs need a folder" in done.stderr
    assert "Errno" not in done.stderr
    assert (minimal_specs / "segments").read_text() == "mine"


def test_new_segment_names_a_link_in_the_way(minimal_specs: Path) -> None:
    # A link that leads nowhere is a file of that name too: never written through.
    link = minimal_specs / "segments" / "fresh.yml"
    link.symlink_to("elsewhere.yml")
    done = run(minimal_specs.parent, "new", "segment", "fresh")
    assert done.returncode == 1
    assert done.stderr == "icp-docs: specs/segments/fresh.yml already exists; not " \
        "overwriting it\n"
    assert link.is_symlink() and not (minimal_specs / "segments" / "elsewhere.yml").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["nl-id\n"], "is not a valid id"),  # `$` alone would let a final newline through
    (["Bad-Id"], "is not a valid id"),
    # An id that starts with "-" is no option: it gets the id message, not "ID is required".
    (["-foo"], "'-foo' is not a valid id: use lowercase letters"),
    (["--foo"], "'--foo' is not a valid id: use lowercase letters"),
    (["-foo", "--specs", "specs"], "'-foo' is not a valid id: use lowercase letters"),
    (["--specs", "specs", "-x"], "'-x' is not a valid id: use lowercase letters"),
    (["-5"], "'-5' is not a valid id: use lowercase letters"),
    (["UPPER"], "'UPPER' is not a valid id: use lowercase letters"),
    (["two words"], "'two words' is not a valid id: use lowercase letters"),
    ([], "give the segment id"),
    (["fresh", "-foo"], "unrecognized arguments: -foo"),
    (["fresh", "--specs", "nowhere"], "nowhere: no such folder"),
    (["fresh", "--specs", "specs/playbook.yml"], "specs/playbook.yml: not a folder"),
])
def test_new_segment_refuses_bad_usage(minimal_specs: Path, args: list[str], said: str) -> None:
    before = sorted(p.name for p in (minimal_specs / "segments").iterdir())
    done = run(minimal_specs.parent, "new", "segment", *args)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert done.stdout == "" and "required" not in done.stderr
    assert sorted(p.name for p in (minimal_specs / "segments").iterdir()) == before
    assert not (minimal_specs.parent / "nowhere").exists()


@pytest.mark.parametrize(("args", "said"), [
    (["render", "nowhere", "--out", "site-md"], "nowhere: no such folder"),
    (["render", "specs/playbook.yml", "--out", "site-md"], "specs/playbook.yml: not a folder"),
    (["render", "specs", "--out", "specs/playbook.yml"], "--out specs/playbook.yml: a file"),
    (["render", "specs", "--out", "site-md", "--prefix", "../up"], "--prefix: prefix '../up'"),
    (["render", "specs", "--out", "site-md", "--prefix", "/abs/path"],
     "--prefix /abs/path is absolute"),
    (["schema", "--out", "specs/playbook.yml"], "--out specs/playbook.yml: a file"),
    (["schema", "--out", "specs/playbook.yml/sub"],
     "--out specs/playbook.yml/sub: specs/playbook.yml is a file, not a folder"),
    (["render", "specs", "--out", "specs/playbook.yml/sub"],
     "--out specs/playbook.yml/sub: specs/playbook.yml is a file, not a folder"),
    (["schema", "--out", ""], "--out: give the folder to write into"),
])
def test_bad_usage_of_render_and_schema_exits_2(minimal_specs: Path, args: list[str],
                                                said: str) -> None:
    before = (minimal_specs / "playbook.yml").read_bytes()
    done = run(minimal_specs.parent, *args)
    assert done.returncode == 2 and said in done.stderr, done.stderr
    assert (minimal_specs / "playbook.yml").read_bytes() == before
    assert not (minimal_specs.parent / "site-md").exists()


def test_an_internal_error_is_one_line_not_a_traceback(
        minimal_specs: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def broken_verdict(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("icp_docs.lint.verdict", broken_verdict)
    monkeypatch.delenv("ICP_DOCS_DEBUG", raising=False)
    assert cli.main(["validate", str(minimal_specs)]) == 3
    err = capsys.readouterr().err
    assert err.startswith("icp-docs: internal error: RuntimeError: boom") and "Traceback" not in err
    monkeypatch.setenv("ICP_DOCS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        cli.main(["validate", str(minimal_specs)])


def test_every_error_code_is_documented() -> None:
    page = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    for code in Code:
        if code.severity == "error":
            assert f"| `{code.value}` | `{code.slug}` |" in page, code


def test_github_annotations_name_files_from_the_repository_root(broken: Path) -> None:
    # A CI job with `working-directory: gtm`: GitHub still reads `file=` from the root.
    repo = broken.parent / "repo"
    (repo / "gtm").mkdir(parents=True)
    (broken / "specs").rename(repo / "gtm" / "specs")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    done = run(repo / "gtm", "validate", "specs", "--format", "github")
    assert [line.split(",")[0] for line in done.stdout.splitlines()] == [
        "::error file=gtm/specs/segments/payroll-ops.yml",
        "::warning file=gtm/specs/segments/second.yml"]
    text = run(repo / "gtm", "validate", "specs")  # the text lines stay as typed
    assert text.stdout.startswith("specs/segments/payroll-ops.yml:4:7:")


def test_the_program_flushes_its_output_before_its_quick_exit(broken: Path) -> None:
    # `icp-docs` ends with os._exit, skipping the interpreter's teardown: everything printed
    # must still arrive, through a pipe too, and the exit code must be main()'s.
    exe = Path(sys.executable).parent / "icp-docs"
    done = subprocess.run([str(exe), "validate", "specs", "--format", "json"], cwd=broken,
                          capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 1
    assert [d["code"] for d in json.loads(done.stdout)] == ["E010", "W104"]
    assert done.stderr == "specs: invalid: 2 segments (1 with errors), 1 error, 1 warning\n"


def test_the_program_leaves_pydantic_plugins_out_unless_asked(broken: Path,
                                                              tmp_path: Path) -> None:
    # A real plugin, registered through an installed package's entry point: pydantic loads it
    # when it builds the first model, unless PYDANTIC_DISABLE_PLUGINS says not to.
    site = tmp_path / "site"
    (site / "spy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "spy_plugin-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (site / "spy_plugin-1.0.dist-info" / "entry_points.txt").write_text(
        "[pydantic]\nspy = spy_plugin:plugin\n")
    marker = tmp_path / "loaded"
    (site / "spy_plugin.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "class _Plugin:\n"
        "    def new_schema_validator(self, *args, **kwargs):\n"
        "        return None, None, None\n"
        "plugin = _Plugin()\n")
    exe = Path(sys.executable).parent / "icp-docs"

    def validate(**env: str) -> None:
        environ = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
        done = subprocess.run([str(exe), "validate", "specs"], cwd=broken, check=False,
                              env={**environ, "PYTHONPATH": str(site), **env},
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 1, done.stderr  # the fixture's error, found either way
        assert "E010" in done.stdout

    validate()
    assert not marker.exists()
    validate(PYDANTIC_DISABLE_PLUGINS="")  # set, and empty: every plugin comes back
    assert marker.exists()


def test_the_summary_comes_after_the_lines_in_one_log(broken: Path) -> None:
    # CI logs and `2>&1` put both streams in one pipe: the summary must close the log. Python
    # buffers standard output to a pipe unless PYTHONUNBUFFERED is set, as it is in some shells.
    exe = Path(sys.executable).parent / "icp-docs"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    done = subprocess.run([str(exe), "validate", "specs"], cwd=broken, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False, timeout=120,
                          env=env)
    lines = done.stdout.splitlines()
    assert [line.split(": ")[1] for line in lines[:-1]] == ["error[E010]", "warning[W104]"]
    assert lines[-1] == "specs: invalid: 2 segments (1 with errors), 1 error, 1 warning"


def test_render_warns_of_a_templates_folder_that_does_not_exist(minimal_specs: Path) -> None:
    done = run(minimal_specs.parent, "render", "specs", "--out", "md", "--templates", "ovr")
    assert done.returncode == 0, done.stderr
    assert "icp-docs: warning: --templates: templates folder ovr does not exist" in done.stderr
    done = run(minimal_specs.parent, "render", "specs", "--out", "md2")
    assert "templates folder" not in done.stderr
