"""Lint: the ICP anti-patterns as warnings, one small rule each (see :mod:`.rules` and
:mod:`.language`)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import NamedTuple

from ..data.evidence_file import Evidence
from ..diagnostics import Code, Diagnostic, has_errors
from ..spec import checks
from ..spec.load import (
    LoadResult,
    Playbook,
    Ranked,
    Segment,
    SpecCache,
    book_checked,
    gc_paused,
    load_playbook,
    open_folder,
    parse_document,
    segment_facts,
)
from ..spec.models import SegmentSpec
from ..spec.parallel import fork_map
from ..spec.yaml import load_file
from .registry import Labelled, PlaybookRule, SegmentRule
from .rules import PLAYBOOK_RULES, SEGMENT_RULES, Context

__all__ = ["Verdict", "check", "disabled_codes", "lint_playbook", "verdict"]


def disabled_codes(names: Iterable[str]) -> set[Code]:
    """Codes switched off, from codes (``W101``) or names (``broad-range``).

    Names that are no lint rule are ignored here; ``playbook.yml`` reports them as errors
    and ``icp-docs validate --disable`` as bad usage.
    """
    return {code for name in names
            if (code := Code.lookup(name)) is not None and code.severity == "warning"}


def _rules(playbook: Playbook, disable: Iterable[str]) -> tuple[list[PlaybookRule],
                                                                 list[SegmentRule]]:
    """The playbook rules and the segment rules not switched off, here or in playbook.yml."""
    off = disabled_codes([*disable, *playbook.spec.lint.disable])
    return ([rule for code, rule in PLAYBOOK_RULES if code not in off],
            [rule for code, rule in SEGMENT_RULES if code not in off])


def _lint(ctx: Context, rules: list[SegmentRule], segment: Segment) -> list[Diagnostic]:
    return [d for rule in rules for d in rule(ctx, segment)]


def lint_playbook(playbook: Playbook, *, today: dt.date | None = None,
                  disable: Iterable[str] = (), jobs: int = 1,
                  evidence: Evidence | None = None) -> list[Diagnostic]:
    """Run every lint rule over a loaded playbook; rules switched off are skipped.

    ``jobs`` > 1 spreads a large playbook's segments over that many processes (see
    :mod:`icp_docs.spec.parallel`). With ``evidence`` (an ``icp-docs evidence`` file) the
    rules about closed deals run too.
    """
    ctx = Context.of(playbook, today or dt.date.today(), evidence)
    book_rules, segment_rules = _rules(playbook, disable)
    found = [d for rule in book_rules for d in rule(ctx)]
    for warnings in fork_map(partial(_lint, ctx, segment_rules), playbook.segments, jobs):
        found += warnings
    return sorted(set(found))


def check(specs_dir: str | os.PathLike[str], *, disable: Iterable[str] = (),
          today: dt.date | None = None, cache: SpecCache | None = None,
          cwd: Path | None = None, jobs: int = 1,
          evidence: Evidence | None = None) -> LoadResult:
    """Load and lint a specs folder: every error and warning in one :class:`LoadResult`.

    ``today`` is the date the freshness rules count from (today by default); ``jobs`` as in
    :func:`~icp_docs.spec.load.load_playbook`; ``evidence`` as in :func:`lint_playbook`.
    """
    result = load_playbook(specs_dir, cache=cache, cwd=cwd, jobs=jobs)
    if result.playbook is not None:
        result.diagnostics = sorted(
            set(result.diagnostics) | set(lint_playbook(result.playbook, today=today,
                                                        disable=disable, jobs=jobs,
                                                        evidence=evidence)))
    return result


@dataclass(frozen=True)
class Verdict:
    """What :func:`check` finds, without the playbook: every diagnostic, sorted; how many
    segment files were read; and the stems of those left out for their errors."""

    diagnostics: list[Diagnostic]
    files: int
    broken: tuple[str, ...]


class _Judged(NamedTuple):
    """What a worker sends back about one segment file."""

    diagnostics: list[Diagnostic]  # its own problems and its checks' (all but duplicate ids)
    warnings: list[Diagnostic]  # the segment rules', when it is valid and linted
    id: str | None  # its id, as the checks across files read it
    id_at: tuple[int, int]  # where that id is written ((1, 1), unread, when there is none)
    valid: tuple[Ranked, Labelled] | None  # what the playbook rules read of a valid one


def verdict(specs_dir: str | os.PathLike[str], *, disable: Iterable[str] = (),
            today: dt.date | None = None, cwd: Path | None = None,
            jobs: int = 1, evidence: Evidence | None = None) -> Verdict:
    """What :func:`check` reports, for the command line: each segment file is read,
    validated, checked and linted in one go, by up to ``jobs`` forked workers for a large
    folder, which send back only diagnostics and the little the checks across files need
    (ids, ranks). No model travels between processes, so this keeps no playbook.
    """
    folder = open_folder(specs_dir, SpecCache(), cwd)
    facts, found = book_checked(folder.book)
    found += folder.problems
    book = folder.book
    playbook = None if book is None or book.model is None else \
        Playbook(book.model, book.source, (), folder.root, folder.unread)
    book_rules, segment_rules = _rules(playbook, disable) if playbook else ([], [])
    # The segment rules read no more of the playbook than the file they lint.
    ctx = Context(playbook, today or dt.date.today(), (), evidence) if playbook else None

    pairs = folder.segments
    with gc_paused():
        judged = list(fork_map(partial(_judge, facts, ctx, segment_rules), pairs, jobs))
    broken, ranking, labels = _gather(pairs, judged, found)
    if ctx is not None:
        whole = Context(replace(ctx.playbook, broken=broken), ctx.today, ranking, evidence,
                        labels)
        found += [d for rule in book_rules for d in rule(whole)]
    return Verdict(sorted(set(found)), len(pairs), broken)


def _judge(facts: checks.BookFacts | None, ctx: Context | None, rules: list[SegmentRule],
           pair: tuple[Path, str]) -> _Judged:
    """One segment file read, validated, checked and, when valid, linted (in a worker)."""
    parsed = parse_document(load_file(*pair), pair[0], SegmentSpec)
    seg = segment_facts(parsed)
    mine = parsed.diagnostics + ([] if seg is None else
                                 checks.check_segment(parsed.source, seg, facts))
    ident = seg.id if seg is not None else None
    at = parsed.source.where(("id",)) if ident is not None else (1, 1)
    if parsed.model is None or has_errors(mine):
        return _Judged(mine, [], ident, at, None)
    segment = Segment(parsed.model, parsed.source)
    warnings = _lint(ctx, rules, segment) if ctx else []
    return _Judged(mine, warnings, ident, at, (Ranked.of(parsed.model), Labelled.of(segment)))


def _gather(pairs: list[tuple[Path, str]], judged: list[_Judged], found: list[Diagnostic]
            ) -> tuple[tuple[str, ...], tuple[Ranked, ...], tuple[Labelled, ...]]:
    """The workers' findings added to ``found``, with the ids repeated across files; the
    stems of the files left out (in file order, once each, as LoadResult.broken), the
    valid segments, best first, and their labels."""
    owners = checks.segment_owners(
        (display, file, j.id) for (file, display), j in zip(pairs, judged, strict=True))
    broken: dict[str, None] = {}
    ranking = []
    labels = []
    for (file, display), j in zip(pairs, judged, strict=True):
        found += j.diagnostics
        if j.id is not None and owners[j.id] != display:
            found.append(checks.duplicate_segment(display, j.id_at, j.id, owners[j.id]))
            broken[file.stem] = None
        elif j.valid is None:
            broken[file.stem] = None
        else:
            found += j.warnings
            ranking.append(j.valid[0])
            labels.append(j.valid[1])
    return tuple(broken), tuple(sorted(ranking)), tuple(sorted(labels))
