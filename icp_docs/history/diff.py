"""The semantic diff: two loaded playbooks in, a list of :mod:`~icp_docs.history.changes` out.

Lists of things with a name (personas, criteria, triggers, anti-ICP cousins...) are matched by
their id or name, never by position, so reordering a list is no change and inserting a persona
is one change, not a cascade. Ranges compare as a whole ("employees 200-2,000 -> 200-5,000").
A segment whose id disappeared while a similar one appeared is a rename.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..spec.load import Playbook, Segment
from ..spec.models import JourneyStep, Money, Range
from ..spec.source import Source
from .changes import (
    Change,
    EntriesChanged,
    Impact,
    ItemAdded,
    ItemRemoved,
    KnockoutChanged,
    Place,
    SegmentAdded,
    SegmentRemoved,
    SegmentRenamed,
    StatusChanged,
    ThresholdChanged,
    ValueChanged,
)
from .rules import KEYS, WHAT, impact_of

__all__ = ["diff_playbooks", "diff_segments"]

Loc = tuple[str | int, ...]
RENAME_SIMILARITY = 0.6


@dataclass
class _Walk:
    """Collects the changes of one file pair (a segment, or playbook.yml), in the order of the
    models' fields; ``thresholds`` adds the effective thresholds where qualification is."""

    segment: str | None
    old: Source
    new: Source
    out: list[Change]
    thresholds: Callable[[_Walk], None] | None = None

    def place(self, loc: Loc, *, old: bool = False, near: Loc | None = None) -> dict[str, Any]:
        """Where a change is: ``loc`` in the new file, or in the old one for what was removed
        (``old``). A removal is also anchored in the new file, at ``near`` (where the removed
        part was: the list it left; needed when ``loc`` ends in a list index, which in the new
        file may be another entry), else at ``loc`` or its nearest ancestor there."""
        if not old:
            return _at(self.segment, self.new, loc)
        anchor = Place(self.new, loc if near is None else near)
        return {**_at(self.segment, self.old, loc), "anchor": anchor}


def diff_playbooks(old: Playbook, new: Playbook) -> list[Change]:
    """Every change from ``old`` to ``new``: the playbook's own fields first, then segment by
    segment (in the new playbook's order, removed segments last), each in the order of the
    spec's fields, the entries of a list in their new order and removed entries after."""
    changes = _playbook_changes(old, new)
    before = {s.id: s for s in old.segments}
    after = {s.id: s for s in new.segments}
    renamed = _renames([before[i] for i in before if i not in after],
                       [after[i] for i in after if i not in before])
    for seg in new.segments:
        if seg.id in before:
            changes += diff_segments(before[seg.id], seg, old, new)
        elif seg.id in renamed:
            was = renamed[seg.id]
            changes.append(SegmentRenamed(impact=Impact.WORDING, path="id", old=was.id,
                                          new=seg.id, **_at(seg.id, seg.source, ("id",))))
            changes += diff_segments(was, seg, old, new)
        else:
            changes.append(SegmentAdded(impact=Impact.TARGETING, path="", new=seg.spec.label,
                                        tier=seg.spec.tier, **_at(seg.id, seg.source, ("id",))))
    gone = {s.id for s in renamed.values()}
    for seg in old.segments:
        if seg.id not in after and seg.id not in gone:
            changes.append(SegmentRemoved(impact=Impact.BREAKING, path="", old=seg.spec.label,
                                          **_at(seg.id, seg.source, ("id",))))
    return changes


def _at(segment: str | None, source: Source, loc: Loc) -> dict[str, Any]:
    return {"segment": segment, "file": source.path, "place": Place(source, loc)}


def diff_segments(old: Segment, new: Segment, old_book: Playbook, new_book: Playbook
                  ) -> list[Change]:
    """The changes inside one segment (matched by id, or as a rename)."""
    if old.spec == new.spec and old_book.thresholds(old.spec) == new_book.thresholds(new.spec):
        return []
    walk = _Walk(new.id, old.source, new.source, [],
                 lambda w: _thresholds(w, old, new, old_book, new_book))
    _model(walk, old.spec, new.spec, (), (), ())
    return walk.out


def _playbook_changes(old: Playbook, new: Playbook) -> list[Change]:
    walk = _Walk(None, old.source, new.source, [], lambda w: _defaults(w, old, new))
    if old.spec != new.spec:
        _model(walk, old.spec, new.spec, (), (), ())
    return walk.out


def _defaults(walk: _Walk, old: Playbook, new: Playbook) -> None:
    """The playbook's default thresholds, naming the segments that use them."""
    for name in ("strong_at", "disqualify_below"):
        was = getattr(old.spec.qualification, name)
        now = getattr(new.spec.qualification, name)
        if was != now:
            users = tuple(s.id for s in new.segments
                          if getattr(s.spec.qualification, name) is None)
            walk.out.append(ThresholdChanged(
                impact=Impact.BREAKING, path=f"qualification.{name}", old=was, new=now,
                applies_to=users, **walk.place(("qualification", name))))


def _thresholds(walk: _Walk, old: Segment, new: Segment, old_book: Playbook,
                new_book: Playbook) -> None:
    """Effective thresholds; a change of the playbook default alone is reported there."""
    pairs = zip(("strong_at", "disqualify_below"), old_book.thresholds(old.spec),
                new_book.thresholds(new.spec), strict=True)
    for name, was, now in pairs:
        own_old = getattr(old.spec.qualification, name)
        own_new = getattr(new.spec.qualification, name)
        if was != now and (own_old is not None or own_new is not None):
            walk.out.append(ThresholdChanged(
                impact=Impact.BREAKING, path=f"qualification.{name}", old=was, new=now,
                **walk.place(("qualification", name), old=own_new is None)))


def _model(walk: _Walk, old: BaseModel, new: BaseModel, parts: tuple[str, ...], oloc: Loc,
           nloc: Loc, display: str = "") -> None:
    for name in type(new).model_fields:
        was, now = getattr(old, name), getattr(new, name)
        if was == now or _skipped(parts, name):
            continue
        path = f"{display}.{name}" if display else name
        _value(walk, was, now, (*parts, name), (*oloc, name), (*nloc, name), path)
        if not parts and name == "qualification" and walk.thresholds is not None:
            walk.thresholds(walk)


def _skipped(parts: tuple[str, ...], name: str) -> bool:
    # Ids are matched, not compared; thresholds are compared as effective values; lint
    # settings say nothing about customers.
    return (name == "id" or (parts == () and name == "lint")
            or (parts == ("qualification",) and name in ("strong_at", "disqualify_below")))


def _value(walk: _Walk, was: Any, now: Any, parts: tuple[str, ...], oloc: Loc, nloc: Loc,
           path: str) -> None:
    model = was if isinstance(was, BaseModel) else now
    if isinstance(model, BaseModel) and not isinstance(model, Range | Money) \
            and isinstance(was, BaseModel | None) and isinstance(now, BaseModel | None):
        if was is None or now is None:
            try:  # a section that appeared or went away compares with an empty one
                was, now = was or type(model)(), now or type(model)()
            except ValueError:  # a model with required fields: compare it whole
                return _changed(walk, was, now, parts, oloc, nloc, path)
        return _model(walk, was, now, parts, oloc, nloc, path)
    if parts in KEYS or isinstance(was, dict) or isinstance(now, dict):
        return _keyed(walk, was, now, parts, oloc, nloc, path)
    if isinstance(was, list) and isinstance(now, list) \
            and all(isinstance(v, str) for v in [*was, *now]):
        added = tuple(v for v in now if v not in was)
        removed = tuple(v for v in was if v not in now)
        if added or removed:  # a reordering alone is no change
            # Point at the first new entry; when only removals, at the list (or where it was).
            place = (walk.place((*nloc, now.index(added[0]))) if added
                     else walk.place(nloc) if now else walk.place(oloc, old=True, near=nloc))
            walk.out.append(EntriesChanged(
                impact=impact_of(walk.segment, parts), path=path, old=was, new=now,
                added=added, removed=removed, **place))
        return None
    return _changed(walk, was, now, parts, oloc, nloc, path)


def _changed(walk: _Walk, was: Any, now: Any, parts: tuple[str, ...], oloc: Loc, nloc: Loc,
             path: str) -> None:
    old, new = _plain(was), _plain(now)
    place = walk.place(oloc, old=True, near=nloc) if now is None else walk.place(nloc)
    if parts == ("status",):
        walk.out.append(StatusChanged(impact=Impact.TARGETING, path=path, old=old, new=new,
                                      **place))
    elif parts[-1] == "knockout":
        criterion = path.split("[", 1)[1].split("]", 1)[0]
        walk.out.append(KnockoutChanged(impact=Impact.BREAKING, path=path, old=old, new=new,
                                        criterion=criterion, **place))
    else:
        walk.out.append(ValueChanged(impact=impact_of(walk.segment, parts), path=path, old=old,
                                     new=new, **place))


def _keyed(walk: _Walk, was: Any, now: Any, parts: tuple[str, ...], oloc: Loc, nloc: Loc,
           path: str) -> None:
    before, after = _index(was, parts), _index(now, parts)
    what = WHAT.get(parts, "entry")
    impact = impact_of(walk.segment, parts)
    for key, (pos, item) in after.items():
        at = (*nloc, pos)
        if key not in before:
            walk.out.append(ItemAdded(impact=impact, path=f"{path}[{key}]", new=_plain(item),
                                      what=what, key=key, **walk.place(at)))
            continue
        old_pos, old_item = before[key]
        if old_item != item:
            old_at = (*oloc, old_pos)
            if isinstance(item, BaseModel) and isinstance(old_item, BaseModel):
                _model(walk, old_item, item, parts, old_at, at, f"{path}[{key}]")
            else:  # a text value of a mapping (firmographics.other)
                _changed(walk, old_item, item, parts, old_at, at, f"{path}[{key}]")
    for key, (pos, item) in before.items():
        if key not in after:
            walk.out.append(ItemRemoved(impact=impact, path=f"{path}[{key}]", old=_plain(item),
                                        what=what, key=key,
                                        **walk.place((*oloc, pos), old=True, near=nloc)))


def _index(items: Any, parts: tuple[str, ...]) -> dict[str, tuple[str | int, Any]]:
    """Entries by key, with their position (list index or mapping key) for line lookups."""
    if isinstance(items, dict):  # the journey (strings are steps too) and firmographics.other
        promote = parts[-1] == "journey"
        return {k: (k, JourneyStep(quote=v) if promote and isinstance(v, str) else v)
                for k, v in (items or {}).items()}
    key: Callable[[Any], str] = KEYS[parts]
    out: dict[str, tuple[str | int, Any]] = {}
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        base = key(item)
        seen[base] = seen.get(base, 0) + 1
        # Entries that share a key (two disqualifiers "other") are told apart by occurrence.
        out[base if seen[base] == 1 else f"{base}#{seen[base]}"] = (i, item)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _renames(removed: list[Segment], added: list[Segment]) -> dict[str, Segment]:
    """New id -> old segment, for pairs similar enough to be the same segment renamed."""
    scored = sorted(((_similarity(o, n), o.id, n.id, o) for o in removed for n in added),
                    key=lambda t: (-t[0], t[1], t[2]))
    out: dict[str, Segment] = {}
    used: set[str] = set()
    for score, old_id, new_id, seg in scored:
        if score < RENAME_SIMILARITY:
            break
        if old_id not in used and new_id not in out:
            out[new_id] = seg
            used.add(old_id)
    return out


def _similarity(old: Segment, new: Segment) -> float:
    a, b = old.spec, new.spec
    label = difflib.SequenceMatcher(None, a.label.lower(), b.label.lower()).ratio()
    personas = _jaccard({p.id for p in a.personas}, {p.id for p in b.personas})
    criteria = _jaccard({c.id for c in a.qualification.criteria},
                        {c.id for c in b.qualification.criteria})
    return 0.4 * label + 0.3 * personas + 0.3 * criteria


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0

