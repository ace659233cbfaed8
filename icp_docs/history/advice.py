"""What a change means for a seller, in one plain sentence: "now a higher-priority segment:
spend more time here", not "breaking".

Every kind of change (:mod:`icp_docs.history.changes`) asks :func:`advise` with its kind, the
field path and the two values; the answer is read in the diff's text and Markdown, the pull
request comment, the GitHub annotations and the change log page, and is the ``advice`` field
of the JSON. Plain values only: this module imports nothing of the package, so the change
classes can use it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["advise"]

#: The impact's own sentence, for a change no rule below knows better.
BY_IMPACT = {
    "breaking": "the checklist or a segment's priority changed: re-read it before the next call",
    "targeting": "who we go after changed: check your account lists",
    "messaging": "what we say changed: re-read the talk track before the next call",
    "wording": "wording only: nothing changes in how you sell",
}

#: Segment fields (the first of a path) that say more than their impact does.
_BY_FIELD = {
    "firmographics": "which companies fit changed: check your account lists against it",
    "technographics": "the tools a fitting company uses changed: check your account lists",
    "triggers": "the reasons to reach out now changed: watch for the new ones",
    "budget": "who holds the budget, or how much, changed: check who signs",
    "reachability": "where we find these buyers changed: use the channels listed now",
    "anti_icp": "the look-alikes we walk away from changed: check your lists for them",
    "disqualifiers": "the reasons to walk away changed: re-read them before qualifying",
    "evidence": "the proof behind this segment changed: use it when asked why us",
    "personas": "the people we talk to, or what we say to them, changed: read their pages",
    "journey": "how these buyers talk at each stage changed: listen for the new words",
    "jobs_to_be_done": "what these buyers are trying to get done changed: re-read the pitch",
    "alternatives": "what they use instead of us changed: re-read how we compare",
    "qualification": "the checklist changed: use the new one on your next calls",
    "summary": "how our buyers buy changed: re-read the playbook's summary",
}

#: The last field of a path, where it says more than the first.
_BY_LEAF = {
    "role": "this person's part in the buying decision changed: re-check whom you need on side",
    "window_days": "the time to act on this trigger changed: time your outreach to it",
    "question": "a checklist question reads differently: ask it the new way",
}

#: Entries added to, or removed from, a keyed list: (added, removed).
_BY_ITEM = {
    "criterion": ("a new question on the checklist: ask it on your next calls",
                  "a question left the checklist: stop asking it"),
    "persona": ("a new person to reach in these accounts: read their page",
                "we no longer pursue this person: take them off your outreach"),
    "trigger": ("a new reason to reach out now: watch for it",
                "no longer a reason to reach out: stop acting on it"),
    "disqualifier": ("a new reason to walk away: check open deals against it",
                     "no longer a reason to walk away: deals it ruled out may qualify"),
    "anti-ICP cousin": ("a new look-alike to walk away from: check your lists for it",
                        "no longer a look-alike we avoid: it may be worth a call"),
    "budget holder": ("someone else can sign: find them in the account",
                      "this person no longer signs: find who does"),
    "channel": ("a new place to find these buyers: use it",
                "a channel we no longer use: stop spending time there"),
    "journey stage": ("a new stage in the buyer's journey: listen for it",
                      "a stage left the buyer's journey"),
}

#: A segment's priority, best first.
_PRIORITIES = ("core", "secondary")


def _rank(old: Any, new: Any, order: tuple[Any, ...]) -> int:
    """-1 when ``new`` comes before ``old`` in ``order`` (more important), 1 after, 0 else."""
    if old in order and new in order:
        return (order.index(new) > order.index(old)) - (order.index(new) < order.index(old))
    return 0


def _priority(field: str, old: Any, new: Any) -> str | None:
    if field == "tier" and isinstance(old, int) and isinstance(new, int):
        moved = (new > old) - (new < old)
    elif field == "priority":
        moved = _rank(old, new, _PRIORITIES)
    else:
        return None
    if moved < 0:
        return "now a higher-priority segment: spend more time here"
    if moved > 0:
        return "now a lower-priority segment: spend less time here"
    return None


def _threshold(path: str, old: Any, new: Any) -> str:
    if not (isinstance(old, int) and isinstance(new, int)) or old == new:
        return BY_IMPACT["breaking"]
    if path.endswith("strong_at"):
        return ("a strong lead now takes fewer yes answers: more calls move forward"
                if new < old else "a strong lead now takes more yes answers: qualify harder")
    return ("more leads are now disqualified: fewer yes answers keep a lead alive"
            if new > old else "fewer leads are disqualified: keep working the borderline ones")


def advise(kind: str, path: str, old: Any, new: Any, impact: str, **extra: Any) -> str:
    """The seller's sentence for one change (lower case, no final stop)."""
    field = path.split(".", 1)[0].split("[", 1)[0]
    simple = {
        "segment-added": "a new segment to prospect: read its page and checklist",
        "segment-removed": "we no longer pursue this segment: stop prospecting it",
        "segment-renamed": "the same segment under a new address: update your bookmarks",
        "knockout-changed": ("a no to this question now ends the deal: ask it early"
                             if new else
                             "a no to this question no longer ends the deal: keep qualifying"),
        "status-changed": ("proven by evidence now: sell to it with confidence"
                           if new == "validated" else
                           "back to an assumption: treat deals here as tests"),
    }
    if kind in simple:
        return simple[kind]
    if kind == "threshold-changed":
        return _threshold(path, old, new)
    if kind in ("item-added", "item-removed") and (said := _BY_ITEM.get(extra.get("what", ""))):
        return said[kind == "item-removed"]
    if impact == "wording":
        return BY_IMPACT["wording"]
    if kind == "value-changed" and (moved := _priority(field, old, new)):
        return moved
    if (leaf := path.rsplit(".", 1)[-1]) in _BY_LEAF and "." in path:
        return _BY_LEAF[leaf]
    return _BY_FIELD.get(field, BY_IMPACT.get(impact, BY_IMPACT["wording"]))
