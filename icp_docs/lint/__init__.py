"""Lint: the ICP anti-patterns as warnings, one small rule each (see :mod:`.rules`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path

from ..diagnostics import Code, Diagnostic
from ..spec.load import LoadResult, Playbook, SpecCache, load_playbook
from .rules import PLAYBOOK_RULES, SEGMENT_RULES, Context

__all__ = ["check", "disabled_codes", "lint_playbook"]


def disabled_codes(names: Iterable[str]) -> set[Code]:
    """Codes switched off, from codes (``W101``) or names (``broad-range``); unknown ignored."""
    return {code for name in names if (code := Code.lookup(name)) is not None}


def lint_playbook(playbook: Playbook, *, today: dt.date | None = None,
                  disable: Iterable[str] = ()) -> list[Diagnostic]:
    """Run every lint rule over a loaded playbook; rules switched off are skipped."""
    off = disabled_codes([*disable, *playbook.spec.lint.disable])
    ctx = Context(playbook, today or dt.date.today())
    found: list[Diagnostic] = []
    for code, rule in PLAYBOOK_RULES:
        if code not in off:
            found += rule(ctx)
    for segment in playbook.segments:
        for code, rule in SEGMENT_RULES:
            if code not in off:
                found += rule(ctx, segment)
    return sorted(set(found))


def check(specs_dir: str | os.PathLike[str], *, disable: Iterable[str] = (),
          today: dt.date | None = None, cache: SpecCache | None = None,
          cwd: Path | None = None) -> LoadResult:
    """Load and lint a specs folder: every error and warning in one :class:`LoadResult`."""
    result = load_playbook(specs_dir, cache=cache, cwd=cwd)
    if result.playbook is not None:
        result.diagnostics = sorted(
            set(result.diagnostics) | set(lint_playbook(result.playbook, today=today,
                                                        disable=disable)))
    return result
