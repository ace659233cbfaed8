"""Safe YAML loading that remembers where every value came from.

PyYAML composes the document into nodes (libyaml's C parser when present, for speed); we build
plain Python values from those nodes ourselves, so that we can

- record the line and column of every key and value (pydantic's ``loc`` maps to them),
- reject duplicate keys, which PyYAML silently resolves to the last one (a lost edit),
- count how far anchors and aliases would expand before building anything (alias bombs),
- accept only the safe scalar tags: nothing can construct an arbitrary object.

Scalars follow YAML 1.2, as editors do (see :mod:`.yaml12`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..diagnostics import Code, Diagnostic
from .yaml12 import DeepLoader, Loader

MAX_BYTES = 1024 * 1024
MAX_NODES = 10_000
#: Far deeper than any spec (which nests some six levels), far below what troubles a parser.
MAX_DEPTH = 64
# libyaml's composer recurses in C and crashes the interpreter past some 30,000 levels.
_C_SAFE_DEPTH = 5_000

Loc = tuple[str | int, ...]

_YAML = "tag:yaml.org,2002:"
_STR_TAG = f"{_YAML}str"
_SEQ_TAG = f"{_YAML}seq"
_MAP_TAG = f"{_YAML}map"

# What YAML calls printable; the reader fails on anything else.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_SCALAR_TAGS = {f"{_YAML}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_constructor = SafeConstructor()


@dataclass
class Positions:
    """Where each value and each mapping key of a document stands (line, column; 1-based).

    The loader records the marks in document order, which is cheap; the index from a value's
    ``loc`` to its mark is made on the first lookup, which most files never need.
    """

    marks: list[tuple[int, int]] = field(default_factory=list)
    data: Any = None
    _values: dict[Loc, tuple[int, int]] | None = field(default=None, repr=False, compare=False)
    _keys: dict[Loc, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)

    def of(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of ``loc`` (its key with ``key=True``), or of its nearest known
        ancestor: a missing field is blamed on the mapping that lacks it."""
        values = self._index()
        probe = tuple(loc)
        while probe:
            if key and probe in self._keys:
                return self._keys[probe]
            if probe in values:
                return values[probe]
            probe = probe[:-1]
        return values.get((), self.marks[0] if self.marks else (1, 1))

    def _index(self) -> dict[Loc, tuple[int, int]]:
        if self._values is None:
            self._values = {}
            if self.data is not None:
                self._walk(self.data, (), iter(self.marks))
        return self._values

    def _walk(self, value: Any, loc: Loc, marks: Iterator[tuple[int, int]]) -> None:
        # The same order as the builder: a value, then each key and its value, or each item.
        assert self._values is not None
        self._values[loc] = next(marks)
        if isinstance(value, dict):
            for name, item in value.items():
                self._keys[(*loc, name)] = next(marks)
                self._walk(item, (*loc, name), marks)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._walk(item, (*loc, i), marks)


@dataclass
class Document:
    """A parsed file: its data (None when unusable), positions and problems."""

    path: str
    data: Any = None
    positions: Positions = field(default_factory=Positions)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class _Stop(Exception):
    """Building the document cannot go on; the diagnostic is already recorded."""


def load_file(path: Path, display: str) -> Document:
    """Read and parse one YAML file; never raises for bad content."""
    doc = Document(display)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            _error(doc, 1, 1, Code.FILE_TOO_LARGE, f"file is {size:,} bytes; the limit is 1 MiB")
            return doc
        raw = path.read_bytes()
    except OSError as exc:
        _error(doc, 1, 1, Code.YAML_SYNTAX, f"cannot read the file: {exc.strerror or exc}")
        return doc
    return load_bytes(raw, display, doc)


def load_bytes(raw: bytes, display: str, doc: Document | None = None) -> Document:
    """Parse YAML bytes into a :class:`Document` with positions and diagnostics.

    Never raises for bad content: every problem is a diagnostic in ``doc.diagnostics``, and
    ``doc.data`` is None when the file cannot be used at all.
    """
    doc = doc or Document(display)
    if len(raw) > MAX_BYTES:
        _error(doc, 1, 1, Code.FILE_TOO_LARGE, f"file is {len(raw):,} bytes; the limit is 1 MiB")
        return doc
    text = _decode(raw, doc)
    if text is None:
        return doc
    try:
        node = None if _only_comments(text) else _compose(text, doc)
        if node is None:
            _error(doc, 1, 1, Code.EMPTY_FILE, "the file is empty")
            return doc
        if _has_anchor(text):
            # Without anchors no node is shared: the tree is no bigger than the file.
            _check_aliases(node, doc)
        if not isinstance(node, yaml.MappingNode):
            _error(doc, *_mark(node), Code.NOT_A_MAPPING,
                   "the file must be a mapping of fields (`name: value` lines), not "
                   f"{_kind(node)}")
            return doc
        doc.data = doc.positions.data = _Builder(doc).build(node, ())
    except _Stop:
        doc.data = None
    return doc


def _compose(text: str, doc: Document) -> yaml.Node | None:
    """The document's node tree; a syntax error becomes a diagnostic (and _Stop)."""
    try:
        # Each level of nesting needs one of these indicators, so their count bounds the
        # depth; above the bound, compose in Python, which stops with a RecursionError.
        bound = sum(text.count(c) for c in "[{-?:")
        loader = (Loader if bound <= _C_SAFE_DEPTH else DeepLoader)(text)
        try:
            return loader.get_single_node()  # type: ignore[no-any-return]
        finally:
            loader.dispose()
    except yaml.reader.ReaderError:
        line, col, char = _bad_character(text)
        _error(doc, line, col, Code.YAML_SYNTAX,
               f"invalid YAML: the character U+{char:04X} is not allowed in YAML text")
    except yaml.composer.ComposerError as exc:
        if exc.problem == "but found another document":
            _marked(doc, exc, "a spec file holds one document; remove this '---' or split "
                    "the file")
        else:
            _marked(doc, exc, str(exc.problem))
    except yaml.MarkedYAMLError as exc:
        _marked(doc, exc, str(exc.problem or exc.context or "the file cannot be parsed"))
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml raises marked errors
        _error(doc, 1, 1, Code.YAML_SYNTAX, f"invalid YAML: {exc}")
    except RecursionError:
        _error(doc, 1, 1, Code.TOO_DEEP, f"values nest more than {MAX_DEPTH} levels deep")
    raise _Stop


def _has_anchor(text: str) -> bool:
    """Whether ``text`` may define an anchor: ``&name`` at the start of a value, which
    "M&A" or "P & L" are not. (A false yes only costs the alias check's time.)"""
    at = text.find("&")
    while at >= 0:
        before = text[at - 1] if at else "\n"
        after = text[at + 1: at + 2]
        if before in " \t\n[{,-:?" and after and not after.isspace():
            return True
        at = text.find("&", at + 1)
    return False


def _marked(doc: Document, exc: yaml.MarkedYAMLError, problem: str) -> None:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    _error(doc, line, col, Code.YAML_SYNTAX, f"invalid YAML: {problem}")


def _bad_character(text: str) -> tuple[int, int, int]:
    """Line, column and code point of the first character YAML does not allow."""
    match = _NON_PRINTABLE.search(text)
    if match is None:  # pragma: no cover - the reader fails only on such a character
        return 1, 1, 0
    start = match.start()
    line = text.count("\n", 0, start) + 1
    col = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, col, ord(match.group(0))


def _decode(raw: bytes, doc: Document) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # The column counts characters, as editors do, not bytes.
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", errors="replace")) + 1
        _error(doc, line, col, Code.NOT_UTF8, f"byte 0x{raw[exc.start]:02x} is not UTF-8; "
               "save the file as UTF-8")
        return None
    return text.removeprefix("\ufeff")


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") or ln.strip() in ("---", "...")
               for ln in text.splitlines())


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a single value" if node.value else "nothing"


def _error(doc: Document, line: int, col: int, code: Code, message: str, fld: str = "") -> None:
    doc.diagnostics.append(Diagnostic(doc.path, line, col, code, fld, message))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _check_aliases(root: yaml.Node, doc: Document) -> None:
    """Refuse documents whose aliases loop or would expand past MAX_NODES values, before
    anything is built from them."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    # Iterative post-order walk: a deep document must not hit Python's recursion limit.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            sizes[key] = total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > MAX_NODES:
                _error(doc, *_mark(node), Code.ALIAS_BOMB,
                       f"anchors and aliases here expand past {MAX_NODES:,} values (an alias "
                       "bomb)")
                raise _Stop
            continue
        if key in sizes:
            continue
        active.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in active:
                _error(doc, *_mark(child), Code.ALIAS_BOMB,
                       "an alias refers to the value that contains it, so it never ends")
                raise _Stop
            stack.append((child, False))


class _Builder:
    """Turns checked nodes into plain dicts, lists and scalars, recording positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.marks = doc.positions.marks

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.marks.append(_mark(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, loc)
        if len(loc) >= MAX_DEPTH:
            _error(self.doc, *_mark(node), Code.TOO_DEEP,
                   f"values nest more than {MAX_DEPTH} levels deep")
            raise _Stop
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        self._check_tag(node, loc, {_SEQ_TAG})
        return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        self._check_tag(node, loc, {_MAP_TAG})
        result: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, loc)
            where = _mark(key_node)
            if key in seen:
                _error(self.doc, *where, Code.DUPLICATE_KEY,
                       f"duplicate key '{key}' (first at line {seen[key][0]}); YAML would keep "
                       "only the last one", _field((*loc, key)))
                continue
            seen[key] = where
            self.marks.append(where)
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _key(self, node: yaml.Node, loc: Loc) -> str:
        if node.tag == f"{_YAML}merge":
            _error(self.doc, *_mark(node), Code.UNSUPPORTED_TAG,
                   "merge keys (<<) are not supported; write the fields out", _field(loc))
            raise _Stop
        self._check_tag(node, loc, _SCALAR_TAGS | {_SEQ_TAG, _MAP_TAG})
        if not isinstance(node, yaml.ScalarNode):
            _error(self.doc, *_mark(node), Code.WRONG_VALUE,
                   "a key must be a plain word, not a list or mapping", _field(loc))
            raise _Stop
        # The key as written: `null:` or `True:` must not turn into "None" or "True".
        return str(node.value)

    def _scalar(self, node: yaml.Node, loc: Loc) -> Any:
        if node.tag == _STR_TAG:
            return node.value
        self._check_tag(node, loc, _SCALAR_TAGS)
        try:
            return _constructor.yaml_constructors[node.tag](_constructor, node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            # A scalar resolved as a timestamp or number that does not construct
            # (e.g. 2026-13-45): keep its text and let the field's type judge it.
            return node.value

    def _check_tag(self, node: yaml.Node, loc: Loc, allowed: set[str]) -> None:
        if node.tag in allowed:
            return
        shown = "!!" + node.tag.removeprefix(_YAML) if node.tag.startswith(_YAML) else node.tag
        _error(self.doc, *_mark(node), Code.UNSUPPORTED_TAG,
               f"the tag {shown} is not allowed in a spec; write a plain value", _field(loc))
        raise _Stop


def _field(loc: Loc) -> str:
    """``('personas', 2, 'role')`` -> ``personas[2].role``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


field_path = _field
