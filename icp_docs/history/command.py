"""``icp-docs diff BASE [HEAD]``: the semantic diff on the command line.

BASE and HEAD are spec folders (when such a folder exists) or git revisions of the repository
holding ``--specs``; HEAD defaults to the working tree. Exit codes: 0 compared (and nothing
failed), 1 ``--exit-code`` or ``--fail-on`` found what they look for, or the specs on one side
are invalid; 2 bad usage (an unknown revision, not a git repository, an unknown impact).
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ..cli import UsageError
from ..diagnostics import format_all
from ..spec.load import LoadResult, Playbook, load_playbook
from .changes import Impact
from .git import GitError, resolve, spec_files, toplevel
from .report import compare, render
from .snapshot import load_commits

__all__ = ["run"]


@dataclass(frozen=True)
class _Side:
    name: str  # as the reader should see it: a folder, "main (1a2b3c4)", "working tree"
    result: LoadResult
    empty: bool = False  # a revision with no file at all in the specs folder


def run(args: argparse.Namespace) -> int:
    """Run ``icp-docs diff``; returns the exit code."""
    fail_on = _impacts(args.fail_on)
    base = _side(args.base, args.specs)
    head = _side(args.head, args.specs) if args.head else _worktree(args.specs)
    old = None if base.empty else _valid(base)
    new = _valid(head)
    if base.empty and new is not None:
        # The change that adds the specs: everything in them is new.
        print(f"icp-docs: there are no specs at {base.name}: every segment counts as added",
              file=sys.stderr)
        old = replace(new, segments=())
    if old is None or new is None:
        return 1
    cmp = compare(old, new, base.name, head.name)
    print(render(cmp, args.format))
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


def _side(ref: str, specs: str) -> _Side:
    folder = Path(ref)
    if folder.is_dir():
        return _Side(ref, load_playbook(folder))
    root = toplevel(Path(specs).absolute())
    if root is None:
        raise UsageError(f"'{ref}' is no folder, and {os.path.abspath(specs)} is not inside a "
                         "git repository to read revisions from")
    inside = Path(os.path.relpath(Path(specs).absolute().resolve(), root)).as_posix()
    if inside.startswith("../"):
        raise UsageError(f"--specs {specs} is outside the git repository {root}")
    try:
        sha = resolve(root, ref)
        empty = not spec_files(root, [sha], inside)[sha]
        result = load_commits(root, [sha], inside)[sha]
    except GitError as exc:
        raise UsageError(str(exc)) from exc
    return _Side(ref if sha.startswith(ref) else f"{ref} ({sha[:7]})", result, empty)


def _worktree(specs: str) -> _Side:
    if not Path(specs).is_dir():
        raise UsageError(f"no specs folder '{specs}' in the working tree (use --specs DIR or "
                         "give HEAD)")
    return _Side("working tree", load_playbook(specs))


def _valid(side: _Side) -> Playbook | None:
    errors = [d for d in side.result.diagnostics if d.severity == "error"]
    if not errors and side.result.playbook is not None:
        return side.result.playbook
    if errors:
        print(format_all(errors), file=sys.stderr)
    count = len(errors)
    print(f"icp-docs: cannot diff: the specs at {side.name} have {count} "
          f"error{'s' * (count != 1)} (see `icp-docs validate`)", file=sys.stderr)
    return None
