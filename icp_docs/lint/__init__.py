"""Lint: the ICP anti-patterns as warnings, one small rule each (see :mod:`.rules` and
:mod:`.language`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Code, Diagnostic
from ..spec.load import LoadResult, Playbook, Segment, SpecCache, load_playbook
from ..spec.parallel import Reading, fork_map
from .rules import PLAYBOOK_RULES, SEGMENT_RULES, Context

__all__ = ["check", "disabled_codes", "lint_playbook"]


def disabled_codes(names: Iterable[str]) -> set[Code]:
    """Codes switched off, from codes (``W101``) or names (``broad-range``).

    Names that are no lint rule are ignored here; ``playbook.yml`` reports them as errors
    and ``icp-docs validate --disable`` as bad usage.
    """
    return {code for name in names
            if (code := Code.lookup(name)) is not None and code.severity == "warning"}


def lint_playbook(playbook: Playbook, *, today: dt.date | None = None,
                  disable: Iterable[str] = (), jobs: int = 1) -> list[Diagnostic]:
    """Run every lint rule over a loaded playbook; rules switched off are skipped.

    ``jobs`` > 1 spreads a large playbook's segments over that many processes (see
    :mod:`icp_docs.spec.parallel`).
    """
    off = disabled_codes([*disable, *playbook.spec.lint.disable])
    ctx = Context(playbook, today or dt.date.today())
    found: list[Diagnostic] = []
    for code, book_rule in PLAYBOOK_RULES:
        if code not in off:
            found += book_rule(ctx)
    rules = [rule for code, rule in SEGMENT_RULES if code not in off]

    def segment_warnings(segment: Segment) -> list[Diagnostic]:
        return [d for rule in rules for d in rule(ctx, segment)]

    for warnings in fork_map(segment_warnings, playbook.segments, jobs):
        found += warnings
    return sorted(set(found))


def check(specs_dir: str | os.PathLike[str], *, disable: Iterable[str] = (),
          today: dt.date | None = None, cache: SpecCache | None = None,
          cwd: Path | None = None, jobs: int = 1, reading: Reading | None = None) -> LoadResult:
    """Load and lint a specs folder: every error and warning in one :class:`LoadResult`.

    ``today`` is the date the freshness rules count from (today by default); ``jobs`` and
    ``reading`` as in :func:`~icp_docs.spec.load.load_playbook`.
    """
    result = load_playbook(specs_dir, cache=cache, cwd=cwd, jobs=jobs, reading=reading)
    if result.playbook is not None:
        result.diagnostics = sorted(
            set(result.diagnostics) | set(lint_playbook(result.playbook, today=today,
                                                        disable=disable, jobs=jobs)))
    return result
