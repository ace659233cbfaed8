"""Contract rules that one value cannot tell alone: ids across files, journeys, thresholds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..diagnostics import Code, Diagnostic
from .models import PlaybookSpec, SegmentSpec

if TYPE_CHECKING:
    from .load import Source


def check_playbook(book: PlaybookSpec, source: Source) -> list[Diagnostic]:
    """Cross-field rules of playbook.yml."""
    out = _duplicates(source, ("journey_stages",), [s.id for s in book.journey_stages], "stage")
    for i, name in enumerate(book.lint.disable):
        code = Code.lookup(name)
        if code is None or code.severity != "warning":
            out.append(source.diagnostic(
                Code.WRONG_VALUE, ("lint", "disable", i),
                f"'{name}' is not a lint rule: use a code like W101 or a name like broad-range "
                "(errors cannot be switched off)"))
    q = book.qualification
    if q.disqualify_below >= q.strong_at:
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, ("qualification", "disqualify_below"),
            f"disqualify_below ({q.disqualify_below}) must be below strong_at ({q.strong_at})"))
    return out


def check_segments(
    items: Iterable[tuple[Source, SegmentSpec]],
    stage_ids: set[str] | None,
    book: PlaybookSpec | None,
) -> dict[str, list[Diagnostic]]:
    """Rules across a segment's fields and across segment files, by display path."""
    items = list(items)
    out: dict[str, list[Diagnostic]] = {}
    owner = _owners(items)
    for source, seg in items:
        found = out.setdefault(source.path, [])
        stem = source.file.stem
        if seg.id != stem:
            found.append(source.diagnostic(
                Code.BAD_ID, ("id",),
                f"id '{seg.id}' must equal the file name '{stem}' (rename one of them)"))
        if owner[seg.id] != source.path:
            found.append(source.diagnostic(
                Code.DUPLICATE_ID, ("id",), f"segment id '{seg.id}' is already used by "
                f"{owner[seg.id]}"))
        found += _duplicates(source, ("personas",), [p.id for p in seg.personas], "persona")
        found += _duplicates(source, ("qualification", "criteria"),
                             [c.id for c in seg.qualification.criteria], "criterion")
        found += _journey(source, seg, stage_ids)
        found += _thresholds(source, seg, book)
        if seg.status == "validated" and not seg.evidence:
            found.append(source.diagnostic(
                Code.VALIDATED_WITHOUT_EVIDENCE, ("status",),
                "a validated segment (ICP) needs evidence; keep it a hypothesis (ECP) until "
                "closed-won deals, interviews or data prove it"))
    return out


def _owners(items: list[tuple[Source, SegmentSpec]]) -> dict[str, str]:
    """Which file keeps each segment id: the one named after it, else the first."""
    owner: dict[str, str] = {}
    for source, seg in sorted(items, key=lambda item: item[0].file.suffix != ".yml"):
        if source.file.stem == seg.id and seg.id not in owner:
            owner[seg.id] = source.path
    for source, seg in items:
        owner.setdefault(seg.id, source.path)
    return owner


def _duplicates(source: Source, loc: tuple[str | int, ...], ids: list[str],
                what: str) -> list[Diagnostic]:
    counts = Counter(ids)
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if counts[ident] > 1 and ident in seen:
            out.append(source.diagnostic(Code.DUPLICATE_ID, (*loc, i, "id"),
                                         f"{what} id '{ident}' is used more than once"))
        seen.add(ident)
    return out


def _journey(source: Source, seg: SegmentSpec, stage_ids: set[str] | None) -> list[Diagnostic]:
    if stage_ids is None:
        return []
    known = ", ".join(sorted(stage_ids))
    return [
        source.diagnostic(Code.UNKNOWN_STAGE, ("journey", key),
                          f"'{key}' is not a journey stage of the playbook (stages: {known})",
                          key=True)
        for key in seg.journey if key not in stage_ids
    ]


def _thresholds(source: Source, seg: SegmentSpec, book: PlaybookSpec | None) -> list[Diagnostic]:
    q = seg.qualification
    defaults = book.qualification if book else None
    strong = q.strong_at if q.strong_at is not None else (defaults.strong_at if defaults else None)
    below = q.disqualify_below if q.disqualify_below is not None else \
        (defaults.disqualify_below if defaults else None)
    out = []
    n = len(q.criteria)
    if strong is not None and strong > n:
        loc: tuple[str | int, ...] = ("qualification", "strong_at") if q.strong_at is not None \
            else ("qualification", "criteria")
        origin = "" if q.strong_at is not None else " (the playbook's default)"
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, loc,
            f"strong_at {strong}{origin} cannot be met with {n} criteria; add criteria or "
            "set qualification.strong_at"))
    overrides = q.strong_at is not None or q.disqualify_below is not None
    # Defaults that clash are the playbook's problem, reported once in playbook.yml.
    if overrides and strong is not None and below is not None and below >= strong:
        loc = ("qualification", "disqualify_below") if q.disqualify_below is not None \
            else ("qualification", "strong_at")
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, loc,
            f"disqualify_below ({below}) must be below strong_at ({strong})"))
    return out
