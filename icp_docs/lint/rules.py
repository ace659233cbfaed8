"""The lint rules about a playbook's substance: who it targets, why now, who signs, and how
fresh the proof is. Rules about wording live in :mod:`.language`.

Each rule is one small function registered with its code (see
:class:`icp_docs.diagnostics.Code`) and yields warnings that point at the line to blame. The
thresholds below come from the ICP frameworks the project follows.
"""

from __future__ import annotations

import os
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction

from ..diagnostics import Code, Diagnostic
from ..money import as_written
from ..spec.load import Segment
from . import data as data  # registers the rules about account data
from . import language as language  # registers the wording rules
from . import sizes  # registers size-word-industry; no-company-size names its words
from . import voice as voice  # registers not-their-words
from .registry import (
    PLAYBOOK_RULES,
    SEGMENT_RULES,
    Context,
    Labelled,
    playbook_rule,
    segment_rule,
    warn,
)

__all__ = ["PLAYBOOK_RULES", "SEGMENT_RULES", "Context"]

#: A range wider than this (max / min) excludes almost nobody ("100-10,000 employees").
MAX_RANGE_RATIO = 20
#: Longest review gap before the playbook is stale (the frameworks: a full review every six
#: months, a refresh every quarter).
STALE_REVIEW_DAYS = 183
#: Evidence older than this no longer proves the segment.
STALE_EVIDENCE_DAYS = 365
#: Beyond these a checklist no longer fits one printed page (A4 or US Letter) at the smallest
#: type of the print stylesheet: see icp_docs.printing.sheet, and tests/test_print.py, which
#: prints the longest checklists these allow.
MAX_CRITERIA = 14
MAX_CHECKLIST_CHARS = 1400
#: More core segments than this is no prioritisation at all.
MAX_CORE_SEGMENTS = 3


def _written(value: int | float) -> Decimal:
    """A count exactly, an amount by its shortest decimal: the number as the spec wrote it
    (``1e30`` rather than the float's 1,000,000,000,000,000,019,884,624,838,656)."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def _too_broad(low: int | float, high: int | float) -> str | None:
    """The warning for a range whose top is more than :data:`MAX_RANGE_RATIO` times its
    bottom. The ratio is exact, of the numbers as written: a float quotient rounds large
    counts and overflows past 1e308 (OverflowError from ints, ``inf`` from floats)."""
    ratio = Fraction(_written(high)) / Fraction(_written(low))
    if ratio <= MAX_RANGE_RATIO:
        return None
    return (f"{as_written(low)}-{as_written(high)} spans a factor of {round(ratio):,}; a real ICP "
            "excludes most companies: split it into segments or narrow it")


@segment_rule(Code.BROAD_RANGE)
def broad_range(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A firmographic range so wide it excludes nobody."""
    firm = seg.spec.firmographics
    for name, value in (("employees", firm.employees), ("revenue", firm.revenue)):
        if value is None:
            continue
        if value.min and value.max is not None:
            if message := _too_broad(value.min, value.max):
                yield warn(seg, Code.BROAD_RANGE, ("firmographics", name), message)
        elif not value.min and value.max is None:
            yield warn(seg, Code.BROAD_RANGE, ("firmographics", name),
                       f"{name} has no bounds, so it excludes nobody; give a min or a max")


@segment_rule(Code.NO_COMPANY_SIZE)
def no_company_size(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Without a size, nobody can build the list of accounts to call. A size word in the
    label ("Enterprise payroll teams") is the same gap, named here rather than in a second
    (vague-words) warning; one given as an industry is :func:`.sizes.size_word_industry`'s."""
    firm = seg.spec.firmographics
    if firm.employees is None and firm.revenue is None:
        said = sizes.unsized_word(seg)
        why = f", so '{said[0]}' in {said[1]} means nothing" if said else ""
        yield warn(seg, Code.NO_COMPANY_SIZE, ("firmographics",),
                   f"no company size{why}: give employees or revenue, so that a seller can "
                   "build the list of accounts tomorrow")


@segment_rule(Code.NO_TRIGGER)
def no_trigger(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Without a trigger event the segment has no urgency: why would they buy now?"""
    if not seg.spec.triggers:
        yield warn(seg, Code.NO_TRIGGER, ("triggers",), "no trigger events: name what makes "
                   "them buy now (a new executive, a funding round, a regulatory deadline)")


@segment_rule(Code.WEAK_TRIGGERS_ONLY)
def weak_triggers_only(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Only weak triggers ("they have the budget") do not cause buying activity."""
    triggers = seg.spec.triggers
    if triggers and all(t.strength == "weak" for t in triggers):
        yield warn(seg, Code.WEAK_TRIGGERS_ONLY, ("triggers",),
                   "every trigger is weak; add at least one strong trigger that causes buying "
                   "activity")


@segment_rule(Code.UNREACHABLE)
def unreachable(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """An ICP no channel reaches is academic."""
    if not seg.spec.reachability:
        yield warn(seg, Code.UNREACHABLE, ("reachability",), "no reachability channel: if we "
                   "cannot reach them through paid, outbound, events, content or partners, the "
                   "ICP is academic")


@segment_rule(Code.DISQUALIFIES_NOBODY)
def disqualifies_nobody(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A segment with no disqualifier, no anti-ICP cousin and no knock-out question."""
    spec = seg.spec
    knockouts = any(c.knockout for c in spec.qualification.criteria)
    if not spec.disqualifiers and not spec.anti_icp and not knockouts:
        yield warn(seg, Code.DISQUALIFIES_NOBODY, ("disqualifiers",),
                   "this segment disqualifies nobody: add disqualifiers, an anti-ICP cousin or "
                   "a knock-out criterion")


@segment_rule(Code.NO_ECONOMIC_BUYER)
def no_economic_buyer(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Nobody who signs: the deal has no path to a signature."""
    if not any(p.role == "economic_buyer" for p in seg.spec.personas):
        yield warn(seg, Code.NO_ECONOMIC_BUYER, ("personas",),
                   "no persona is the economic_buyer: who signs the order form?")


@segment_rule(Code.NO_CHAMPION)
def no_champion(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Nobody inside to carry the deal between calls."""
    if not any(p.role == "champion" for p in seg.spec.personas):
        yield warn(seg, Code.NO_CHAMPION, ("personas",),
                   "no persona is a champion: who sells for us inside the account?")


@segment_rule(Code.NO_BUDGET_OWNER)
def no_budget_owner(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Budget authority is one of the eight dimensions: who approves spend?"""
    budget = seg.spec.budget
    if not budget:
        yield warn(seg, Code.NO_BUDGET_OWNER, ("budget",), "no budget authority: say who "
                   "recommends, approves and can veto spend")
    elif not any(b.authority == "approves" for b in budget):
        yield warn(seg, Code.NO_BUDGET_OWNER, ("budget",),
                   "nobody approves spend; name the role that approves and up to what limit")


@segment_rule(Code.NO_CLOSED_WON)
def no_closed_won(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A validated ICP is proven by customers who bought, not only by interviews."""
    spec = seg.spec
    if spec.status == "validated" and spec.evidence and \
            not any(e.kind == "closed_won" for e in spec.evidence):
        yield warn(seg, Code.NO_CLOSED_WON, ("evidence",),
                   "validated without closed-won evidence; interviews and pilots support an "
                   "ECP, closed-won deals prove an ICP")


@segment_rule(Code.STALE_EVIDENCE)
def stale_evidence(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Evidence from long ago no longer proves today's segment."""
    for i, ev in enumerate(seg.spec.evidence):
        if ev.as_of and (ctx.today - ev.as_of).days > STALE_EVIDENCE_DAYS:
            yield warn(seg, Code.STALE_EVIDENCE, ("evidence", i, "as_of"),
                       f"evidence as of {ev.as_of.isoformat()} is over a year old; refresh it "
                       "from recent customers")


@segment_rule(Code.BANT_GAP)
def bant_gap(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A rubric that never asks about budget, timing or authority cannot qualify a deal."""
    asked = {c.dimension for c in seg.spec.qualification.criteria}
    missing = [name for name, dims in (("budget", {"budget"}), ("timing", {"triggers"}),
                                       ("authority", {"persona", "budget"}))
               if not asked & dims]
    if missing:
        yield warn(seg, Code.BANT_GAP, ("qualification", "criteria"),
                   f"no criterion asks about {' or '.join(missing)}; a seller cannot qualify "
                   "the deal without it")


@segment_rule(Code.CHECKLIST_TOO_LONG)
def checklist_too_long(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """The checklist must fit one printed page."""
    criteria = seg.spec.qualification.criteria
    chars = sum(len(c.question) for c in criteria)
    if len(criteria) > MAX_CRITERIA or chars > MAX_CHECKLIST_CHARS:
        yield warn(seg, Code.CHECKLIST_TOO_LONG, ("qualification", "criteria"),
                   f"{len(criteria)} criteria ({chars} characters) will not fit one printed "
                   f"page; keep to {MAX_CRITERIA} short questions")


@playbook_rule(Code.STALE_REVIEW)
def stale_review(ctx: Context) -> Iterator[Diagnostic]:
    """ICPs drift; review at least every six months."""
    spec = ctx.playbook.spec
    age = (ctx.today - spec.reviewed_on).days
    if age > STALE_REVIEW_DAYS:
        yield ctx.playbook.source.diagnostic(
            Code.STALE_REVIEW, ("reviewed_on",),
            f"last reviewed {age} days ago ({spec.reviewed_on.isoformat()}); review the "
            "playbook at least every six months")


@playbook_rule(Code.TOO_MANY_CORE)
def too_many_core(ctx: Context) -> Iterator[Diagnostic]:
    """Every segment core means no segment is: prioritise."""
    core = [s for s in ctx.ranking if not s.secondary]
    if len(core) > MAX_CORE_SEGMENTS:
        names = ", ".join(s.id for s in core[:5]) + (", ..." if len(core) > 5 else "")
        yield ctx.playbook.source.diagnostic(
            Code.TOO_MANY_CORE, (),
            f"{len(core)} core segments ({names}); focus on at most {MAX_CORE_SEGMENTS} and "
            "mark the rest secondary")


@playbook_rule(Code.NO_GLOBAL_ANTI_ICP)
def no_global_anti_icp(ctx: Context) -> Iterator[Diagnostic]:
    """Every ICP has look-alike cousins; the ones no segment should take are named once."""
    if not ctx.playbook.spec.anti_icp:
        yield ctx.playbook.source.diagnostic(
            Code.NO_GLOBAL_ANTI_ICP, ("anti_icp",),
            "no global anti_icp: name the engagements we never take, whichever segment they "
            "resemble")


@playbook_rule(Code.NO_SEGMENTS)
def no_segments(ctx: Context) -> Iterator[Diagnostic]:
    """A playbook without segments checks nothing: say so rather than pass in silence (a
    misnamed ``segments`` folder would otherwise validate cleanly). Segment files left out
    for their errors say so themselves."""
    if not ctx.ranking and not ctx.playbook.broken:
        folder = os.path.join(os.path.dirname(ctx.playbook.source.path), "segments")
        where = (f"{folder} is a file, not a folder of <id>.yml files"
                 if (ctx.playbook.root / "segments").is_file()
                 else f"{folder}/ holds no valid <id>.yml file")
        yield ctx.playbook.source.diagnostic(
            Code.NO_SEGMENTS, (),
            f"the playbook has no usable segment: {where} "
            "(start one with `icp-docs new segment ID`)")


@playbook_rule(Code.UNREAD_FILE)
def unread_file(ctx: Context) -> Iterator[Diagnostic]:
    """A spec file the loader passes over would be missing from the site and the checks
    without a word: ``emea.YML``, a file in a sub-folder of ``segments/``, or a
    ``playbook.yaml`` beside ``playbook.yml``."""
    book = ctx.playbook
    for path in book.unread:
        name = os.path.basename(path)
        target = name.lower()
        if os.path.dirname(path) == os.path.dirname(book.source.path):
            other = os.path.basename(book.source.path)
            yield Diagnostic(path, 1, 1, Code.UNREAD_FILE, "", f"this file is not read: {other} "
                             f"is, beside it; keep one of the two, merging what this one says "
                             f"into {other}")
            continue
        if name.endswith((".yml", ".yaml")):
            fix = "segment files are read only directly in segments/; move it there"
        else:
            fix = f"segment file names end in .yml or .yaml, in small letters; rename it to " \
                f"{target}"
        stem = os.path.splitext(target)[0]
        if any(s.id == stem for s in ctx.ranking) or stem in book.broken:
            fix += f", but segments/ has a {stem} segment already: merge the two files"
        yield Diagnostic(path, 1, 1, Code.UNREAD_FILE, "", f"this file is not read: {fix}")


def label_key(label: str) -> str:
    """A label as a reader tells it from another: without case, spacing, or punctuation at
    its ends ("Payroll teams", "payroll  Teams." and "'Payroll teams'" read the same)."""
    text = "".join(unicodedata.normalize("NFKC", label).casefold().split())
    ends = [i for i, c in enumerate(text) if not unicodedata.category(c).startswith("P")]
    return text[ends[0]:ends[-1] + 1] if ends else ""


@playbook_rule(Code.DUPLICATE_LABEL)
def duplicate_label(ctx: Context) -> Iterator[Diagnostic]:
    """Two segments labelled alike cannot be told apart in the navigation, the tables or
    print: each file warns at its label, naming the others."""
    alike: defaultdict[str, list[Labelled]] = defaultdict(list)
    for labelled in ctx.labels:
        alike[label_key(labelled.label)].append(labelled)
    for group in alike.values():
        for me in group if len(group) > 1 else ():
            others = [o for o in group if o is not me]
            named = ", ".join(o.path if o.label == me.label else f"{o.path} ('{o.label}')"
                                 for o in others)
            alone = all(o.label == me.label for o in others)
            how = "" if alone else " but for case, spacing or punctuation at the ends"
            yield Diagnostic(me.path, me.line, me.column, Code.DUPLICATE_LABEL, "label",
                             f"the same label as {named}{how}: readers cannot tell the "
                             "segments apart in the navigation, the tables or print; say in "
                             "each label what sets the segment apart")
