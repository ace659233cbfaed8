"""How the diff matches list entries, what it calls them, and what each change means to sales.

One table each, so that the impact of a field is decided in one place and documented from it
(docs/history.md lists the same table).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .changes import Impact

__all__ = ["KEYS", "WHAT", "impact_of"]

Parts = tuple[str, ...]

# Lists of things matched by id or name (field path without list keys -> key of an entry).
KEYS: dict[Parts, Callable[[Any], str]] = {
    ("personas",): lambda p: p.id,
    ("qualification", "criteria"): lambda c: c.id,
    ("journey_stages",): lambda s: s.id,
    ("triggers",): lambda t: t.event,
    ("anti_icp",): lambda a: a.name,
    ("alternatives",): lambda a: a.name,
    ("budget",): lambda b: b.role,
    ("personas", "objections"): lambda o: o.objection,
    ("disqualifiers",): lambda d: d.reason,
    ("evidence",): lambda e: e.kind,
    ("reachability",): lambda c: c.channel,
}

WHAT: dict[Parts, str] = {
    ("personas",): "persona",
    ("qualification", "criteria"): "criterion",
    ("journey_stages",): "journey stage",
    ("journey",): "journey step",
    ("triggers",): "trigger",
    ("anti_icp",): "anti-ICP cousin",
    ("alternatives",): "alternative",
    ("budget",): "budget holder",
    ("personas", "objections"): "objection",
    ("disqualifiers",): "disqualifier",
    ("evidence",): "evidence",
    ("reachability",): "channel",
    ("firmographics", "other"): "firmographic",
}

# The first field of a path decides, unless its last field is prose (WORDING_LEAVES).
_SEGMENT = {
    "qualification": Impact.BREAKING,
    "tier": Impact.BREAKING,
    "priority": Impact.BREAKING,
    "status": Impact.TARGETING,
    "evidence": Impact.TARGETING,
    "firmographics": Impact.TARGETING,
    "technographics": Impact.TARGETING,
    "triggers": Impact.TARGETING,
    "budget": Impact.TARGETING,
    "reachability": Impact.TARGETING,
    "anti_icp": Impact.TARGETING,
    "disqualifiers": Impact.TARGETING,
    "jobs_to_be_done": Impact.MESSAGING,
    "alternatives": Impact.MESSAGING,
    "personas": Impact.MESSAGING,
    "journey": Impact.MESSAGING,
    "label": Impact.WORDING,
    "notes": Impact.WORDING,
}
# Fields that matter more, or less, than the first field of their path says.
_SEGMENT_FIELDS: dict[Parts, Impact] = {
    ("personas", "role"): Impact.TARGETING,  # who is pursued in the account: buyer, blocker
}
_PLAYBOOK = {
    "qualification": Impact.BREAKING,
    "product": Impact.TARGETING,
    "currency": Impact.TARGETING,
    "anti_icp": Impact.TARGETING,
    "summary": Impact.MESSAGING,
    "journey_stages": Impact.MESSAGING,
    "refresh": Impact.WORDING,
    "reviewed_on": Impact.WORDING,
    "owner": Impact.WORDING,
}
# Prose inside a structure: rewording it changes no list, no checklist and no pitch.
WORDING_LEAVES = frozenset({
    "quotes", "note", "looks_like", "why_not", "evidence", "summary", "as_of", "example",
})


def impact_of(segment: str | None, parts: Parts) -> Impact:
    """The impact of a change at ``parts`` (field names, list keys left out).

    A criterion's question stays breaking when reworded: the printed checklist changes.
    """
    if segment is not None and (fixed := _SEGMENT_FIELDS.get(parts)) is not None:
        return fixed
    table = _PLAYBOOK if segment is None else _SEGMENT
    first = table.get(parts[0], Impact.WORDING) if parts else Impact.WORDING
    if first is Impact.BREAKING:
        return first
    if len(parts) > 1 and parts[-1] in WORDING_LEAVES:
        return Impact.WORDING
    return first
