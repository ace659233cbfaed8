"""Plain data from the YAML parser's events, recording where every value and key stands.

The data is built straight from the events, without PyYAML's node tree: one pass, and no
recursion anywhere (PyYAML's C composer recurses and crashes the interpreter on some 30,000
levels of ``- - - ...``). Along the way it rejects what the contract forbids: duplicate keys,
tags other than the plain scalar ones, merge keys, aliases that loop or expand past
``MAX_NODES`` values, nesting past ``MAX_DEPTH``, and a document that is no mapping.

Most files use none of that, so :func:`build_plain` tries first: one tight loop for plain keys
and values, which gives up (:class:`Unusual`) at the first thing it does not handle, and the
:class:`Builder` then reads the file again, reporting what it finds.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Code
from .refused import REFUSED
from .yaml12 import (
    MAP_TAG,
    MERGE_TAG,
    SCALAR_TAGS,
    SEQ_TAG,
    STR_TAG,
    TYPED_FIRST,
    construct,
    resolve,
)

MAX_NODES = 10_000
#: Far deeper than any spec (which nests some six levels).
MAX_DEPTH = 64

Loc = tuple[str | int, ...]
Mark = tuple[int, int]
Report = Callable[[Mark, Code, str, Loc], None]

class Stop(Exception):
    """Building cannot go on; the problem has been reported."""


class Unusual(Exception):
    """The document holds something :func:`build_plain` leaves to the :class:`Builder`."""


def build_plain(loader: Any) -> tuple[dict[str, Any], array[int]]:
    """The data and marks the :class:`Builder` would make of a document of plain keys and
    values (in mappings and lists, without tags, anchors or aliases), in a third less time.

    Raises :class:`Unusual` at anything else: a tag, an anchor or alias, a key written twice,
    a merge key, deep nesting, a root that is no mapping, a second document. The parser's own
    errors (``yaml.YAMLError``) pass through. Either way, run the Builder over the text.
    """
    # Every event of every file passes here: locals only, one branch per event kind.
    get = loader.get_event
    scalar, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, \
        yaml.SequenceStartEvent
    map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    typed_first = TYPED_FIRST
    marks = array("I")
    put = marks.extend
    get()  # the stream starts
    event: Any = get()
    if type(event) is not yaml.DocumentStartEvent:
        raise Unusual
    event = get()
    if type(event) is not map_start or event.tag is not None or event.anchor is not None:
        raise Unusual
    mark: Any = event.start_mark
    put((mark.line + 1, mark.column + 1))
    root: dict[str, Any] = {}
    # The value being filled, whether it is a mapping, and its key waiting for a value.
    current: Any = root
    is_map, key = True, None
    outer: list[tuple[Any, bool]] = []
    while True:
        event = get()
        kind = type(event)
        if kind is scalar:
            if event.anchor is not None or event.tag is not None:
                raise Unusual
            value = event.value
            mark = event.start_mark
            if is_map and key is None:
                if value in current or value == "<<":
                    raise Unusual
                key = value
            else:
                # Plain, not quoted: it may be a number, a date... (most text is not)
                if value[:1] in typed_first and event.implicit[0] and \
                        (tag := resolve(value)) != STR_TAG:
                    if tag == MERGE_TAG:
                        raise Unusual
                    value = construct(tag, value)
                if is_map:
                    current[key] = value
                    key = None
                else:
                    current.append(value)
            put((mark.line + 1, mark.column + 1))
        elif kind is map_start or kind is seq_start:
            if event.anchor is not None or event.tag is not None or (is_map and key is None) \
                    or len(outer) >= MAX_DEPTH - 2:
                raise Unusual
            mark = event.start_mark
            put((mark.line + 1, mark.column + 1))
            new: Any = {} if kind is map_start else []
            if is_map:
                current[key] = new
            else:
                current.append(new)
            outer.append((current, is_map))
            current, is_map, key = new, kind is map_start, None
        elif kind is map_end or kind is seq_end:
            if not outer:
                break
            current, is_map = outer.pop()
            key = None
        else:
            raise Unusual
    get()  # the document ends
    if type(get()) is not yaml.StreamEndEvent:
        raise Unusual
    return root, marks


@dataclass(slots=True)
class _Frame:
    """A mapping or list being filled."""

    value: Any  # dict[str, Any] or list[Any]
    is_map: bool
    loc: Loc
    anchor: str | None
    first: int  # where this value's own mark starts in the marks
    size: int = 1  # values inside, alias expansions included
    key: str | None = None  # a mapping's key still waiting for its value
    duplicate: bool = False  # ... and that key was seen before: its value is dropped
    seen: dict[str, int] = field(default_factory=dict)  # key -> line


class Builder:
    """Consumes one document's events; ``root`` is the data, ``marks`` the positions in the
    order :class:`~icp_docs.spec.yaml.Positions` expects: each value, then each key and its
    value, or each item."""

    def __init__(self, report: Report) -> None:
        self.report = report
        # Flat (line, column, line, column, ...): cheap to fill, and to send between processes.
        self.marks = array("I")
        self.root: Any = None
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int, int]] = {}  # value, marks[start:end], size
        self.expanded = 0
        self.refused: set[str] = set()  # anchors inside a refused value (not in anchors)
        self.skipping_refused = False  # ... which is what is being skipped
        self.skipping = 0  # depth inside a dropped value
        self.documents = 0
        self.last: Any = None  # the last event read before a syntax error

    def run(self, loader: Any) -> Any:
        """Build from ``loader.get_event()`` until the stream ends; returns the root."""
        handlers: dict[type, Callable[[Any], None]] = {
            yaml.ScalarEvent: self._scalar, yaml.MappingStartEvent: self._open,
            yaml.SequenceStartEvent: self._open, yaml.MappingEndEvent: self._close,
            yaml.SequenceEndEvent: self._close, yaml.AliasEvent: self._alias,
            yaml.DocumentStartEvent: self._document,
        }
        get_event = loader.get_event
        event = None
        try:
            # Plain files never come here (build_plain reads them), so every event simply
            # goes to its handler.
            while (event := get_event()) is not None:
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
        except yaml.MarkedYAMLError:
            # Where the parser's trouble may have begun: a quote closed far too late.
            self.last = event
            raise
        return self.root

    def _fail(self, mark: Mark, code: Code, message: str, loc: Loc = ()) -> None:
        self.report(mark, code, message, loc)
        raise Stop

    def _document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            self._fail(_mark(event), Code.YAML_SYNTAX, "invalid YAML: a spec file holds one "
                       "document; remove this '---' or split the file")

    def _slot(self, event: Any, what: str) -> _Frame | None:
        """Where a new value goes (None: the root); refuses a non-scalar key and a root that
        is no mapping."""
        if not self.stack:
            if what != "a mapping":
                self._fail(_mark(event), Code.NOT_A_MAPPING, "the file must be a mapping of "
                           f"fields (`name: value` lines), not {what}")
            return None
        top = self.stack[-1]
        if top.is_map and top.key is None:
            self._fail(_mark(event), Code.WRONG_VALUE, "a key must be a plain word, not "
                       f"{what}", top.loc)
        return top

    def _put(self, top: _Frame | None, value: Any, size: int) -> None:
        if top is None:
            self.root = value
            return
        if top.is_map:
            top.value[top.key] = value
            top.key = None
        else:
            top.value.append(value)
        top.size += size

    def _drop(self, top: _Frame | None) -> bool:
        """Whether this value belongs to a duplicate key, and is dropped."""
        if top is not None and top.duplicate:
            top.key, top.duplicate = None, False
            return True
        return False

    def _scalar(self, event: Any) -> None:
        if self.skipping:
            self._skipped_anchor(event)
            return
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None:
            self._key(event, top)
            return
        top = self._slot(event, "a single value" if event.value else "nothing")
        if self._drop(top):
            return
        mark = _mark(event)
        value = self._construct(event, mark, _child_loc(top))
        self.marks.extend(mark)
        self._anchor(event, value)
        self._put(top, value, 1)

    def _anchor(self, event: Any, value: Any) -> None:
        """Remember the scalar (or refused value) just marked under its anchor, if any."""
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, len(self.marks) - 2, len(self.marks), 1)

    def _skipped_anchor(self, event: Any) -> None:
        # An anchor inside a refused value: an alias to it is as unusable as the value.
        if event.anchor is not None and self.skipping_refused:
            self.anchors.pop(event.anchor, None)
            self.refused.add(event.anchor)

    def _key(self, event: Any, top: _Frame) -> None:
        mark = _mark(event)
        tag = event.tag
        if tag == MERGE_TAG or (tag in (None, "!") and event.implicit[0] and
                                resolve(event.value) == MERGE_TAG):
            self._fail(mark, Code.UNSUPPORTED_TAG, "merge keys (<<) are not supported; write "
                       "the fields out", top.loc)
        # The key as written: `null:` or `True:` must not turn into "None" or "True". A key
        # is text whatever its tag says, so a refused one is reported and read on as text.
        key = str(event.value)
        if tag not in (None, "!") and tag not in SCALAR_TAGS:
            self._bad_tag(event, (*top.loc, key))
        top.key = key
        if key in top.seen:
            top.duplicate = True
            # In a list's item, a second `id:` most often begins an item whose '- ' is lost.
            hint = "; is a '- ' missing where a new item begins?" if top.loc and \
                isinstance(top.loc[-1], int) else ""
            self.report(mark, Code.DUPLICATE_KEY, f"duplicate key '{key}' (first at line "
                        f"{top.seen[key]}); YAML would keep only the last one{hint}",
                        (*top.loc, key))
            return
        top.seen[key] = mark[0]
        self.marks.extend(mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = (key, len(self.marks) - 2, len(self.marks), 1)

    def _open(self, event: Any) -> None:
        if self.skipping:
            self._skipped_anchor(event)
            self.skipping += 1
            return
        mapping = isinstance(event, yaml.MappingStartEvent)
        refused = event.tag not in (None, "!", MAP_TAG if mapping else SEQ_TAG)
        if refused and (not self.stack or (self.stack[-1].is_map and self.stack[-1].key is None)):
            # The whole document, or a key: nothing around it can be read without it.
            self._fail(_mark(event), Code.UNSUPPORTED_TAG, self._tag_message(event),
                       self.stack[-1].loc if self.stack else ())
        top = self._slot(event, "a mapping" if mapping else "a list")
        if self._drop(top):
            self.skipping, self.skipping_refused = 1, False
            return
        loc = _child_loc(top)
        if refused:
            # Its content is skipped, and the value stands for nothing (see Refused).
            self._bad_tag(event, loc)
            self._refuse(top, _mark(event))
            self._anchor(event, REFUSED)
            self.skipping, self.skipping_refused = 1, True
            return
        if len(self.stack) >= MAX_DEPTH:
            self._fail(_mark(event), Code.TOO_DEEP, f"values nest more than {MAX_DEPTH} "
                       "levels deep", loc)
        self.marks.extend(_mark(event))
        value: dict[str, Any] | list[Any] = {} if mapping else []
        self.stack.append(_Frame(value, mapping, loc, event.anchor, len(self.marks) - 2))

    def _close(self, event: Any) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.value, frame.first, len(self.marks), frame.size)
        self._put(self.stack[-1] if self.stack else None, frame.value, frame.size)

    def _alias(self, event: Any) -> None:
        if self.skipping:
            return
        mark = _mark(event)
        name = event.anchor
        top = self._slot(event, "an alias")
        if self._drop(top):
            return
        loc = _child_loc(top)
        if name in self.refused and name not in self.anchors:  # inside a refused value
            self._refuse(top, mark)
            return
        if any(frame.anchor == name for frame in self.stack):
            self._fail(mark, Code.ALIAS_BOMB, f"the alias *{name} refers to the value that "
                       "contains it, so it never ends", loc)
        if name not in self.anchors:
            # Like a refused tag, it spoils its own field only: the rest of the file is read.
            self.report(mark, Code.YAML_SYNTAX, f"invalid YAML: the alias *{name} has no "
                        f"anchor &{name} before it", loc)
            self._refuse(top, mark)
            return
        value, start, end, size = self.anchors[name]
        self.expanded += size
        if self.expanded > MAX_NODES:
            self._fail(mark, Code.ALIAS_BOMB, f"anchors and aliases expand past "
                       f"{MAX_NODES:,} values here (an alias bomb)", loc)
        # The copy's positions are the anchored value's own.
        self.marks.extend(self.marks[start:end])
        self._put(top, value, size)

    def _refuse(self, top: _Frame | None, mark: Mark) -> None:
        """Put the value that stands for nothing (see Refused) where a value is read."""
        self.marks.extend(mark)
        self._put(top, REFUSED, 1)

    def _construct(self, event: Any, mark: Mark, loc: Loc) -> Any:
        tag, value = event.tag, event.value
        if tag in (None, "!"):
            if not event.implicit[0]:  # quoted, or a block scalar: text
                return value
            tag = resolve(value)
            if tag in (STR_TAG, MERGE_TAG):
                return value
        elif tag == STR_TAG:
            return value
        elif tag not in SCALAR_TAGS:
            self._bad_tag(event, loc)
            return REFUSED
        return construct(tag, value)

    def _bad_tag(self, event: Any, loc: Loc) -> None:
        """Report a refused tag; the caller goes on without the value (see Refused)."""
        self.report(_mark(event), Code.UNSUPPORTED_TAG, self._tag_message(event), loc)

    @staticmethod
    def _tag_message(event: Any) -> str:
        tag = str(event.tag)
        shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:") else tag
        return f"the tag {shown} is not allowed in a spec; write a plain value"


def _mark(event: Any) -> Mark:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _child_loc(top: _Frame | None) -> Loc:
    if top is None:
        return ()
    if top.is_map:
        return (*top.loc, top.key) if top.key is not None else top.loc
    return (*top.loc, len(top.value))
