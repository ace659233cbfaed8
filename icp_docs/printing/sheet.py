"""What a printed checklist says: pure functions from the spec to the few facts a seller reads.

A checklist sheet is one printed page. It carries the segment's label and tier, a short "who and
why now" (top firmographics, the strongest triggers, the top disqualifiers), every criterion,
the scoring rule with the segment's effective thresholds, room for notes and a footer stamp.
The templates call these functions (:data:`TEMPLATE_GLOBALS`); nothing here knows about MkDocs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

from ..money import money_range
from ..spec.models import Criterion, Range, SegmentSpec
from .stamp import describe

Density = Literal["roomy", "compact", "tight"]

#: How many items each "who and why now" column shows; the page has room for no more.
TOP_ITEMS = 3


@dataclass(frozen=True)
class Setting:
    """One density of print.css, measured with real pages: the criteria list must stay within
    ``budget_mm`` so that the notes box keeps its share of the page.

    Conservative on both papers: characters per line are measured on A4 (the narrower text
    block, 186 mm) with the widest right-hand column (a knock-out "technographics"), less the
    longest words' wrapping; budgets on US Letter (the shorter page area, 255 mm), less the
    heading, the summary at its clamped maximum, the score and the footer.
    """

    name: Density
    chars_per_line: int  # the fewest characters of a question a printed line holds
    line_mm: float  # one line of a question
    item_mm: float  # a criterion's padding and rule
    budget_mm: float  # the criteria list's share of the page

    def height(self, criteria: Sequence[Criterion]) -> float:
        """Estimated height of the criteria list at this density, in millimetres."""
        lines = sum(max(1, math.ceil(len(c.question) / self.chars_per_line)) for c in criteria)
        return lines * self.line_mm + len(criteria) * self.item_mm


#: Loosest first. The budgets leave the notes at least 40, 33 and 20 mm. The lint rule W117
#: (checklist-too-long) warns before "tight" overflows; tests/test_print.py prints the largest
#: checklist each density accepts.
SETTINGS: tuple[Setting, ...] = (
    Setting("roomy", chars_per_line=62, line_mm=5.04, item_mm=4.26, budget_mm=120.0),
    Setting("compact", chars_per_line=72, line_mm=4.59, item_mm=3.05, budget_mm=136.0),
    Setting("tight", chars_per_line=86, line_mm=4.13, item_mm=2.06, budget_mm=156.0),
)


def density(criteria: Sequence[Criterion]) -> Density:
    """How tightly to set the checklist so it stays on one page: the loosest that fits."""
    for setting in SETTINGS:
        if setting.height(criteria) <= setting.budget_mm:
            return setting.name
    return SETTINGS[-1].name


def fits(criteria: Sequence[Criterion]) -> bool:
    """Whether the criteria fit one printed page even at the tightest density."""
    tight = SETTINGS[-1]
    return tight.height(criteria) <= tight.budget_mm


#: What each score means, best first: every number of yes answers falls in one band.
BANDS = ("strong lead", "nurture", "disqualify")


def scoring_bands(strong_at: int, disqualify_below: int) -> list[tuple[str, str]]:
    """Every band of scores, best first, as (scores, name): ``("5 or more yes", "strong
    lead")``, ``("3-4 yes", "nurture")``, ``("fewer than 3 yes", "disqualify")``. The middle
    band is the scores between the two thresholds; a threshold of 0 leaves no one
    disqualified by the count."""
    strong, low = strong_at, min(disqualify_below, strong_at)
    bands = [(f"{strong} or more yes", BANDS[0])]
    top = strong - 1
    if low <= top:
        if low == top:
            scores = f"{low} yes" if low else "no yes at all"
        elif low == 0:
            scores = f"fewer than {strong} yes"
        else:
            scores = f"{low}-{top} yes"
        bands.append((scores, BANDS[1]))
    if low == 1:
        bands.append(("no yes at all", BANDS[2]))
    elif low > 1:
        bands.append((f"fewer than {low} yes", BANDS[2]))
    return bands


def scoring_rule(strong_at: int, disqualify_below: int) -> str:
    """The rule printed under the checklist, every score named, e.g. "5 or more yes: strong
    lead; 3-4 yes: nurture; fewer than 3 yes: disqualify"."""
    return "; ".join(f"{scores}: {name}" for scores, name in
                     scoring_bands(strong_at, disqualify_below))


def _span(value: Range) -> str | None:
    # Counts are ints, shown whole and exactly (as a float, 10**400 would overflow).
    if value.min is not None and value.max is not None:
        return f"{value.min:,}-{value.max:,}"
    if value.min is not None:
        return f"{value.min:,}+"
    if value.max is not None:
        return f"up to {value.max:,}"
    return None


def _listed(items: Sequence[str], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def who(spec: SegmentSpec, currency: str) -> list[str]:
    """The top firmographics, as short lines: industries, size and revenue, places."""
    firm = spec.firmographics
    lines = [_listed(firm.industries, TOP_ITEMS)]
    size: list[str] = []
    if firm.employees and (text := _span(firm.employees)):
        size.append(f"{text} employees")
    if firm.revenue and (firm.revenue.min is not None or firm.revenue.max is not None):
        revenue = firm.revenue
        size.append(f"{money_range(revenue.min, revenue.max, revenue.currency or currency)} "
                    "revenue")
    if size:
        lines.append(", ".join(size))
    if firm.geographies:
        lines.append(_listed(firm.geographies, TOP_ITEMS + 1))
    return lines[:TOP_ITEMS]


def why_now(spec: SegmentSpec) -> list[str]:
    """The most urgent triggers, ordered as on the segment page (strong first, then the
    shortest window), each with its window; a weak one says so."""
    ranked = sorted(spec.triggers, key=lambda t: t.urgency)
    lines = []
    for t in ranked[:TOP_ITEMS]:
        notes = ["weak"] * (t.strength == "weak")
        notes += [f"last {t.window_days} days"] * bool(t.window_days)
        lines.append(t.event + (f" ({', '.join(notes)})" if notes else ""))
    return lines


def walk_away(spec: SegmentSpec) -> list[str]:
    """The top disqualifiers; the anti-ICP cousins when the segment lists no disqualifier."""
    if spec.disqualifiers:
        return [d.detail for d in spec.disqualifiers[:TOP_ITEMS]]
    return [f"{a.name}: {a.why_not}" for a in spec.anti_icp[:TOP_ITEMS]]


def _scoring_rule_markup(strong_at: int, disqualify_below: int) -> Markup:
    # Our own words and numbers, nothing from a spec: safe as they are, and kept readable in
    # the generated Markdown rather than entity-escaped.
    return Markup(scoring_rule(strong_at, disqualify_below))


#: What the checklist templates can call (registered as Jinja globals by the render
#: environment). Each returns plain text; the templates pass spec text through ``inline``.
TEMPLATE_GLOBALS = {
    "checklist_density": density,
    "checklist_who": who,
    "checklist_why_now": why_now,
    "checklist_walk_away": walk_away,
    "scoring_rule": _scoring_rule_markup,
    "revision_text": describe,
}
