"""Contract rules that one value cannot tell alone, and messages for pydantic's errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..diagnostics import Code, Diagnostic
from .models import SLUG_PATTERN, PlaybookSpec, SegmentSpec

if TYPE_CHECKING:
    from .load import Source

_SLUG_HELP = "use lowercase letters, digits and single hyphens, at most 64 characters"


def explain(kind: str, err: dict[str, Any], loc: Sequence[str | int]) -> str:
    """A message a RevOps lead understands, for one pydantic error."""
    ctx = err.get("ctx") or {}
    name = str(loc[-1]) if loc else "value"
    given = err.get("input")
    if kind == "extra_forbidden":
        return f"unknown field '{name}' (check the spelling; see `icp-docs schema`)"
    if kind == "missing":
        return f"required field '{name}' is missing"
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        if pattern == SLUG_PATTERN:
            return f"{given!r} is not a valid id: {_SLUG_HELP}"
        if "Q[1-4]" in pattern:
            return f"{given!r} is not a refresh quarter like 2026-Q4"
        if "[A-Z]{3}" in pattern:
            return f"{given!r} is not an ISO 4217 currency code like USD or EUR"
        return f"{given!r} does not have the expected form"
    if kind == "literal_error":
        return f"{given!r} is not one of {ctx.get('expected', '')}"
    if kind in {"string_too_short", "too_short"}:
        return "must not be empty" if kind == "string_too_short" else \
            f"needs at least {ctx.get('min_length', 1)} item(s)"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{given!r} is not a date like 2026-11-02"
    if kind == "value_error":
        return str(ctx.get("error", err.get("msg", "invalid value")))
    kinds = {"string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
             "int_from_float": "a whole number", "float_type": "a number",
             "float_parsing": "a number", "bool_type": "true or false",
             "bool_parsing": "true or false", "list_type": "a list", "dict_type": "a mapping",
             "model_type": "a mapping of fields", "model_attributes_type": "a mapping of fields"}
    if kind in kinds:
        return f"expected {kinds[kind]}, got {_describe(given)}"
    return str(err.get("msg", "invalid value"))


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


def check_playbook(book: PlaybookSpec, source: Source) -> list[Diagnostic]:
    """Cross-field rules of playbook.yml."""
    out = _duplicates(source, ("journey_stages",), [s.id for s in book.journey_stages], "stage")
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
    out: dict[str, list[Diagnostic]] = {}
    first: dict[str, str] = {}
    for source, seg in items:
        found = out.setdefault(source.path, [])
        stem = source.file.stem
        if seg.id != stem:
            found.append(source.diagnostic(
                Code.BAD_ID, ("id",),
                f"id '{seg.id}' must equal the file name '{stem}' (rename one of them)"))
        if seg.id in first:
            found.append(source.diagnostic(
                Code.DUPLICATE_ID, ("id",), f"segment id '{seg.id}' is already used by "
                f"{first[seg.id]}"))
        else:
            first[seg.id] = source.path
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
    if strong is not None and below is not None and below >= strong:
        loc = ("qualification", "disqualify_below") if q.disqualify_below is not None \
            else ("qualification", "strong_at")
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, loc,
            f"disqualify_below ({below}) must be below strong_at ({strong})"))
    return out
