"""The pre-commit hook in .pre-commit-hooks.yaml, run for real by pre-commit.

The hook repository is a fresh git repository holding this working tree's package (so the test
checks the code under test, committed or not); a second repository, the user's, uses it from
its .pre-commit-config.yaml. pre-commit builds the hook's environment with pip, which needs only
the package index.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import copy_tree

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "engine" / "minimal"
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def test_the_hook_definition_matches_the_command() -> None:
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "icp-docs-validate"
    assert hook["entry"] == "icp-docs validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["files"] == "^specs/"


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repo = tmp_path_factory.mktemp("hook") / "icp-docs"
    repo.mkdir()
    copy_tree(ROOT / "icp_docs", repo / "icp_docs",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml"):
        shutil.copy(ROOT / name, repo / name)
    readme = ROOT / "README.md"
    (repo / "README.md").write_text(readme.read_text() if readme.exists() else "# icp-docs\n")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hook")
    return repo, git(repo, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook's environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def _pre_commit(user: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=user,
                          env=env, capture_output=True, text=True, check=False, timeout=900)


@pytest.mark.slow
def test_pre_commit_runs_the_hook(hook_repo: tuple[Path, str], pre_commit_home: Path,
                                  tmp_path: Path) -> None:
    repo, rev = hook_repo
    user = tmp_path / "playbook"
    copy_tree(MINIMAL, user / "specs")
    config = {"repos": [{"repo": str(repo), "rev": rev, "hooks": [{"id": "icp-docs-validate"}]}]}
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    git(user, "init", "-q")
    git(user, "add", "-A")
    done = _pre_commit(user, pre_commit_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "icp-docs validate" in done.stdout and "Passed" in done.stdout

    seg = user / "specs" / "segments" / "payroll-ops.yml"
    seg.write_text(seg.read_text().replace("tier: 1", "tier: 9"))
    git(user, "add", "-A")
    done = _pre_commit(user, pre_commit_home)
    assert done.returncode == 1
    assert "Failed" in done.stdout
    assert ("specs/segments/payroll-ops.yml:4:7: error[E010]: tier: 9 is not one of 1, 2 or 3"
            in done.stdout)
    assert "Traceback" not in done.stdout + done.stderr


def _documented_config(repo: Path, rev: str, specs: str) -> dict[str, object]:
    """The .pre-commit-config.yaml of docs/commands.md, its commented options switched on."""
    page = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    [block] = [b for b in re.findall(r"^```yaml\n(.*?)^```$", page, re.M | re.S)
               if b.startswith("# .pre-commit-config.yaml")]
    text = re.sub(r"^(\s+)# (\w+: )", r"\1\2", block.replace("path/to/specs", specs),
                  flags=re.M)
    config = yaml.safe_load(text)
    config["repos"][0].update(repo=str(repo), rev=rev)
    return config  # type: ignore[no-any-return]


@pytest.mark.slow
def test_the_documented_options_check_a_specs_folder_elsewhere(
        hook_repo: tuple[Path, str], pre_commit_home: Path, tmp_path: Path) -> None:
    # The guide's `args: [--strict, path/to/specs]`, for a playbook kept in a sub-folder.
    repo, rev = hook_repo
    user = tmp_path / "gtm"
    copy_tree(MINIMAL, user / "playbook" / "specs")
    config = _documented_config(repo, rev, "playbook/specs")
    assert config["repos"][0]["hooks"][0]["args"] == ["--strict", "playbook/specs"]
    (user / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    seg = user / "playbook" / "specs" / "segments" / "payroll-ops.yml"
    seg.write_text(seg.read_text().replace("tier: 1", "tier: 9"))
    git(user, "init", "-q")
    git(user, "add", "-A")
    done = _pre_commit(user, pre_commit_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("playbook/specs/segments/payroll-ops.yml:4:7: error[E010]: tier: 9 is not one of "
            "1, 2 or 3") in done.stdout
