"""Contract rules that one value cannot tell alone: ids across files, journeys, thresholds.

The rules read :class:`SegmentFacts` and :class:`BookFacts`, taken from a file's model or,
when the model failed on some field, from whatever of its data is still sound: a wrong tier
must not hide a duplicate id or a journey key that is no stage (every problem in one run).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..diagnostics import Code, Diagnostic
from .models import DEFAULT_STAGES, PlaybookSpec, SegmentSpec, Thresholds, is_slug

if TYPE_CHECKING:
    from pathlib import Path

    from .source import Source


@dataclass(frozen=True)
class SegmentFacts:
    """What the cross-file rules read of a segment; None: not known (unsound or absent)."""

    id: str | None = None
    personas: tuple[str | None, ...] = ()  # each persona's id, in file order
    criteria: tuple[str | None, ...] = ()  # each criterion's id, in file order
    journey: tuple[str, ...] = ()  # the journey's keys
    strong_at: int | None = None  # the segment's own thresholds, when it sets them
    disqualify_below: int | None = None
    validated_without_evidence: bool = False
    thresholds_known: bool = True  # False: a threshold is written but unsound, so none holds
    criteria_known: bool = True  # False: a criterion is in error, so their count is unsure

    @classmethod
    def of_model(cls, seg: SegmentSpec) -> SegmentFacts:
        q = seg.qualification
        return cls(seg.id, tuple(p.id for p in seg.personas), tuple(c.id for c in q.criteria),
                   tuple(seg.journey), q.strong_at, q.disqualify_below,
                   seg.status == "validated" and not seg.evidence)

    @classmethod
    def of_data(cls, data: Any, errors: Iterable[str]) -> SegmentFacts | None:
        """From a segment's raw data, skipping every value at or under a field in error."""
        if not isinstance(data, dict):
            return None
        sound = _Sound(data, errors)
        q = sound.mapping("qualification")
        given = {k: sound.number("qualification", k) for k in ("strong_at", "disqualify_below")
                 if q is not None and k in q}
        return cls(
            id=sound.text("id"),
            personas=sound.ids("personas"),
            criteria=sound.ids("qualification", "criteria") if q is not None else (),
            journey=tuple(k.strip() for k in (sound.mapping("journey") or {})
                          if isinstance(k, str)),
            strong_at=given.get("strong_at"),
            disqualify_below=given.get("disqualify_below"),
            validated_without_evidence=sound.text("status") == "validated" and
            not data.get("evidence") and not sound.bad("evidence"),
            thresholds_known=q is not None and None not in given.values(),
            criteria_known=not sound.bad("qualification.criteria"),
        )


@dataclass(frozen=True)
class BookFacts:
    """What the segments' rules read of playbook.yml; None: not known."""

    stages: tuple[str, ...] | None  # the journey's stage ids, in order
    strong_at: int | None
    disqualify_below: int | None
    # `lint.disable`'s sound entries with their index: a wrong type on one entry must not
    # hide that another names no rule (every problem in one run).
    disabled: tuple[tuple[int, str], ...] = ()

    @classmethod
    def of_model(cls, book: PlaybookSpec) -> BookFacts:
        q = book.qualification
        return cls(tuple(s.id for s in book.journey_stages), q.strong_at, q.disqualify_below,
                   tuple(enumerate(book.lint.disable)))

    @classmethod
    def of_data(cls, data: Any, errors: Iterable[str]) -> BookFacts:
        if not isinstance(data, dict):
            return cls(None, None, None)
        sound = _Sound(data, errors)
        stages: tuple[str, ...] | None = tuple(i for i, _, _ in DEFAULT_STAGES)
        if "journey_stages" in data:
            ids = sound.ids("journey_stages")
            stages = tuple(i for i in ids if i) if ids and all(ids) else None
        disabled = sound.texts("lint", "disable")
        default = Thresholds()
        q = data.get("qualification", {})
        if not isinstance(q, dict):
            return cls(stages, None, None, disabled)
        return cls(
            stages,
            sound.number("qualification", "strong_at") if "strong_at" in q
            else default.strong_at,
            sound.number("qualification", "disqualify_below") if "disqualify_below" in q
            else default.disqualify_below,
            disabled)


class _Sound:
    """Reads raw values of a document, refusing those at or under a field reported in error
    (``errors`` are field paths such as ``personas[2].role``)."""

    def __init__(self, data: dict[str, Any], errors: Iterable[str]) -> None:
        self.data = data
        self.errors = set(errors)

    def bad(self, path: str) -> bool:
        """Whether a field at or under ``path`` is in error."""
        return any(e == path or e.startswith((path + ".", path + "[")) for e in self.errors)

    def _get(self, *keys: str) -> Any:
        value: Any = self.data
        for key in keys:
            if not isinstance(value, dict):
                return None
            value = value.get(key)
        return value

    def text(self, *keys: str) -> str | None:
        value = self._get(*keys)
        # Stripped, as the models strip every text.
        return value.strip() if isinstance(value, str) and not self.bad(".".join(keys)) \
            else None

    def number(self, *keys: str) -> int | None:
        value = self._get(*keys)
        ok = isinstance(value, int) and not isinstance(value, bool)
        return value if ok and not self.bad(".".join(keys)) else None

    def mapping(self, *keys: str) -> dict[Any, Any] | None:
        value = self._get(*keys)
        return value if isinstance(value, dict) else None

    def texts(self, *keys: str) -> tuple[tuple[int, str], ...]:
        """The sound text items of a list, each with its index."""
        items = self._get(*keys)
        if not isinstance(items, list):
            return ()
        path = ".".join(keys)
        return tuple((i, item.strip()) for i, item in enumerate(items)
                     if isinstance(item, str) and not self.bad(f"{path}[{i}]"))

    def ids(self, *keys: str) -> tuple[str | None, ...]:
        """The ``id`` of each item of a list (None where unsound)."""
        items = self._get(*keys)
        if not isinstance(items, list):
            return ()
        path = ".".join(keys)
        return tuple(item["id"].strip() if isinstance(item, dict) and
                     isinstance(item.get("id"), str) and not self.bad(f"{path}[{i}].id")
                     else None for i, item in enumerate(items))


def check_playbook(book: PlaybookSpec, source: Source) -> list[Diagnostic]:
    """Cross-field rules of a valid playbook.yml, beside :func:`check_book_facts`."""
    return _duplicates(source, ("journey_stages",), [s.id for s in book.journey_stages],
                       "stage")


def check_book_facts(book: BookFacts, source: Source) -> list[Diagnostic]:
    """The playbook's rules that its facts can tell, valid model or not."""
    out = []
    for i, name in book.disabled:
        code = Code.lookup(name)
        if code is None or code.severity != "warning":
            out.append(source.diagnostic(
                Code.WRONG_VALUE, ("lint", "disable", i),
                f"'{name}' is not a lint rule: use a code like W101 or a name like broad-range "
                "(errors cannot be switched off)"))
    if book.strong_at is not None and book.disqualify_below is not None and \
            book.disqualify_below >= book.strong_at:
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, ("qualification", "disqualify_below"),
            f"disqualify_below ({book.disqualify_below}) must be below strong_at "
            f"({book.strong_at})"))
    return out


def check_segments(
    items: Iterable[tuple[Source, SegmentFacts]],
    book: BookFacts | None,
) -> dict[str, list[Diagnostic]]:
    """Rules across a segment's fields and across segment files, by display path."""
    items = list(items)
    owners = segment_owners([(source.path, source.file, seg.id) for source, seg in items])
    out: dict[str, list[Diagnostic]] = {}
    for source, seg in items:
        found = out.setdefault(source.path, [])
        found += check_segment(source, seg, book)
        if seg.id is not None and owners[seg.id] != source.path:
            found.append(duplicate_segment(source.path, source.where(("id",)), seg.id,
                                           owners[seg.id]))
    return out


def check_segment(source: Source, seg: SegmentFacts, book: BookFacts | None) -> list[Diagnostic]:
    """The rules one segment file and the playbook's facts can tell: all but the segment ids
    across files (:func:`segment_owners`)."""
    found = []
    stem = source.file.stem
    if seg.id is not None and seg.id != stem:
        found.append(source.diagnostic(
            Code.BAD_ID, ("id",), f"id '{seg.id}' must equal the file name '{stem}' "
            "(rename one of them)" if is_slug(stem) else
            f"the file name '{stem}' is not a valid id: name the file {seg.id}.yml"))
    found += _duplicates(source, ("personas",), seg.personas, "persona")
    found += _duplicates(source, ("qualification", "criteria"), seg.criteria, "criterion")
    found += _journey(source, seg, book.stages if book else None)
    found += _thresholds(source, seg, book)
    if seg.validated_without_evidence:
        found.append(source.diagnostic(
            Code.VALIDATED_WITHOUT_EVIDENCE, ("status",),
            "a validated segment (ICP) needs evidence; keep it a hypothesis (ECP) until "
            "closed-won deals, interviews or data prove it"))
    return found


def segment_owners(claims: Iterable[tuple[str, Path, str | None]]) -> dict[str, str]:
    """Which file keeps each segment id, from ``(display path, file, id)`` of every segment
    file: the one named after it, else the first. The others get :func:`duplicate_segment`."""
    claims = list(claims)
    owner: dict[str, str] = {}
    for path, file, ident in sorted(claims, key=lambda claim: claim[1].suffix != ".yml"):
        if ident is not None and file.stem == ident and ident not in owner:
            owner[ident] = path
    for path, _, ident in claims:
        if ident is not None:
            owner.setdefault(ident, path)
    return owner


def duplicate_segment(path: str, where: tuple[int, int], ident: str, owner: str) -> Diagnostic:
    """The error of a segment file whose id (at ``where``) another file keeps."""
    return Diagnostic(path, *where, Code.DUPLICATE_ID, "id",
                      f"segment id '{ident}' is already used by {owner}")


def _duplicates(source: Source, loc: tuple[str | int, ...], ids: Sequence[str | None],
                what: str) -> list[Diagnostic]:
    counts = Counter(i for i in ids if i is not None)
    seen: set[str] = set()
    out = []
    for i, ident in enumerate(ids):
        if ident is None:
            continue
        if counts[ident] > 1 and ident in seen:
            out.append(source.diagnostic(Code.DUPLICATE_ID, (*loc, i, "id"),
                                         f"{what} id '{ident}' is used more than once"))
        seen.add(ident)
    return out


def _journey(source: Source, seg: SegmentFacts,
             stages: tuple[str, ...] | None) -> list[Diagnostic]:
    if stages is None:
        return []
    known = ", ".join(stages)  # in the journey's order, as the playbook lists them
    return [
        source.diagnostic(Code.UNKNOWN_STAGE, ("journey", key),
                          f"'{key}' is not a journey stage of the playbook (stages: {known})",
                          key=True)
        for key in seg.journey if key not in stages
    ]


def _thresholds(source: Source, seg: SegmentFacts, book: BookFacts | None) -> list[Diagnostic]:
    if not seg.thresholds_known:
        return []  # a threshold in error is reported already; no fallback stands in for it
    strong = seg.strong_at if seg.strong_at is not None else (book.strong_at if book else None)
    below = seg.disqualify_below if seg.disqualify_below is not None else \
        (book.disqualify_below if book else None)
    out = []
    n = len(seg.criteria)
    if strong is not None and strong > n and n and seg.criteria_known:
        loc: tuple[str | int, ...] = ("qualification", "strong_at") \
            if seg.strong_at is not None else ("qualification", "criteria")
        fix = f"lower it to at most {n}, or add criteria" if seg.strong_at is not None else \
            f"add criteria, or set qualification.strong_at to at most {n}"
        origin = "" if seg.strong_at is not None else " (the playbook's default)"
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, loc,
            f"strong_at {strong}{origin} cannot be met with {n} criteria; {fix}"))
    overrides = seg.strong_at is not None or seg.disqualify_below is not None
    # Defaults that clash are the playbook's problem, reported once in playbook.yml.
    if overrides and strong is not None and below is not None and below >= strong:
        loc = ("qualification", "disqualify_below") if seg.disqualify_below is not None \
            else ("qualification", "strong_at")
        out.append(source.diagnostic(
            Code.IMPOSSIBLE_THRESHOLD, loc,
            f"disqualify_below ({below}) must be below strong_at ({strong})"))
    return out
