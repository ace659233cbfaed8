"""``icp-docs diff`` on real git repositories: ranges, shallow clones, a mistyped ``--specs``,
and invalid specs reported in the chosen format, at the revision that holds them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import copy_tree
from fixtures.history.repo import git

HISTORY = Path(__file__).resolve().parent / "fixtures" / "history"
SEG = "specs/segments/multi-entity-close.yml"


def _diff(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "icp_docs", "diff", *args], cwd=repo, text=True,
                          capture_output=True, check=False)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def _commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def _specs(repo: Path, version: str) -> None:
    copy_tree(HISTORY / version / "specs", repo / "specs", dirs_exist_ok=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main: v1, then v3 (two commits with specs)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "README.md").write_text("# Playbook\n")
    _specs(path, "v1")
    _commit(path, "v1")
    _specs(path, "v3")
    _commit(path, "v3")
    return path


def _changes(done: subprocess.CompletedProcess[str]) -> list[dict[str, object]]:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["changes"]  # type: ignore[no-any-return]


def test_a_shallow_clone_says_how_to_fetch_the_history(repo: Path, tmp_path: Path) -> None:
    assert "shallow clone" not in _diff(repo, "HEAD~5").stderr  # a full clone: just unknown
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
                   check=True, capture_output=True)
    for rev in ("HEAD~1", "1234567"):
        done = _diff(shallow, rev)
        assert done.returncode == 2
        assert f"unknown revision '{rev}'" in done.stderr
        assert "This is a shallow clone, so earlier commits are not here" in done.stderr
        assert "git fetch --unshallow" in done.stderr and "fetch-depth: 0" in done.stderr


def test_ranges_read_as_git_reads_them(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "feature", "HEAD~1")  # feature starts from v1
    book = repo / "specs" / "playbook.yml"
    book.write_text(book.read_text().replace("refresh: 2026-Q2", "refresh: 2026-Q3"))
    _commit(repo, "feature: bump the refresh")
    git(repo, "checkout", "-q", "main")
    # A...B: from the merge base (v1) to the branch: only the branch's own change, as a pull
    # request shows it, not v3's changes that main has since.
    done = _diff(repo, "main...feature", "--format", "json")
    changes = _changes(done)
    assert [c["path"] for c in changes] == ["refresh"]
    data = json.loads(done.stdout)
    fork = git(repo, "merge-base", "main", "feature")[:7]
    assert data["base"] == f"merge base of main and feature ({fork})"
    assert data["head"].startswith("feature (")
    # A..B: the two ends themselves, the same as giving them apart.
    assert _changes(_diff(repo, "main..feature", "--format", "json")) == \
        _changes(_diff(repo, "main", "feature", "--format", "json"))
    assert len(_changes(_diff(repo, "main..feature", "--format", "json"))) > 1
    # An empty end is HEAD, as in git.
    assert _changes(_diff(repo, "HEAD~1..", "--format", "json")) == \
        _changes(_diff(repo, "HEAD~1", "HEAD", "--format", "json"))


def test_a_range_and_a_head_is_bad_usage(repo: Path) -> None:
    done = _diff(repo, "main~1...main", "main")
    assert done.returncode == 2
    assert "'main~1...main' is already a range" in done.stderr


@pytest.mark.parametrize("args", [[""], ["  "], ["HEAD~1", ""]])
def test_an_empty_revision_is_bad_usage(repo: Path, args: list[str]) -> None:
    done = _diff(repo, *args)
    assert done.returncode == 2, done.stderr
    assert "is empty: give a git revision" in done.stderr and "have 1 error" not in done.stderr


def test_a_range_without_common_history_is_bad_usage(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "other")
    _commit(repo, "unrelated")
    done = _diff(repo, "main...other")
    assert done.returncode == 2 and "no commit in common" in done.stderr


@pytest.mark.parametrize("specs", ["nonexist", "README.md"])
def test_a_specs_folder_at_neither_revision_is_bad_usage(repo: Path, specs: str) -> None:
    done = _diff(repo, "HEAD~1", "HEAD", "--specs", specs)
    assert done.returncode == 2, done.stderr
    assert f"no specs folder '{specs}' at HEAD~1 (" in done.stderr
    assert ") or HEAD (" in done.stderr
    assert "no playbook.yml" not in done.stderr


def test_specs_deleted_at_head_are_still_an_error_of_the_specs(repo: Path) -> None:
    git(repo, "rm", "-q", "-r", "specs")
    _commit(repo, "drop the specs")
    done = _diff(repo, "HEAD~1", "HEAD")
    assert done.returncode == 1 and "no playbook.yml" in done.stderr


@pytest.fixture
def broken(repo: Path) -> tuple[Path, str]:
    """A commit whose segment has a YAML error on a line the working tree does not have."""
    seg = repo / SEG
    lines = len(seg.read_text().splitlines())
    seg.write_text(seg.read_text() + "extra: [unclosed, `inject` <b>x</b>\n")
    sha = _commit(repo, "broken")
    _specs(repo, "v3")  # the working tree is fixed again, and shorter
    assert len(seg.read_text().splitlines()) == lines
    return repo, sha[:7]


def test_errors_at_a_revision_point_into_that_revision(broken: tuple[Path, str]) -> None:
    repo, sha = broken
    done = _diff(repo, "HEAD~1", "HEAD")
    assert done.returncode == 1 and done.stdout == ""
    assert f"\n{sha}:{SEG}:" in "\n" + done.stderr  # git's rev:path, as `git show` takes it
    assert f"cannot diff: the specs at HEAD ({sha}) have 1 error" in done.stderr
    (repo / SEG).write_text((repo / SEG).read_text() + "extra: [\n")
    done = _diff(repo, "HEAD~1")  # the working tree: its own files, and a sentence
    assert done.returncode == 1
    assert f"\n{SEG}:" in "\n" + done.stderr
    assert "cannot diff: the specs in the working tree have 1 error" in done.stderr


def test_errors_in_json(broken: tuple[Path, str]) -> None:
    repo, sha = broken
    done = _diff(repo, "HEAD~1", "HEAD", "--format", "json")
    assert done.returncode == 1
    assert "cannot diff" in done.stderr
    data = json.loads(done.stdout)
    assert data["compared"] is False and "changes" not in data
    assert data["head"] == f"HEAD ({sha})"
    [error] = data["errors"]
    assert error["side"] == "head" and error["code"] == "E001" and error["severity"] == "error"
    assert error["path"] == f"{sha}:{SEG}" and error["line"] > 1 and error["column"] > 0
    assert {"field", "message", "rule"} <= set(error)


def test_errors_as_github_annotations(broken: tuple[Path, str]) -> None:
    repo, sha = broken
    done = _diff(repo, "HEAD~1", "HEAD", "--format", "github")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"::error file={sha}%3A{SEG},line=")
    assert lines[-1].startswith("::error title=ICP diff ")
    assert lines[-1].endswith(f"::cannot diff: the specs at HEAD ({sha}) have 1 error")


def test_errors_at_the_checked_out_revision_keep_their_paths(broken: tuple[Path, str]) -> None:
    # CI checks the pull request out and runs `diff origin/main...HEAD`: HEAD's lines are the
    # working tree's, so the annotations must name the files themselves to land on them.
    repo, sha = broken
    git(repo, "checkout", "-q", "--", "specs")
    done = _diff(repo, "HEAD~1", "HEAD", "--format", "github")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith(f"::error file={SEG},line=")
    assert f"{sha}:" not in _diff(repo, "HEAD~1", "HEAD").stderr


def test_errors_in_the_pull_request_comment(broken: tuple[Path, str]) -> None:
    repo, sha = broken
    done = _diff(repo, "HEAD~1", "HEAD", "--format", "markdown")
    assert done.returncode == 1
    out = done.stdout
    assert out.startswith("### ICP changes: ")
    assert f"**Not compared**: the specs at HEAD ({sha}) have 1 error" in out
    assert f"- <code>{sha}&#58;{SEG.replace('_', '&#95;')}&#58;" in out
    assert "E001" in out
    assert "<b>" not in out and "`inject`" not in out  # a spec cannot inject into the comment


def _workflow_step(name: str) -> dict[str, str]:
    """A step of the pull-request workflow that docs/history.md gives to copy."""
    page = (Path(__file__).resolve().parent.parent / "docs" / "history.md").read_text()
    [block] = [b for b in re.findall(r"^```yaml\n(.*?)^```$", page, re.M | re.S)
               if b.startswith("# .github/workflows/icp-diff.yml")]
    steps = yaml.safe_load(block)["jobs"]["icp-diff"]["steps"]
    [step] = [s for s in steps if s.get("name") == name or s.get("uses", "").startswith(name)]
    return step  # type: ignore[no-any-return]


def _run_step(repo: Path, step: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` block as GitHub runs it (bash -e), on a pull request into main."""
    script = step["run"].replace("${{ github.base_ref }}", "main")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return subprocess.run(["bash", "-e", "-c", script], cwd=repo, text=True,
                          env={**os.environ, "PATH": path}, capture_output=True, check=False)


def test_the_pull_request_workflow_comments_and_annotates_even_on_errors(repo: Path) -> None:
    # CI's checkout: the base branch as origin/main, the pull request in the working tree.
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD~1")
    step = _workflow_step("Semantic diff")
    done = _run_step(repo, step)
    assert done.returncode == 0, done.stderr
    assert (repo / "icp-diff.md").read_text().startswith("### ICP changes: ")
    assert done.stdout.startswith("::") and "::warning file=specs/" in done.stdout
    seg = repo / SEG
    seg.write_text(seg.read_text().replace("tier: 1", "tier: 7", 1))
    done = _run_step(repo, step)
    assert done.returncode == 1  # the pull request's specs have errors: the check fails...
    assert "**Not compared**" in (repo / "icp-diff.md").read_text()  # ...the comment says why
    assert f"::error file={SEG},line=" in done.stdout  # ...and the lines are annotated
    comment = _workflow_step("marocchino/sticky-pull-request-comment")
    assert "!cancelled()" in comment.get("if", "")  # posted after a failed diff step too


def test_what_was_removed_points_into_the_revision_that_had_it(repo: Path) -> None:
    # A removed criterion's line exists only in the base revision, and a removed segment's
    # file is gone: named as git names a file at a revision (as errors are), the place opens
    # with `git show` instead of landing on another line of the working tree's file.
    base = git(repo, "rev-parse", "--short=7", "HEAD~1")
    (repo / "specs" / "segments" / "usage-billing.yml").unlink()
    done = _diff(repo, "HEAD~1")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    [criterion] = [x for x in lines if "criterion 'timeline' removed" in x]
    assert criterion.startswith(f"{base}:{SEG}:")
    line = int(criterion.split(":")[2])
    old = git(repo, "show", f"{base}:{SEG}").splitlines()
    assert "- id: timeline" in old[line - 1]
    [segment] = [x for x in lines if "segment removed" in x]
    assert segment.startswith(f"{base}:specs/segments/usage-billing.yml:")
    # What the working tree (HEAD, checked out) holds keeps its plain path.
    assert any(x.startswith(f"{SEG}:") and "[breaking]" in x for x in lines)
    changes = _changes(_diff(repo, "HEAD~1", "--format", "json"))
    assert {c["file"] for c in changes if str(c["kind"]).endswith("removed")} == \
        {f"{base}:{SEG}", f"{base}:specs/segments/usage-billing.yml"}
    # GitHub annotates the pull request's files: a removed criterion still goes on the new
    # file, where its list is.
    github = _diff(repo, "HEAD~1", "--format", "github").stdout.splitlines()
    [annotation] = [x for x in github if "criterion 'timeline' removed" in x]
    assert annotation.startswith(f"::warning file={SEG},line=")
