"""Where lint rules register, and what every rule receives.

A rule is a small function decorated with its code; it yields warnings and reads only the
loaded models (never files, never MkDocs). Playbook rules run once, segment rules once per
valid segment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from ..data.evidence_file import Evidence
from ..diagnostics import Code, Diagnostic
from ..spec.load import Playbook, Ranked, Segment

Loc = tuple[str | int, ...]


class Labelled(NamedTuple):
    """A valid segment's label and where it is written: what the rules about the playbook
    as a whole read of labels (a worker sends this back, not the segment)."""

    path: str
    line: int
    column: int
    label: str

    @classmethod
    def of(cls, seg: Segment) -> Labelled:
        """The label of a loaded segment, at its line."""
        return cls(seg.source.path, *seg.source.where(("label",)), seg.spec.label)


@dataclass(frozen=True)
class Context:
    """What every rule may look at: the playbook, today's date (fixed in tests), and the
    evidence from closed deals when one is given (``icp-docs validate --evidence``).

    Rules about the playbook as a whole read its valid segments through ``ranking`` and
    ``labels`` only: where the segments were validated and linted in worker processes
    (:func:`icp_docs.lint.verdict`), ``playbook.segments`` is empty.
    """

    playbook: Playbook
    today: dt.date
    #: The valid segments, best first.
    ranking: tuple[Ranked, ...]
    evidence: Evidence | None = None
    #: The valid segments' labels, by file.
    labels: tuple[Labelled, ...] = ()

    @classmethod
    def of(cls, playbook: Playbook, today: dt.date,
           evidence: Evidence | None = None) -> Context:
        """The context of a playbook loaded whole."""
        return cls(playbook, today, tuple(Ranked.of(s.spec) for s in playbook.segments),
                   evidence, tuple(sorted(Labelled.of(s) for s in playbook.segments)))


PlaybookRule = Callable[[Context], Iterator[Diagnostic]]
SegmentRule = Callable[[Context, Segment], Iterator[Diagnostic]]
PLAYBOOK_RULES: list[tuple[Code, PlaybookRule]] = []
SEGMENT_RULES: list[tuple[Code, SegmentRule]] = []


def playbook_rule(code: Code) -> Callable[[PlaybookRule], PlaybookRule]:
    """Register a rule that looks at the playbook as a whole."""
    def register(fn: PlaybookRule) -> PlaybookRule:
        PLAYBOOK_RULES.append((code, fn))
        return fn
    return register


def segment_rule(code: Code) -> Callable[[SegmentRule], SegmentRule]:
    """Register a rule that looks at one segment at a time."""
    def register(fn: SegmentRule) -> SegmentRule:
        SEGMENT_RULES.append((code, fn))
        return fn
    return register


def warn(seg: Segment, code: Code, loc: Loc, message: str, *, key: bool = False) -> Diagnostic:
    """A warning about ``loc`` in a segment's file, at that value's line."""
    return seg.source.diagnostic(code, loc, message, key=key)
