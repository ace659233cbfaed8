"""The lint rules: one small function per ICP anti-pattern, each pointing at the line to blame.

Each rule is registered with its code (see :class:`icp_docs.diagnostics.Code`) and yields
warnings. Rules read the models only; they never parse files or touch MkDocs.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..diagnostics import Code, Diagnostic
from ..spec.load import Playbook, Segment
from ..spec.models import Money, Range

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Context:
    playbook: Playbook
    today: dt.date


PlaybookRule = Callable[[Context], Iterator[Diagnostic]]
SegmentRule = Callable[[Context, Segment], Iterator[Diagnostic]]
PLAYBOOK_RULES: list[tuple[Code, PlaybookRule]] = []
SEGMENT_RULES: list[tuple[Code, SegmentRule]] = []

#: A range wider than this (max / min) excludes almost nobody ("100-10,000 employees").
MAX_RANGE_RATIO = 20
#: Longest review gap before the playbook is stale (the seeds: review at least twice a year).
STALE_REVIEW_DAYS = 183
#: Evidence older than this no longer proves the segment.
STALE_EVIDENCE_DAYS = 365
#: Beyond these a checklist no longer fits one printed page.
MAX_CRITERIA = 14
MAX_CHECKLIST_CHARS = 1600
#: More core segments than this is no prioritisation at all.
MAX_CORE_SEGMENTS = 3


def playbook_rule(code: Code) -> Callable[[PlaybookRule], PlaybookRule]:
    def register(fn: PlaybookRule) -> PlaybookRule:
        PLAYBOOK_RULES.append((code, fn))
        return fn
    return register


def segment_rule(code: Code) -> Callable[[SegmentRule], SegmentRule]:
    def register(fn: SegmentRule) -> SegmentRule:
        SEGMENT_RULES.append((code, fn))
        return fn
    return register


def _warn(seg: Segment, code: Code, loc: Loc, message: str, *, key: bool = False) -> Diagnostic:
    return seg.source.diagnostic(code, loc, message, key=key)


def _ratio(value: Range | Money | None) -> float | None:
    if value is None or not value.min or value.max is None:
        return None
    return value.max / value.min


@segment_rule(Code.BROAD_RANGE)
def broad_range(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A firmographic range so wide it excludes nobody."""
    firm = seg.spec.firmographics
    for name, value in (("employees", firm.employees), ("revenue", firm.revenue)):
        ratio = _ratio(value)
        if ratio is not None and ratio > MAX_RANGE_RATIO and value is not None:
            yield _warn(seg, Code.BROAD_RANGE, ("firmographics", name),
                        f"{value.min:,.0f}-{value.max:,.0f} spans a factor of {ratio:,.0f}; a "
                        "real ICP excludes most companies: split it into segments or narrow it")
        elif value is not None and not value.min and value.max is None:
            yield _warn(seg, Code.BROAD_RANGE, ("firmographics", name),
                        f"{name} has no bounds, so it excludes nobody; give a min or a max")


_VAGUE = re.compile(
    r"\b(innovative|forward[- ]thinking|world[- ]class|best[- ]in[- ]class|cutting[- ]edge|"
    r"growing companies|companies that want to grow|want(?:s)? to grow|any company|"
    r"all sizes|everyone|every company|modern companies|disruptive|synerg\w*)\b",
    re.IGNORECASE,
)
_ENTERPRISE = re.compile(r"\benterprises?\b", re.IGNORECASE)


def _texts(seg: Segment) -> Iterator[tuple[Loc, str]]:
    spec = seg.spec
    yield ("label",), spec.label
    firm = spec.firmographics
    for name in ("industries", "geographies", "stages", "departments"):
        for i, text in enumerate(getattr(firm, name)):
            yield ("firmographics", name, i), text
    for i, text in enumerate(spec.jobs_to_be_done):
        yield ("jobs_to_be_done", i), text


@segment_rule(Code.VAGUE_WORDS)
def vague_words(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Words that sound like targeting but exclude nobody."""
    has_size = seg.spec.firmographics.employees is not None or \
        seg.spec.firmographics.revenue is not None
    for loc, text in _texts(seg):
        if match := _VAGUE.search(text):
            yield _warn(seg, Code.VAGUE_WORDS, loc,
                        f"'{match.group(0)}' is too vague to target: say what a seller could "
                        "check on a list of companies")
        elif not has_size and (match := _ENTERPRISE.search(text)):
            yield _warn(seg, Code.VAGUE_WORDS, loc,
                        f"'{match.group(0)}' without a size means nothing: add "
                        "firmographics.employees or revenue")


_TITLE = re.compile(
    r"\b(ceo|cfo|cto|coo|cmo|cro|ciso|vp|svp|evp|head of|chief|director|manager|officer|"
    r"engineer|analyst|specialist|executive|founder|controller|administrator|lead|owner)s?\b",
    re.IGNORECASE,
)
_PURPOSE = re.compile(r"\b(who|that|to|with|for|\w+ing)\b", re.IGNORECASE)


@segment_rule(Code.JOB_TITLE_LABEL)
def job_title_label(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A label that names a job title instead of WHO they are and WHAT they try to do."""
    label = seg.spec.label
    if _TITLE.search(label) and not _PURPOSE.search(_TITLE.sub("", label)):
        yield _warn(seg, Code.JOB_TITLE_LABEL, ("label",),
                    f"'{label}' reads like a job title; describe who they are and what they try "
                    "to do (e.g. 'Ops-heavy clinics automating patient intake')")


@segment_rule(Code.NO_TRIGGER)
def no_trigger(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Without a trigger event the segment has no urgency: why would they buy now?"""
    if not seg.spec.triggers:
        yield _warn(seg, Code.NO_TRIGGER, (), "no trigger events: name what makes them buy now "
                    "(a new executive, a funding round, a regulatory deadline)")


@segment_rule(Code.WEAK_TRIGGERS_ONLY)
def weak_triggers_only(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Only weak triggers ("they have the budget") do not cause buying activity."""
    triggers = seg.spec.triggers
    if triggers and all(t.strength == "weak" for t in triggers):
        yield _warn(seg, Code.WEAK_TRIGGERS_ONLY, ("triggers",),
                    "every trigger is weak; add at least one strong trigger that causes buying "
                    "activity")


@segment_rule(Code.UNREACHABLE)
def unreachable(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """An ICP no channel reaches is academic."""
    if not seg.spec.reachability:
        yield _warn(seg, Code.UNREACHABLE, (), "no reachability channel: if we cannot reach "
                    "them through paid, outbound, events, content or partners, the ICP is "
                    "academic")


@segment_rule(Code.DISQUALIFIES_NOBODY)
def disqualifies_nobody(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A segment with no disqualifier, no anti-ICP cousin and no knock-out question."""
    spec = seg.spec
    knockouts = any(c.knockout for c in spec.qualification.criteria)
    if not spec.disqualifiers and not spec.anti_icp and not knockouts:
        yield _warn(seg, Code.DISQUALIFIES_NOBODY, (),
                    "this segment disqualifies nobody: add disqualifiers, an anti-ICP cousin or a "
                    "knock-out criterion")


_PRODUCT_JOB = re.compile(
    r"^\s*(companies|teams|businesses|organi[sz]ations|firms|customers|people|users)\s+"
    r"(that|who|which)\s+(need|want|require|are looking for|use)\b",
    re.IGNORECASE,
)


@segment_rule(Code.PRODUCT_DEFINED_JOB)
def product_defined_job(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Jobs written as "companies that need <our product>" are solution-thinking."""
    product = ctx.playbook.spec.product.lower()
    for i, job in enumerate(seg.spec.jobs_to_be_done):
        if _PRODUCT_JOB.search(job) or (len(product) > 2 and product in job.lower()):
            yield _warn(seg, Code.PRODUCT_DEFINED_JOB, ("jobs_to_be_done", i),
                        "this job is defined by our product; write what the customer is trying "
                        "to get done, in their words")


@segment_rule(Code.NO_ECONOMIC_BUYER)
def no_economic_buyer(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Nobody who signs: the deal has no path to a signature."""
    if not any(p.role == "economic_buyer" for p in seg.spec.personas):
        yield _warn(seg, Code.NO_ECONOMIC_BUYER, ("personas",),
                    "no persona is the economic_buyer: who signs the order form?")


@segment_rule(Code.NO_CHAMPION)
def no_champion(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Nobody inside to carry the deal between calls."""
    if not any(p.role == "champion" for p in seg.spec.personas):
        yield _warn(seg, Code.NO_CHAMPION, ("personas",),
                    "no persona is a champion: who sells for us inside the account?")


@segment_rule(Code.NO_BUDGET_OWNER)
def no_budget_owner(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Budget authority is one of the eight dimensions: who approves spend?"""
    budget = seg.spec.budget
    if not budget:
        yield _warn(seg, Code.NO_BUDGET_OWNER, (), "no budget authority: say who recommends, "
                    "approves and can veto spend")
    elif not any(b.authority == "approves" for b in budget):
        yield _warn(seg, Code.NO_BUDGET_OWNER, ("budget",),
                    "nobody approves spend; name the role that approves and up to what limit")


@segment_rule(Code.NO_CLOSED_WON)
def no_closed_won(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A validated ICP is proven by customers who bought, not only by interviews."""
    spec = seg.spec
    if spec.status == "validated" and spec.evidence and \
            not any(e.kind == "closed_won" for e in spec.evidence):
        yield _warn(seg, Code.NO_CLOSED_WON, ("evidence",),
                    "validated without closed-won evidence; interviews and pilots support an "
                    "ECP, closed-won deals prove an ICP")


@segment_rule(Code.STALE_EVIDENCE)
def stale_evidence(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Evidence from long ago no longer proves today's segment."""
    for i, ev in enumerate(seg.spec.evidence):
        if ev.as_of and (ctx.today - ev.as_of).days > STALE_EVIDENCE_DAYS:
            yield _warn(seg, Code.STALE_EVIDENCE, ("evidence", i, "as_of"),
                        f"evidence as of {ev.as_of.isoformat()} is over a year old; refresh it "
                        "from recent customers")


_VENDOR = re.compile(
    r"\b(our (platform|solution|product|tool)|solutions?|leverag\w*|synerg\w*|onboarding|"
    r"roi|seamless\w*|empower\w*|unlock\w*|best[- ]in[- ]class|value proposition|"
    r"streamlin\w*|end-to-end|holistic)\b",
    re.IGNORECASE,
)


def _vendor_match(text: str, product: str) -> str | None:
    if match := _VENDOR.search(text):
        return match.group(0)
    if len(product) > 2 and product.lower() in text.lower():
        return product
    return None


@segment_rule(Code.VENDOR_LANGUAGE)
def vendor_language(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Journey quotes must be what the customer says, not what we say."""
    product = ctx.playbook.spec.product
    for stage, value in seg.spec.journey.items():
        quote = value if isinstance(value, str) else value.quote
        loc: Loc = ("journey", stage) if isinstance(value, str) else ("journey", stage, "quote")
        if word := _vendor_match(quote, product):
            yield _warn(seg, Code.VENDOR_LANGUAGE, loc,
                        f"'{word}' is vendor language; write the quote as the customer would "
                        "say it")


@segment_rule(Code.BANT_GAP)
def bant_gap(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A rubric that never asks about budget or timing cannot qualify a deal."""
    asked = {c.dimension for c in seg.spec.qualification.criteria}
    missing = [name for name, dims in (("budget", {"budget"}), ("timing", {"triggers"}),
                                       ("authority", {"persona", "budget"}))
               if not asked & dims]
    if missing:
        yield _warn(seg, Code.BANT_GAP, ("qualification", "criteria"),
                    f"no criterion asks about {' or '.join(missing)}; a seller cannot qualify "
                    "the deal without it")


@segment_rule(Code.CHECKLIST_TOO_LONG)
def checklist_too_long(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """The checklist must fit one printed page."""
    criteria = seg.spec.qualification.criteria
    chars = sum(len(c.question) for c in criteria)
    if len(criteria) > MAX_CRITERIA or chars > MAX_CHECKLIST_CHARS:
        yield _warn(seg, Code.CHECKLIST_TOO_LONG, ("qualification", "criteria"),
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


@playbook_rule(Code.VENDOR_LANGUAGE)
def vendor_language_stages(ctx: Context) -> Iterator[Diagnostic]:
    """The playbook's stage examples are customer quotes too."""
    spec = ctx.playbook.spec
    for i, stage in enumerate(spec.journey_stages):
        if word := _vendor_match(stage.example, spec.product):
            yield ctx.playbook.source.diagnostic(
                Code.VENDOR_LANGUAGE, ("journey_stages", i, "example"),
                f"'{word}' is vendor language; write the example as the customer would say it")


@playbook_rule(Code.TOO_MANY_CORE)
def too_many_core(ctx: Context) -> Iterator[Diagnostic]:
    """Every segment core means no segment is: prioritise."""
    core = [s for s in ctx.playbook.segments if s.spec.priority == "core"]
    if len(core) > MAX_CORE_SEGMENTS:
        names = ", ".join(s.id for s in core)
        yield ctx.playbook.source.diagnostic(
            Code.TOO_MANY_CORE, (),
            f"{len(core)} core segments ({names}); focus on at most {MAX_CORE_SEGMENTS} and mark "
            "the rest secondary")
