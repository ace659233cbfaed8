"""The lint rules about account data: match values no column can use (always), and, when an
evidence file is given, what the closed deals say about the segments the specs claim.

The evidence rules read :attr:`Context.evidence` (the file of ``icp-docs evidence``, see
:mod:`icp_docs.data.evidence_file`) and stay silent without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from ..data.evidence_file import Evidence, SegmentEvidence
from ..diagnostics import Code, Diagnostic
from ..spec.load import Segment
from ..spec.models import AntiICP, SegmentSpec
from .registry import Context, Loc, playbook_rule, segment_rule, warn

__all__ = ["MIN_DEALS_FOR_LIFT", "claimed_wins", "quarter_start", "unbacked"]

#: Fewer fitting deals than this prove nothing either way about a segment's lift.
MIN_DEALS_FOR_LIFT = 10


def _stage_signals(anti_icp: list[AntiICP], where: Loc) -> Iterator[tuple[Loc, str]]:
    """The anti-ICP signals that match on ``stage``, with their place."""
    for i, cousin in enumerate(anti_icp):
        for j, signal in enumerate(cousin.signals):
            if "stage" in signal.match:
                yield (*where, i, "signals", j), str(signal)


def _no_stage_column(ctx: Context) -> bool:
    return ctx.playbook.spec.accounts.columns.stage is None


_NO_STAGE = ("no account column holds a stage: HubSpot's export has none; name the column in "
             "playbook.yml (accounts.columns.stage) or drop the match values")


@segment_rule(Code.UNUSABLE_MATCH)
def unusable_match(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """Match values that no account column can be checked against: they read as if data
    checked them, and it never will."""
    firm = seg.spec.firmographics
    for i, term in enumerate(firm.departments):
        if term.match:
            yield warn(seg, Code.UNUSABLE_MATCH, ("firmographics", "departments", i),
                       f"'{term}' has match values, but accounts have no department column: "
                       "departments are for people; drop the match values")
    if not _no_stage_column(ctx):
        return
    for i, term in enumerate(firm.stages):
        if term.match:
            yield warn(seg, Code.UNUSABLE_MATCH, ("firmographics", "stages", i),
                       f"'{term}' has match values, but {_NO_STAGE}")
    for loc, signal in _stage_signals(seg.spec.anti_icp, ("anti_icp",)):
        yield warn(seg, Code.UNUSABLE_MATCH, loc, f"signal '{signal}' matches on stage, but "
                   f"{_NO_STAGE}")


@playbook_rule(Code.UNUSABLE_MATCH)
def unusable_global_match(ctx: Context) -> Iterator[Diagnostic]:
    """The same for the playbook's global anti-ICP signals."""
    if not _no_stage_column(ctx):
        return
    for loc, signal in _stage_signals(ctx.playbook.spec.anti_icp, ("anti_icp",)):
        yield ctx.playbook.source.diagnostic(
            Code.UNUSABLE_MATCH, loc, f"signal '{signal}' matches on stage, but {_NO_STAGE}")


def claimed_wins(spec: SegmentSpec) -> tuple[int, int] | None:
    """The largest ``closed_won`` count the segment's evidence claims, and its index."""
    counts = [(e.count, i) for i, e in enumerate(spec.evidence)
              if e.kind == "closed_won" and e.count is not None]
    return max(counts) if counts else None


def unbacked(spec: SegmentSpec, data: SegmentEvidence | None) -> tuple[Loc, str] | None:
    """Why the data does not back a ``validated`` segment (the place to blame and the words),
    or None when it does, or when the segment is a hypothesis. Fitting won deals count the
    churned ones: they were won before they left."""
    if spec.status != "validated":
        return None
    wins = 0 if data is None else data.wins
    if wins == 0:
        said = "no figures for it" if data is None else "no fitting won deal"
        return ("status",), (f"validated, but the evidence from data has {said}: score the "
                             "closed deals again, or set status: hypothesis")
    claim = claimed_wins(spec)
    if claim is not None and wins < claim[0]:
        return ("evidence", claim[1], "count"), (
            f"claims {claim[0]:,} closed-won deals, but the evidence from data has {wins:,} "
            "fitting won deals: correct the count or the segment's match values")
    return None


@segment_rule(Code.UNBACKED_VALIDATED)
def unbacked_validated(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A ``validated`` segment the closed deals do not back."""
    if ctx.evidence is None:
        return
    found = unbacked(seg.spec, ctx.evidence.segments.get(seg.spec.id))
    if found is not None:
        yield warn(seg, Code.UNBACKED_VALIDATED, *found)


def quarter_start(refresh: str) -> dt.date:
    """``2026-Q4`` -> 2026-10-01, the first day of the refresh's quarter."""
    year, quarter = refresh.split("-Q")
    return dt.date(int(year), 3 * int(quarter) - 2, 1)


@playbook_rule(Code.STALE_DATA)
def stale_data(ctx: Context) -> Iterator[Diagnostic]:
    """Evidence older than the refresh the specs are at: the figures describe specs that
    have changed since."""
    evidence: Evidence | None = ctx.evidence
    book = ctx.playbook.spec
    if evidence is None or evidence.as_of >= quarter_start(book.refresh):
        return
    yield ctx.playbook.source.diagnostic(
        Code.STALE_DATA, ("refresh",),
        f"the evidence from data ends {evidence.as_of.isoformat()}, before refresh "
        f"{book.refresh} began ({quarter_start(book.refresh).isoformat()}): run "
        "`icp-docs evidence` on this quarter's closed deals")


def no_lift(data: SegmentEvidence | None) -> bool:
    """Whether enough fitting deals win no better than the rest (lift of at most 1)."""
    return data is not None and data.deals >= MIN_DEALS_FOR_LIFT and \
        data.lift is not None and data.lift <= 1.0


@segment_rule(Code.NO_LIFT)
def no_lift_rule(ctx: Context, seg: Segment) -> Iterator[Diagnostic]:
    """A segment whose fitting accounts win no more often than accounts that do not fit:
    it does not tell good accounts from the rest."""
    if ctx.evidence is None:
        return
    data = ctx.evidence.segments.get(seg.spec.id)
    if data is not None and no_lift(data):
        yield warn(seg, Code.NO_LIFT, ("id",),
                   f"{data.deals:,} fitting deals win {data.win_rate or 0:.0%}, non-fits "
                   f"{data.non_fit.win_rate or 0:.0%} (lift {data.lift:.2f}): the segment "
                   "does not pick better accounts; narrow it or rethink it")
