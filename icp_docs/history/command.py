"""``icp-docs diff BASE [HEAD]``: the semantic diff on the command line.

BASE and HEAD are spec folders (when such a folder exists) or git revisions of the repository
holding ``--specs``; HEAD defaults to the working tree. BASE may also be a range, as git reads
it: ``A..B`` compares A with B, ``A...B`` the merge base of A and B with B (what a pull request
from B into A changes). Exit codes: 0 compared (and nothing failed), 1 ``--exit-code`` or
``--fail-on`` found what they look for, or the specs on one side are invalid; 2 bad usage (an
unknown revision, not a git repository, no specs folder, an unknown impact).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ..cli import UsageError
from ..diagnostics import Diagnostic, format_all
from ..spec.load import LoadResult, Playbook, load_playbook
from .changes import Impact
from .git import (
    GitError,
    changed_paths,
    head_sha,
    is_folder,
    is_shallow,
    merge_base,
    resolve,
    spec_files,
    toplevel,
)
from .report import Failure, compare, render, render_failure
from .snapshot import at_commit, at_revision, load_commits

__all__ = ["run"]

# ``A..B`` or ``A...B``; git refs cannot hold "..", so this is never a branch name.
_RANGE = re.compile(r"(?P<left>.*?)(?P<dots>\.\.\.?)(?P<right>.*)")
_SHALLOW = ("This is a shallow clone, so earlier commits are not here: fetch them with "
            "`git fetch --unshallow` (or set `fetch-depth: 0` in actions/checkout).")


@dataclass(frozen=True)
class _Side:
    name: str  # as the reader should see it: a folder, "main (1a2b3c4)", "working tree"
    result: LoadResult
    empty: bool = False  # a revision with no file at all in the specs folder
    where: str = ""  # for a sentence: "at main (1a2b3c4)", "in the working tree"
    revision: bool = False  # read from git (not a folder, not the working tree)
    missing: bool = False  # a revision where the specs folder is not a folder at all

    @property
    def place(self) -> str:
        return self.where or f"at {self.name}"


@dataclass(frozen=True)
class _Repo:
    """The repository holding ``--specs``, and the specs folder's path inside it."""

    root: Path
    inside: str


def run(args: argparse.Namespace) -> int:
    """Run ``icp-docs diff``; returns the exit code."""
    fail_on = _impacts(args.fail_on)
    for name, given in (("BASE", args.base), ("HEAD", args.head)):
        if given is not None and not given.strip():
            # '' is no revision: git would read it as the working tree's specs' absence.
            raise UsageError(f"{name} is empty: give a git revision (origin/main, HEAD~1, a "
                             "tag) or a specs folder")
    base, head = _sides(args.base, args.head, args.specs)
    if head.missing and not (base.revision and not base.missing):
        # Neither side has the folder: a mistyped --specs, not specs that were all deleted.
        places = " or ".join(s.name for s in (base, head) if s.missing)
        raise UsageError(f"no specs folder '{args.specs}' at {places} (--specs DIR names the "
                         "folder holding playbook.yml)")
    old = None if base.empty else _valid(base)
    new = _valid(head)
    if base.empty and new is not None:
        # The change that adds the specs: everything in them is new.
        print(f"icp-docs: there are no specs {base.place}: every segment counts as added",
              file=sys.stderr)
        old = replace(new, segments=())
    if old is None or new is None:
        failed = [Failure("base", base.place, _errors(base))] if old is None else []
        failed += [Failure("head", head.place, _errors(head))] if new is None else []
        if args.format != "text":  # text: the errors are on stderr already
            print(render_failure(base.name, head.name, failed, args.format))
        return 1
    cmp = compare(old, new, base.name, head.name)
    print(render(cmp, args.format), flush=True)  # before --fail-on's line, in a shared log
    if fail_on and any(c.impact in fail_on for c in cmp.changes):
        hit = sorted({c.impact.label for c in cmp.changes if c.impact in fail_on})
        print(f"icp-docs: {', '.join(hit)} changes found (--fail-on)", file=sys.stderr)
        return 1
    return 1 if args.exit_code and cmp.changes else 0


def _impacts(values: list[str]) -> set[Impact]:
    try:
        return {Impact.parse(v) for value in values for v in value.split(",") if v.strip()}
    except ValueError as exc:
        raise UsageError(f"--fail-on: {exc}") from exc


def _sides(base: str, head: str | None, specs: str) -> tuple[_Side, _Side]:
    """BASE and HEAD as given, or the two ends of a range given as BASE."""
    span = _range(base)
    if span is None:
        return _side(base, specs), _side(head, specs) if head else _worktree(specs)
    left, dots, right = span
    if head:
        raise UsageError(f"'{base}' is already a range (BASE{dots}HEAD): give it alone, or "
                         "give BASE and HEAD without dots")
    repo = _repository(base, specs)
    if dots == "..":
        return _revision(repo, left), _revision(repo, right)
    try:
        tip = resolve(repo.root, right)
        common = merge_base(repo.root, resolve(repo.root, left), tip)
    except GitError as exc:
        raise _usage(repo, exc) from exc
    return (_revision(repo, common, f"merge base of {left} and {right} ({common[:7]})"),
            _revision(repo, right))


def _range(ref: str) -> tuple[str, str, str] | None:
    """``(A, dots, B)`` when ``ref`` is a range (an empty end is HEAD, as in git)."""
    match = _RANGE.fullmatch(ref)
    if match is None or Path(ref).is_dir() or ref.startswith(("/", "./", "../")):
        return None  # a folder (``../old/specs``) is never a range
    if match["right"].startswith("/"):
        return None
    return match["left"] or "HEAD", match["dots"], match["right"] or "HEAD"


def _side(ref: str, specs: str) -> _Side:
    folder = Path(ref)
    if folder.is_dir():
        return _Side(ref, load_playbook(folder))
    return _revision(_repository(ref, specs), ref)


def _repository(ref: str, specs: str) -> _Repo:
    root = toplevel(Path(specs).absolute())
    if root is None:
        raise UsageError(f"'{ref}' is no folder, and {os.path.abspath(specs)} is not inside a "
                         "git repository to read revisions from")
    inside = Path(os.path.relpath(Path(specs).absolute().resolve(), root)).as_posix()
    if inside.startswith("../"):
        raise UsageError(f"--specs {specs} is outside the git repository {root}")
    return _Repo(root, inside)


def _revision(repo: _Repo, ref: str, name: str | None = None) -> _Side:
    """The specs at a revision; ``name`` replaces the usual ``ref (sha)``."""
    try:
        sha = resolve(repo.root, ref)
        empty = not spec_files(repo.root, [sha], repo.inside)[sha]
        missing = not is_folder(repo.root, sha, repo.inside)
        result = load_commits(repo.root, [sha], repo.inside)[sha]
    except GitError as exc:
        raise _usage(repo, exc) from exc
    if name is None:
        name = ref if sha.startswith(ref) else f"{ref} ({sha[:7]})"
    at_head = sha == head_sha(repo.root)
    if result.diagnostics and not (at_head and not changed_paths(repo.root, [repo.inside])):
        # Lines of a revision's files exist in that revision only: say so, as git does. A
        # checkout of it, unedited (CI's `diff origin/main...HEAD`), keeps the plain paths,
        # so that GitHub's annotations land on their lines.
        shown = [replace(d, path=at_commit(sha, d.path)) for d in result.diagnostics]
        result = replace(result, diagnostics=shown)
    if result.playbook is not None and not at_head:
        # The changes placed in its files (what the other side removed) too; as the change
        # log names them, which cannot know of edits to come in the working tree.
        result = replace(result, playbook=at_revision(result.playbook, sha))
    return _Side(name, result, empty, revision=True, missing=missing)


def _usage(repo: _Repo, exc: GitError) -> UsageError:
    """A git failure as bad usage; in a shallow clone, the likely reason and its fix."""
    if is_shallow(repo.root):
        return UsageError(f"{exc}. {_SHALLOW}")
    return UsageError(str(exc))


def _worktree(specs: str) -> _Side:
    if not Path(specs).is_dir():
        raise UsageError(f"no specs folder '{specs}' in the working tree (use --specs DIR or "
                         "give HEAD)")
    return _Side("working tree", load_playbook(specs), where="in the working tree")


def _errors(side: _Side) -> list[Diagnostic]:
    return [d for d in side.result.diagnostics if d.severity == "error"]


def _valid(side: _Side) -> Playbook | None:
    errors = _errors(side)
    if not errors and side.result.playbook is not None:
        return side.result.playbook
    if errors:
        print(format_all(errors), file=sys.stderr)
    count = len(errors)
    print(f"icp-docs: cannot diff: the specs {side.place} have {count} "
          f"error{'s' * (count != 1)} (see `icp-docs validate`)", file=sys.stderr)
    return None
