"""The fit model: one pure definition of how a playbook scores an account.

:func:`fit_model` reads a loaded :class:`~icp_docs.spec.load.Playbook` once and returns plain,
frozen data: per segment, the checks it states (normalised match values, range bounds in the
playbook currency), its knock-outs and bonus terms. The reference scorer
(:mod:`.reference`) and the SQL compiler (:mod:`.compile`) both read this and nothing else, so
the two cannot drift apart on what a segment means.

Text is compared normalised (:func:`norm`): whitespace runs (space, tab, CR, LF) become one
space, the ends are trimmed and ASCII letters are lower-cased. Only ASCII: every SQL engine
lower-cases other letters its own way (by locale, or not at all), and the same account must
get the same grade wherever the model runs.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..money import as_written
from ..spec.load import Playbook
from ..spec.models import AntiICP, Money, Range, SegmentSpec, Term

#: What a segment can check against account data, in the order reasons are given.
DimensionName = Literal["industry", "employees", "revenue", "country", "age", "stage",
                        "technology"]
#: The account fields a check reads.
TextField = Literal["industry", "country", "stage", "technologies"]
NumberField = Literal["employees", "revenue", "founded_year"]
#: The fields an anti-ICP signal can name, in the order its reason looks for a match.
SIGNAL_FIELDS: tuple[TextField, ...] = ("industry", "country", "technologies", "stage")

#: HubSpot's company export: per field, the API name first, then the CSV export labels. A
#: column named in the playbook's ``accounts.columns`` replaces these for its field.
HUBSPOT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "Company name"),
    "domain": ("domain", "Company Domain Name"),
    "industry": ("industry", "Industry"),
    "employees": ("numberofemployees", "Number of Employees"),
    "revenue": ("annualrevenue", "Annual Revenue"),
    "country": ("country", "Country/Region"),
    "founded_year": ("founded_year", "Year Founded"),
    "technologies": ("technologies", "Technologies", "web_technologies", "Web Technologies"),
    "stage": ("stage",),
}

#: The whitespace that normalising collapses: exactly these four, so that every engine's
#: regular expressions agree with Python's (``\s`` differs between them).
WHITESPACE = " \t\r\n"
WHITESPACE_RUN = f"[{WHITESPACE}]+"
#: A list cell (technologies) splits at these.
SEPARATORS = ";,"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = UPPER.lower()
_LOWER_ASCII = str.maketrans(UPPER, LOWER)
_RUN = re.compile(WHITESPACE_RUN)

#: Bonus points per bonus term present, and the grade order best first.
BONUS_POINTS = 5
GRADES = ("A", "B", "C", "D")


def shown(cell: str) -> str:
    """A text cell as reasons show it: whitespace runs collapsed, ends trimmed, case kept."""
    return _RUN.sub(" ", cell).strip(" ")


def norm(text: str) -> str:
    """The form in which text is compared: :func:`shown`, ASCII letters lower-cased."""
    return shown(text).translate(_LOWER_ASCII)


def split_list(cell: str) -> tuple[str, ...]:
    """The normalised items of a list cell (technologies), split at ``;`` and ``,``; blank
    items kept as "" (they match nothing)."""
    return tuple(norm(item) for item in re.split(f"[{SEPARATORS}]", cell))


@dataclass(frozen=True)
class Entry:
    """A list entry of the spec: its text (for reasons) and the normalised values it matches
    (its own text and its match values)."""

    text: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class TextCheck:
    """A list dimension (industry, country, stage, technology): met when the cell (any item
    of the technologies list) matches one of the entries."""

    dimension: DimensionName
    field: TextField
    entries: tuple[Entry, ...]

    @property
    def listing(self) -> str:
        """The entries' texts, for "not one of ..." reasons."""
        return ", ".join(e.text for e in self.entries)


@dataclass(frozen=True)
class RangeCheck:
    """A numeric dimension (employees, revenue, age): met inside ``[low, high]`` (either may
    be open), comparing ``value * scale`` (revenue in the playbook currency)."""

    dimension: DimensionName
    field: NumberField
    low: float | None
    high: float | None
    knockout: bool
    #: The range as the spec wrote it, for reasons: "200-1,500", "30,000,000-250,000,000 USD".
    label: str
    #: What one unit of the cell is worth in the bounds' currency (1.0: compare as is).
    scale: float = 1.0
    #: The currency the cell is in, shown after its number in reasons ("" for counts).
    unit: str = ""
    #: Set when the cell cannot be compared (no rate): the dimension is always unknown.
    no_rate: str | None = None


Check = TextCheck | RangeCheck


@dataclass(frozen=True)
class SignalCheck:
    """An anti-ICP (the playbook's or the segment's) that knocks an account out when any of
    its signals' fields matches the account's cell."""

    name: str
    #: (field, values) pairs, in :data:`SIGNAL_FIELDS` order; each value an :class:`Entry`
    #: of its text as written and its normalised form.
    fields: tuple[tuple[TextField, tuple[Entry, ...]], ...]


@dataclass(frozen=True)
class SegmentModel:
    """One segment as data can check it."""

    id: str
    tier: int
    #: Its place in the playbook (``Playbook.segments``), the last tie-break.
    order: int
    checks: tuple[Check, ...]
    red_flags: tuple[Entry, ...]
    signals: tuple[SignalCheck, ...]
    bonus: tuple[Entry, ...]

    @property
    def stated(self) -> int:
        """How many dimensions the segment states that data can check."""
        return len(self.checks)


@dataclass(frozen=True)
class FitModel:
    """The whole model: the segments in playbook order and the grade thresholds."""

    segments: tuple[SegmentModel, ...]
    #: The lowest score of grades A, B and C.
    grades: tuple[int, int, int]
    currency: str


class UnknownSegment(ValueError):
    """A segment id that the playbook does not have (the message suggests the closest)."""


def fit_model(playbook: Playbook, *, segment: str | None = None,
              rates: Mapping[str, float] | None = None) -> FitModel:
    """The fit model of ``playbook`` (only ``segment`` when given); ``rates`` (currency ->
    value of one unit in the playbook currency) add to and override ``accounts.rates``."""
    chosen = list(enumerate(playbook.segments))
    if segment is not None:
        chosen = [(i, s) for i, s in chosen if s.id == segment]
        if not chosen:
            raise UnknownSegment(_unknown(segment, [s.id for s in playbook.segments]))
    book = playbook.spec
    all_rates = {**book.accounts.rates, **(rates or {})}
    money = _Money(book.currency, book.accounts.revenue_currency or book.currency, all_rates)
    global_signals = tuple(_signals(book.anti_icp))
    grades = book.accounts.grades
    return FitModel(
        segments=tuple(_segment(s.spec, order, money, global_signals) for order, s in chosen),
        grades=(grades.A, grades.B, grades.C), currency=book.currency)


def _unknown(segment: str, ids: list[str]) -> str:
    close = difflib.get_close_matches(segment, ids, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    known = ", ".join(ids) or "none"
    return f"no segment {segment!r} (the segments: {known}){hint}"


def entries(terms: Iterable[Term], *, as_list: bool = False) -> tuple[Entry, ...]:
    """Entries with their normalised values; for a list field, values that hold a separator
    are left out (no single item of a split cell can equal them)."""
    made = []
    for term in terms:
        values = dict.fromkeys(norm(v) for v in (str(term), *term.match))
        kept = tuple(v for v in values if not (as_list and _has_separator(v)))
        made.append(Entry(str(term), kept))
    return tuple(made)


def _has_separator(value: str) -> bool:
    return any(sep in value for sep in SEPARATORS)


def _segment(spec: SegmentSpec, order: int, money: _Money,
             global_signals: tuple[SignalCheck, ...]) -> SegmentModel:
    firm, tech = spec.firmographics, spec.technographics
    checks: list[Check] = [TextCheck("industry", "industry", entries(firm.industries))]
    if _states(firm.employees):
        checks.append(_count("employees", "employees", firm.employees, ""))
    if firm.revenue is not None and _states(firm.revenue):
        checks.append(money.check(firm.revenue))
    if firm.geographies:
        checks.append(TextCheck("country", "country", entries(firm.geographies)))
    if _states(firm.company_age_years):
        checks.append(_count("age", "founded_year", firm.company_age_years, " years"))
    if firm.stages:
        checks.append(TextCheck("stage", "stage", entries(firm.stages)))
    if tech is not None and tech.uses:
        checks.append(TextCheck("technology", "technologies",
                                entries(tech.uses, as_list=True)))
    return SegmentModel(
        id=spec.id, tier=spec.tier, order=order, checks=tuple(checks),
        red_flags=entries(tech.red_flags, as_list=True) if tech else (),
        signals=global_signals + tuple(_signals(spec.anti_icp)),
        bonus=entries(tech.bonus, as_list=True) if tech else ())


def _states(bounds: Range | Money | None) -> bool:
    return bounds is not None and (bounds.min is not None or bounds.max is not None)


def label(low: float | None, high: float | None, suffix: str = "") -> str:
    """A range in words as written: "200-1,500", "at least 200", "at most 1,500"."""
    if low is not None and high is not None:
        text = f"{as_written(low)}-{as_written(high)}"
    elif low is not None:
        text = f"at least {as_written(low)}"
    else:
        text = f"at most {as_written(high)}" if high is not None else "any"
    return text + suffix


def _count(dimension: DimensionName, field: NumberField, bounds: Range | None,
           suffix: str) -> RangeCheck:
    assert bounds is not None
    low = None if bounds.min is None else float(bounds.min)
    high = None if bounds.max is None else float(bounds.max)
    return RangeCheck(dimension, field, low, high, bounds.knockout,
                      label(bounds.min, bounds.max, suffix))


@dataclass(frozen=True)
class _Money:
    """The playbook currency, the revenue column's currency and the known rates."""

    playbook: str
    column: str
    rates: Mapping[str, float]

    def rate(self, currency: str) -> float | None:
        return 1.0 if currency == self.playbook else self.rates.get(currency)

    def check(self, bounds: Money) -> RangeCheck:
        currency = bounds.currency or self.playbook
        written = label(bounds.min, bounds.max, f" {currency}")
        if currency == self.column:  # the same currency: compared as is, no rate needed
            bound_rate: float | None = 1.0
            scale: float | None = 1.0
        else:
            bound_rate, scale = self.rate(currency), self.rate(self.column)
        if bound_rate is None or scale is None:
            missing = " and ".join(f"accounts.rates.{c}" for c in dict.fromkeys(
                (self.column, currency)) if self.rate(c) is None)
            why = (f"revenue in {self.column}, range in {currency}: no rate (add {missing})")
            return RangeCheck("revenue", "revenue", None, None, bounds.knockout, written,
                              unit=self.column, no_rate=why)
        low = None if bounds.min is None else bounds.min * bound_rate
        high = None if bounds.max is None else bounds.max * bound_rate
        return RangeCheck("revenue", "revenue", low, high, bounds.knockout, written,
                          scale=scale, unit=self.column)


def _signals(anti_icps: Iterable[AntiICP]) -> Iterable[SignalCheck]:
    """The anti-ICPs with match values, their signals' values merged per field."""
    for anti in anti_icps:
        by_field: dict[str, dict[str, Entry]] = {}
        for signal in anti.signals:
            for name, values in signal.match.items():
                for value in values:
                    key = norm(value)
                    if not (name == "technologies" and _has_separator(key)):
                        by_field.setdefault(name, {}).setdefault(key, Entry(value, (key,)))
        fields = tuple((f, tuple(by_field[f].values())) for f in SIGNAL_FIELDS
                       if by_field.get(f))
        if fields:
            yield SignalCheck(anti.name, fields)


def api_columns(playbook: Playbook) -> dict[str, str]:
    """Per field, the column a warehouse table holds it in: the playbook's
    ``accounts.columns``, else HubSpot's API property name (what a HubSpot sync writes)."""
    mapped = playbook.spec.accounts.columns
    return {field: getattr(mapped, field) or names[0]
            for field, names in HUBSPOT_COLUMNS.items()}
