"""The figures from data that the pages show: per segment (its page's "From the data" block)
and for the fit report page, with their charts (see :mod:`.charts`).

Pure functions of the playbook and an evidence file (:mod:`icp_docs.data.evidence_file`);
the templates print what is here and compute nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..data.evidence_file import Evidence, SegmentEvidence
from ..lint.data import claimed_wins, no_lift, unbacked
from ..spec.load import Segment
from ..spec.models import SegmentSpec
from . import charts, filters
from .charts import Bar, Group, percent

__all__ = ["Figures", "fit_context", "segment_figures"]


@dataclass(frozen=True)
class Figures:
    """One segment's figures from data, as its page and the fit report show them."""

    spec: SegmentSpec
    data: SegmentEvidence | None
    #: Share of all won deals whose account fits here (the base of ``unmatched_won_share``).
    coverage: float | None
    #: For a validated segment: whether the data backs it, and why not.
    backed: bool | None
    why_not: str | None
    claimed: int | None
    no_lift: bool

    @property
    def lift(self) -> str:
        """The lift as people read it: "1.39x", or "n/a"."""
        if self.data is None or self.data.lift is None:
            return "n/a"
        return f"{self.data.lift:.2f}\u00d7"


def _label(spec: SegmentSpec) -> str:
    # The words alone: a chart's text shows no Markdown.
    return filters.text_only(spec.label)


def segment_figures(spec: SegmentSpec, evidence: Evidence) -> Figures:
    """The figures of one segment (``data`` None when the file has none for it)."""
    data = evidence.segments.get(spec.id)
    coverage = None if data is None or evidence.won == 0 else data.won / evidence.won
    verdict = unbacked(spec, data)
    backed = None if spec.status != "validated" else verdict is None
    claim = claimed_wins(spec)
    return Figures(spec, data, coverage, backed, verdict[1] if verdict else None,
                   claim[0] if claim else None, no_lift(data))


def win_rate_chart(rows: Sequence[Figures], title: str) -> Markup:
    """Win rate of fitting accounts against the rest, per segment."""
    groups = [Group(_label(r.spec), [Bar("Fits", r.data.win_rate or 0.0, percent(r.data.win_rate)),
                                   Bar("Non-fits", r.data.non_fit.win_rate or 0.0,
                                       percent(r.data.non_fit.win_rate))])
              for r in rows if r.data is not None]
    desc = "; ".join(f"{_label(r.spec)}: fits win {percent(r.data.win_rate)}, non-fits "
                     f"{percent(r.data.non_fit.win_rate)}" for r in rows if r.data is not None)
    return Markup(charts.bars(title, desc, groups, 1.0))


def coverage_chart(rows: Sequence[Figures], evidence: Evidence) -> Markup:
    """The share of won deals each segment covers, and the share no segment does."""
    groups = [Group(_label(r.spec), [Bar("Won deals", r.coverage or 0.0, percent(r.coverage))])
              for r in rows]
    missed = evidence.unmatched_won_share
    groups.append(Group("No segment: customers the ICP misses",
                        [Bar("Won deals", missed or 0.0, percent(missed))]))
    desc = "; ".join(f"{g.label}: {g.bars[0].text} of won deals" for g in groups)
    return Markup(charts.bars("Share of won deals that fit each segment", desc, groups, 1.0))


def grades_chart(rows: Sequence[Figures]) -> Markup:
    """How the deals' accounts grade in each segment."""
    stacked = [(_label(r.spec), r.data.grades.items()) for r in rows if r.data is not None]
    desc = "; ".join(f"{label}: " + ", ".join(f"{n} {c:,}" for n, c in parts)
                     for label, parts in stacked)
    return Markup(charts.stacked("Grades of the deals' accounts, by segment", desc, stacked))


def knockout_chart(evidence: Evidence) -> Markup:
    """Lost and churned deals by the knock-out that would have caught them."""
    top = max((max(k.lost, k.churned) for k in evidence.knockouts), default=0)
    groups = [Group(k.reason, [Bar("Lost", k.lost, f"{k.lost:,}"),
                               Bar("Churned", k.churned, f"{k.churned:,}")])
              for k in evidence.knockouts]
    desc = "; ".join(f"{k.reason}: {k.lost:,} lost, {k.churned:,} churned"
                     for k in evidence.knockouts)
    return Markup(charts.bars("Knock-outs among lost and churned deals", desc, groups, top))


def fit_context(segments: Sequence[Segment], evidence: Evidence | None) -> dict[str, Any]:
    """What the fit report page prints (``evidence`` None: the page says how to get one)."""
    if evidence is None:
        return {"evidence": None, "figures": []}
    rows = [segment_figures(s.spec, evidence) for s in segments]
    with_data = [r for r in rows if r.data is not None]
    return {
        "evidence": evidence, "figures": rows,
        "win_chart": win_rate_chart(with_data, "Win rate of fitting accounts against the "
                                    "rest, by segment") if with_data else None,
        "coverage_chart": coverage_chart(rows, evidence),
        "grades_chart": grades_chart(with_data) if with_data else None,
        "knockout_chart": knockout_chart(evidence) if evidence.knockouts else None,
        "unknown_segments": sorted(set(evidence.segments) - {s.spec.id for s in segments}),
    }


def segment_data_context(spec: SegmentSpec, evidence: Evidence | None) -> dict[str, Any]:
    """What a segment page's "From the data" block prints."""
    if evidence is None:
        return {"evidence": None, "figures": None, "data_chart": None}
    figures = segment_figures(spec, evidence)
    chart = None if figures.data is None else win_rate_chart(
        [figures], f"Win rate of fitting accounts against the rest: {_label(spec)}")
    return {"evidence": evidence, "figures": figures, "data_chart": chart}
