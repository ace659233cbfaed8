"""The reference scorer: the fit model applied row by row in plain Python.

It is the oracle the SQL is tested against (the same rows must get the same segments, grades,
scores and reasons) and the "plain-Python scorer" of the benchmark. A row is a mapping of the
canonical fields (``name``, ``industry``, ``employees``, ...) to cell values: text, numbers
or ``None``; a missing field is unknown.

The reason texts are built by the small ``*_reason`` functions below; :mod:`.compile` builds
the same words in SQL, and the tests hold the two to each other.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .model import (
    BONUS_POINTS,
    GRADES,
    Entry,
    FitModel,
    RangeCheck,
    SegmentModel,
    SignalCheck,
    TextCheck,
    norm,
    shown,
    split_list,
)

Row = Mapping[str, object]

#: Numbers at or beyond this size are unknown: no engine overflows on them after a rate.
NUMBER_LIMIT = 1e300
#: Numbers at or beyond this size are shown in words, not digits (no engine's integer types
#: have to hold them).
SHOWN_LIMIT = 10**15
#: ``icp_reasons`` of a row that no segment applies to.
NOTHING_KNOWN = "no segment's criteria known"


@dataclass(frozen=True)
class SegmentResult:
    """One row against one segment."""

    id: str
    tier: int
    order: int
    #: "A"-"D", or None when the row can check none of the segment's dimensions.
    grade: str | None
    score: int | None
    known: int
    stated: int
    knocked_out: bool
    reasons: tuple[str, ...]

    @property
    def known_text(self) -> str:
        """How much the row could check: "4 of 5"."""
        return f"{self.known} of {self.stated}"

    @property
    def reasons_text(self) -> str:
        """The reasons as one cell, joined with "; "."""
        return "; ".join(self.reasons)

    def rank(self) -> tuple[int, int, int, int]:
        """Larger is better: grade, then score, then the lower tier, then playbook order."""
        assert self.grade is not None and self.score is not None
        return (-GRADES.index(self.grade), self.score, -self.tier, -self.order)


@dataclass(frozen=True)
class AccountResult:
    """One row against every segment of the model, and the best of them."""

    segments: tuple[SegmentResult, ...]
    best: SegmentResult | None

    def outputs(self) -> dict[str, object]:
        """The ``icp_*`` columns of the row (None where empty)."""
        best = self.best
        if best is None:
            return {"icp_segment": None, "icp_tier": None, "icp_grade": None,
                    "icp_score": None, "icp_reasons": NOTHING_KNOWN, "icp_known": None}
        return {"icp_segment": best.id, "icp_tier": best.tier, "icp_grade": best.grade,
                "icp_score": best.score, "icp_reasons": best.reasons_text,
                "icp_known": best.known_text}


def score_rows(model: FitModel, rows: Iterable[Row], *, as_of: dt.date
               ) -> Iterator[AccountResult]:
    """:func:`score_account` for each row, in order."""
    for row in rows:
        yield score_account(model, row, as_of=as_of)


def score_account(model: FitModel, row: Row, *, as_of: dt.date) -> AccountResult:
    """Score one row against every segment; the best is the highest grade, then score, then
    the lowest tier, then the first in the playbook."""
    cells = _Cells(row, as_of)
    results = tuple(score_segment(model, s, cells) for s in model.segments)
    graded = [r for r in results if r.score is not None]
    return AccountResult(results, max(graded, key=SegmentResult.rank) if graded else None)


def grade(model: FitModel, score: int) -> str:
    """The grade of a score by the playbook's thresholds."""
    a, b, c = model.grades
    return "A" if score >= a else "B" if score >= b else "C" if score >= c else "D"


def base_score(met: int, checked: int) -> int:
    """100 * met / checked rounded half up, in integers (as SQL computes it)."""
    return (200 * met + checked) // (2 * checked)


def score_segment(model: FitModel, segment: SegmentModel, cells: _Cells) -> SegmentResult:
    """One row against one segment."""
    knockouts = [*_red_flags(segment.red_flags, cells), *_signal_hits(segment.signals, cells)]
    met = checked = 0
    said: list[str] = []
    for check in segment.checks:
        status, reason = _check(check, cells)
        if status is not None:
            checked += 1
            met += status
            if not status and isinstance(check, RangeCheck) and check.knockout:
                knockouts.append(reason)
                continue
        said.append(reason)
    bonus = [e for e in segment.bonus if _in_list(e, cells.items("technologies"))]
    said += [bonus_reason(e) for e in bonus]
    head = [known_reason(checked, segment.stated)] if 2 * checked < segment.stated else []
    if knockouts:
        score: int | None = 0
    elif checked:
        score = min(100, base_score(met, checked) + BONUS_POINTS * len(bonus))
    else:
        score = None
    return SegmentResult(
        id=segment.id, tier=segment.tier, order=segment.order,
        grade=None if score is None else "D" if knockouts else grade(model, score),
        score=score, known=checked, stated=segment.stated, knocked_out=bool(knockouts),
        reasons=(*head, *knockouts, *said))


class _Cells:
    """A row's cells as the model reads them: text shown and normalised, lists split,
    numbers as finite floats or None."""

    def __init__(self, row: Row, as_of: dt.date) -> None:
        self.row = row
        self.as_of = as_of

    def text(self, field: str) -> str | None:
        value = self.row.get(field)
        if value is None:
            return None
        text = shown(value if isinstance(value, str) else str(value))
        return text or None

    def items(self, field: str) -> tuple[str, ...] | None:
        value = self.text(field)
        return None if value is None else split_list(value)

    def age(self) -> float | None:
        year = self.number("founded_year")
        return None if year is None else self.as_of.year - year

    def number(self, field: str) -> float | None:
        value = self.row.get(field)
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        number = float(value)
        return number if -NUMBER_LIMIT < number < NUMBER_LIMIT else None


def _in_list(entry: Entry, items: tuple[str, ...] | None) -> bool:
    return items is not None and any(v in items for v in entry.values)


def _red_flags(flags: tuple[Entry, ...], cells: _Cells) -> Iterator[str]:
    items = cells.items("technologies")
    for flag in flags:
        if _in_list(flag, items):
            yield red_flag_reason(flag)


def _signal_hits(signals: tuple[SignalCheck, ...], cells: _Cells) -> Iterator[str]:
    for signal in signals:
        for field, values in signal.fields:
            hit = _signal_value(field, values, cells)
            if hit is not None:
                yield signal_reason(signal.name, field, hit)
                break


def _signal_value(field: str, values: tuple[Entry, ...], cells: _Cells) -> str | None:
    """What the reason shows when the field matches: the cell, or for the technologies list
    the first matching value as the spec wrote it."""
    if field == "technologies":
        items = cells.items(field)
        return next((v.text for v in values if _in_list(v, items)), None)
    text = cells.text(field)
    if text is not None and any(norm(text) in v.values for v in values):
        return text
    return None


def _check(check: TextCheck | RangeCheck, cells: _Cells) -> tuple[int | None, str]:
    """(1 met, 0 not met or None unknown, the reason)."""
    if isinstance(check, RangeCheck):
        return _range(check, cells)
    if check.field == "technologies":
        items = cells.items("technologies")
        if items is None:
            return None, unknown_reason(check.dimension)
        found = next((e for e in check.entries if _in_list(e, items)), None)
        return (1, uses_reason(found)) if found else (0, uses_none_reason(check))
    text = cells.text(check.field)
    if text is None:
        return None, unknown_reason(check.dimension)
    key = norm(text)
    found = next((e for e in check.entries if key in e.values), None)
    return (1, text_reason(check, text, found)) if found else (0, text_reason(check, text))


def _range(check: RangeCheck, cells: _Cells) -> tuple[int | None, str]:
    if check.no_rate is not None:
        return None, check.no_rate
    value = cells.age() if check.dimension == "age" else cells.number(check.field)
    if value is None:
        return None, unknown_reason(check.dimension)
    compared = value * check.scale if check.scale != 1.0 else value
    inside = ((check.low is None or compared >= check.low)
              and (check.high is None or compared <= check.high))
    return int(inside), range_reason(check, value, inside)


# The reason texts. compile.py builds each of these in SQL from the same pieces.

def known_reason(known: int, stated: int) -> str:
    """The first reason of a row that knows fewer than half of the stated dimensions."""
    return f"only {known} of {stated} criteria known"


def red_flag_reason(flag: Entry) -> str:
    """A red-flag technology the account uses."""
    return f"knock-out: uses {flag.text} (red flag)"


def signal_reason(name: str, field: str, value: str) -> str:
    """An anti-ICP signal the account shows."""
    return f"knock-out: anti-ICP '{name}': {field} {value}"


def bonus_reason(entry: Entry) -> str:
    """A bonus technology the account uses."""
    return f"bonus: uses {entry.text} (+{BONUS_POINTS})"


UNKNOWN_WORDS = {"industry": "industry", "employees": "employees", "revenue": "revenue",
                 "country": "country", "age": "company age", "stage": "stage",
                 "technology": "technologies"}


def unknown_reason(dimension: str) -> str:
    """A dimension the row cannot check."""
    return f"{UNKNOWN_WORDS[dimension]} unknown"


def uses_reason(entry: Entry) -> str:
    """The first stated technology the account uses."""
    return f"uses {entry.text}"


def uses_none_reason(check: TextCheck) -> str:
    """The account uses none of the stated technologies."""
    return f"technologies: none of {check.listing}"


def text_reason(check: TextCheck, cell: str, found: Entry | None = None) -> str:
    """An industry, country or stage cell, matched (``found``) or not."""
    if found is not None:
        return f"{check.dimension} {cell}: {found.text}"
    return f"{check.dimension} {cell}: not one of {check.listing}"


def range_prefix(check: RangeCheck) -> tuple[str, str]:
    """The words before and after the number in a range reason."""
    if check.dimension == "revenue":
        return "revenue ", f" {check.unit}"
    return "", " employees" if check.dimension == "employees" else " years old"


def range_reason(check: RangeCheck, value: float, inside: bool) -> str:
    """A number inside or outside its range; a knock-out range says so when outside."""
    before, after = range_prefix(check)
    where = "inside" if inside else "outside"
    lead = "knock-out: " if check.knockout and not inside else ""
    return f"{lead}{before}{shown_number(value)}{after}, {where} {check.label}"


def shown_number(value: float) -> str:
    """A number in a reason: rounded down, thousands separated ("1,500"); beyond 10**15 in
    words."""
    whole = math.floor(value)
    if whole >= SHOWN_LIMIT:
        return "over 999,999,999,999,999"
    if whole <= -SHOWN_LIMIT:
        return "under -999,999,999,999,999"
    return f"{whole:,}"
