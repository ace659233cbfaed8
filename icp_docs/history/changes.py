"""What changed between two states of a playbook, as small typed classes.

Each kind of change is one class with a ``kind``, an :class:`Impact` for sales, the field
``path`` it concerns, its ``old`` and ``new`` values (plain JSON values), and the place to look
(``file``, ``line``, ``column``: the new file, or the old one for removals). Every change can
say itself in each output style with :meth:`Change.explain`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from ..diagnostics import github_command
from .advice import advise
from .text import MAX_FOCUS, code, focus, inert, show

if TYPE_CHECKING:
    from ..spec.source import Source

__all__ = [
    "Change",
    "EntriesChanged",
    "Impact",
    "ItemAdded",
    "ItemRemoved",
    "KnockoutChanged",
    "Place",
    "SegmentAdded",
    "SegmentRemoved",
    "SegmentRenamed",
    "StatusChanged",
    "Style",
    "ThresholdChanged",
    "ValueChanged",
    "badge",
]

Style = Literal["text", "markdown", "github"]

#: Between a change and what it means for sellers.
DASH = "\u2014"


class Impact(IntEnum):
    """How much a change matters to sales, least to most; compare with ``<`` and ``>``."""

    WORDING = 1
    MESSAGING = 2
    TARGETING = 3
    BREAKING = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def meaning(self) -> str:
        return _MEANINGS[self]

    @property
    def badge(self) -> str:
        """The impact as a coloured Markdown label."""
        return badge(self)

    @classmethod
    def parse(cls, text: str) -> Impact:
        """An impact from its name (any case); ValueError naming the choices otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(i.label for i in sorted(cls, reverse=True))
            raise ValueError(f"unknown impact '{text}' (choose from {names})") from None


_MEANINGS = {
    Impact.BREAKING: "how sellers qualify or prioritise changed: the checklist, its scoring, "
                     "a segment's tier or priority",
    Impact.TARGETING: "who we pursue changed: lists, triggers and exclusions",
    Impact.MESSAGING: "what we say changed: personas, objections, journey",
    Impact.WORDING: "text reworded; nothing to relearn",
}

def _quote(value: Any, style: Style, limit: int | None = None) -> str:
    text = show(value) if limit is None else show(value, limit)
    if style == "markdown":
        # Words a seller reads (a label, a question, a sentence) are set as text in quotes;
        # identifiers, numbers and ranges as code.
        if isinstance(value, str) and any(c.isspace() for c in text):
            return f"\u201c{inert(text)}\u201d"
        return code(text)
    return f"'{text}'" if isinstance(value, str) and not _simple(text) else text


def _simple(text: str) -> bool:
    return bool(text) and all(c.isalnum() or c in "-_.,+$" for c in text)


def _name(key: str, style: Style) -> str:
    return code(key) if style == "markdown" else f"'{key}'"


def _path(path: str, style: Style) -> str:
    # A path names list entries by their text (``budget[<role>].limit``): in Markdown that
    # text is outside the code spans of the values, so it is made inert.
    return inert(path) if style == "markdown" else path


@dataclass(frozen=True)
class Place:
    """Where to look for a change: a location in a spec file, turned into a line and a column
    only when asked (that indexes the whole file, which the change log page never needs)."""

    source: Source
    loc: tuple[str | int, ...]

    @cached_property
    def line_column(self) -> tuple[int, int]:
        # The key's line: for a block mapping or list, the value starts on the line after.
        return self.source.where(self.loc, key=True)


@dataclass(frozen=True, kw_only=True)
class Change:
    """One change. ``segment`` is the segment id (None: the playbook itself); ``file`` and
    :attr:`line` point at the new file, or at the old one for what was removed. ``anchor``:
    for a removal from a file still there, where the removed part was in the new file (an
    annotation goes on a line of the pull request's version of the file)."""

    kind: ClassVar[str] = "change"
    impact: Impact
    segment: str | None
    path: str
    old: Any = None
    new: Any = None
    file: str = ""
    place: Place | None = field(default=None, repr=False, compare=False)
    anchor: Place | None = field(default=None, repr=False, compare=False)

    @property
    def line(self) -> int:
        return self.place.line_column[0] if self.place else 1

    @property
    def column(self) -> int:
        return self.place.line_column[1] if self.place else 1

    def describe(self, style: Style = "text") -> str:
        """The change in a few words, without its place: ``tier: 2 -> 1``."""
        return (f"{_path(self.path, style)}: {_quote(self.old, style)} {_arrow(style)} "
                f"{_quote(self.new, style)}")

    @property
    def advice(self) -> str:
        """What the change means for a seller, in one plain sentence (lower case, no stop):
        ``now a higher-priority segment: spend more time here``."""
        return advise(self.kind, self.path, self.old, self.new, self.impact.label,
                      **self._extra())

    def explain(self, style: Style = "text") -> str:
        """The change on one line, with its place and what it means for sellers, in the given
        output style.

        ``text``: ``file:line: [impact] segment: ... — advice``; ``markdown``: an impact badge,
        the change (identifiers and numbers in code spans, words in quotes) and the advice in
        italics (inline Markdown, no list marker); ``github``: a GitHub Actions workflow command
        (an annotation).
        """
        where = self.segment or "playbook"
        if style == "github":
            level = "warning" if self.impact >= Impact.TARGETING else "notice"
            title = f"ICP {self.impact.label} change in {where}"
            file, (line, column) = ((self.anchor.source.path, self.anchor.line_column)
                                    if self.anchor else (self.file, (self.line, self.column)))
            return github_command(level, file, line, column, title,
                                  f"{self.describe('text')} {DASH} {self.advice}")
        if style == "markdown":
            return f"{badge(self.impact)} {self.describe('markdown')} {DASH} *{self.advice}*"
        return (f"{self.file}:{self.line}: [{self.impact.label}] {where}: "
                f"{self.describe('text')} {DASH} {self.advice}")

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: every field, plus the kind, the impact name and the message."""
        return {
            "kind": self.kind, "impact": self.impact.label, "segment": self.segment,
            "path": self.path, "old": self.old, "new": self.new, "file": self.file,
            "line": self.line, "column": self.column, "message": self.describe("text"),
            "advice": self.advice,
            **self._extra(),
        }

    def _extra(self) -> dict[str, Any]:
        return {}


def badge(impact: Impact) -> str:
    """A short, colourful impact label for Markdown (PR comments and the change log)."""
    return f"{_ICONS[impact]} **{impact.label}**"


_ICONS = {Impact.BREAKING: "🔴", Impact.TARGETING: "🟠", Impact.MESSAGING: "🔵",
          Impact.WORDING: "⚪"}


def _arrow(style: Style) -> str:
    return "→" if style == "markdown" else "->"


@dataclass(frozen=True, kw_only=True)
class SegmentAdded(Change):
    """A segment file appeared; ``new`` is its label."""

    kind: ClassVar[str] = "segment-added"
    tier: int = 0

    def describe(self, style: Style = "text") -> str:
        return f"segment added: {_quote(self.new, style)} (tier {self.tier})"

    def _extra(self) -> dict[str, Any]:
        return {"tier": self.tier}


@dataclass(frozen=True, kw_only=True)
class SegmentRemoved(Change):
    """A segment is gone; ``old`` is its label; the place is in the old file."""

    kind: ClassVar[str] = "segment-removed"

    def describe(self, style: Style = "text") -> str:
        return f"segment removed: {_quote(self.old, style)}"


@dataclass(frozen=True, kw_only=True)
class SegmentRenamed(Change):
    """The same segment under a new id (file renamed); ``old``/``new`` are the ids."""

    kind: ClassVar[str] = "segment-renamed"

    def describe(self, style: Style = "text") -> str:
        return (f"segment renamed: {_name(self.old, style)} {_arrow(style)} "
                f"{_name(self.new, style)}")


@dataclass(frozen=True, kw_only=True)
class ValueChanged(Change):
    """A field's value changed (a scalar, a range, or a whole value)."""

    kind: ClassVar[str] = "value-changed"

    def describe(self, style: Style = "text") -> str:
        if self.old is None:
            return f"{_path(self.path, style)} set to {_quote(self.new, style)}"
        if self.new is None:
            return f"{_path(self.path, style)} removed (was {_quote(self.old, style)})"
        if isinstance(self.old, str) and isinstance(self.new, str):
            if self.old.split() == self.new.split():
                # Shown as a seller reads them, the two would look the same.
                return f"{_path(self.path, style)}: only the spacing changed"
            old, new = focus(self.old, self.new)
            return (f"{self._subject(style)}: {_quote(old, style, MAX_FOCUS)} {_arrow(style)} "
                    f"{_quote(new, style, MAX_FOCUS)}")
        return super().describe(style)

    def _subject(self, style: Style) -> str:
        # A checklist question is what sellers read aloud: name the criterion as they do.
        found = _QUESTION.fullmatch(self.path)
        if found:
            return f"criterion {_name(found[1], style)} reworded"
        return _path(self.path, style)


_QUESTION = re.compile(r"qualification\.criteria\[(.+)\]\.question")


@dataclass(frozen=True, kw_only=True)
class StatusChanged(Change):
    """``status`` moved between hypothesis (an ECP) and validated (an ICP)."""

    kind: ClassVar[str] = "status-changed"

    def describe(self, style: Style = "text") -> str:
        news = ("now a validated ICP" if self.new == "validated"
                else "back to a hypothesis to test")
        return f"{super().describe(style)} ({news})"


@dataclass(frozen=True, kw_only=True)
class KnockoutChanged(Change):
    """A criterion became, or stopped being, a knockout (a "no" disqualifies outright)."""

    kind: ClassVar[str] = "knockout-changed"
    criterion: str = ""

    def describe(self, style: Style = "text") -> str:
        state = "is now a knockout" if self.new else "is no longer a knockout"
        return f"criterion {_name(self.criterion, style)} {state}"

    def _extra(self) -> dict[str, Any]:
        return {"criterion": self.criterion}


@dataclass(frozen=True, kw_only=True)
class ThresholdChanged(Change):
    """A qualification threshold moved; ``applies_to`` lists the segments using a default."""

    kind: ClassVar[str] = "threshold-changed"
    applies_to: tuple[str, ...] = field(default=())

    def describe(self, style: Style = "text") -> str:
        arrow = _arrow(style)
        if self.path.endswith("strong_at"):
            what = f"strong lead at {show(self.old)} {arrow} {show(self.new)} yes answers"
        else:
            what = f"disqualified below {show(self.old)} {arrow} {show(self.new)} yes answers"
        if self.segment is None:
            return f"default: {what}" + (
                f" (used by {len(self.applies_to)} segment{'s' * (len(self.applies_to) != 1)})"
                if self.applies_to else "")
        return what

    def _extra(self) -> dict[str, Any]:
        return {"applies_to": list(self.applies_to)}


@dataclass(frozen=True, kw_only=True)
class _ItemChange(Change):
    """An entry of a keyed list (a persona, criterion, trigger...), named by ``what`` and
    ``key``."""

    what: str = "entry"
    key: str = ""

    def _extra(self) -> dict[str, Any]:
        return {"what": self.what, "key": self.key}


@dataclass(frozen=True, kw_only=True)
class ItemAdded(_ItemChange):
    """An entry of a keyed list appeared; ``new`` holds it."""

    kind: ClassVar[str] = "item-added"

    def describe(self, style: Style = "text") -> str:
        return f"{self.what} {_name(self.key, style)} added{_detail(self.new, self.key, style)}"


@dataclass(frozen=True, kw_only=True)
class ItemRemoved(_ItemChange):
    """An entry of a keyed list is gone; ``old`` holds it; the place is in the old file."""

    kind: ClassVar[str] = "item-removed"

    def describe(self, style: Style = "text") -> str:
        return f"{self.what} {_name(self.key, style)} removed{_detail(self.old, self.key, style)}"


def _detail(value: Any, key: str, style: Style) -> str:
    text = show(value)
    return "" if text == key or not text else f": {_quote(text, style)}"


@dataclass(frozen=True, kw_only=True)
class EntriesChanged(Change):
    """Entries added to or removed from a list of text (industries, signals, quotes...)."""

    kind: ClassVar[str] = "entries-changed"
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def describe(self, style: Style = "text") -> str:
        parts = []
        if self.added:
            parts.append("added " + ", ".join(_quote(v, style) for v in self.added))
        if self.removed:
            parts.append("removed " + ", ".join(_quote(v, style) for v in self.removed))
        return f"{_path(self.path, style)}: {'; '.join(parts)}"

    def _extra(self) -> dict[str, Any]:
        return {"added": list(self.added), "removed": list(self.removed)}
