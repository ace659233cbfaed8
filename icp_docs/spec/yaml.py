"""Safe YAML loading that remembers where every value came from.

PyYAML composes the document into nodes (libyaml's C parser when present, for speed); we build
plain Python values from those nodes ourselves, so that we can

- record the line and column of every key and value (pydantic's ``loc`` maps to them),
- reject duplicate keys, which PyYAML silently resolves to the last one (a lost edit),
- count how far anchors and aliases would expand before building anything (alias bombs),
- accept only the safe scalar tags: nothing can construct an arbitrary object.

Booleans follow YAML 1.2 (``true``/``false`` only): under YAML 1.1, ``NO`` (Norway) in a list
of geographies would silently become ``False``.
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

MAX_BYTES = 1024 * 1024
MAX_NODES = 10_000

Loc = tuple[str | int, ...]

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The C (or pure) safe loader with YAML 1.2 booleans."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_constructor = SafeConstructor()


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document stands, 1-based."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def of(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """The position of ``loc``, or of its nearest known ancestor."""
        table = self.keys if key else self.values
        probe = tuple(loc)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


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
    """Parse YAML bytes into a :class:`Document` with positions and diagnostics."""
    doc = doc or Document(display)
    if len(raw) > MAX_BYTES:
        _error(doc, 1, 1, Code.FILE_TOO_LARGE, f"file is {len(raw):,} bytes; the limit is 1 MiB")
        return doc
    text = _decode(raw, doc)
    if text is None:
        return doc
    if not text.strip() or _only_comments(text):
        _error(doc, 1, 1, Code.EMPTY_FILE, "the file is empty")
        return doc
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        _error(doc, line, col, Code.YAML_SYNTAX, f"invalid YAML: {problem}")
        return doc
    except yaml.YAMLError as exc:
        _error(doc, 1, 1, Code.YAML_SYNTAX, f"invalid YAML: {exc}")
        return doc
    if node is None:
        _error(doc, 1, 1, Code.EMPTY_FILE, "the file is empty")
        return doc
    try:
        _check_expansion(node, doc)
        if not isinstance(node, yaml.MappingNode):
            _error(doc, *_mark(node), Code.NOT_A_MAPPING, "the file must be a mapping of fields")
            return doc
        doc.data = _Builder(doc).build(node, ())
    except _Stop:
        doc.data = None
    except RecursionError:
        _error(doc, 1, 1, Code.ALIAS_BOMB, "the document nests too deeply to read")
        doc.data = None
    return doc


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def _decode(raw: bytes, doc: Document) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        _error(doc, line, col, Code.NOT_UTF8, f"byte 0x{raw[exc.start]:02x} is not UTF-8; "
               "save the file as UTF-8")
        return None
    return text.removeprefix("\ufeff")


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") or ln.strip() in ("---", "...")
               for ln in text.splitlines())


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _error(doc: Document, line: int, col: int, code: Code, message: str, fld: str = "") -> None:
    doc.diagnostics.append(Diagnostic(doc.path, line, col, code, fld, message))


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        yield from node.value
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value


def _check_expansion(root: yaml.Node, doc: Document) -> None:
    """Refuse documents whose aliases would expand past MAX_NODES (or loop)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    # Iterative post-order walk: a deep document must not hit Python's recursion limit.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            active.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            sizes[key] = total
            if total > MAX_NODES:
                _error(doc, *_mark(root), Code.ALIAS_BOMB,
                       f"anchors and aliases expand past {MAX_NODES:,} values")
                raise _Stop
            continue
        if key in sizes:
            continue
        if key in active:
            _error(doc, *_mark(node), Code.ALIAS_BOMB, "an alias refers to itself")
            raise _Stop
        active.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in active:
                _error(doc, *_mark(child), Code.ALIAS_BOMB, "an alias refers to itself")
                raise _Stop
            if id(child) not in sizes:
                stack.append((child, False))


class _Builder:
    """Turns checked nodes into plain dicts, lists and scalars, recording positions."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.pos = doc.positions

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.pos.values[loc] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._bad_tag(node, loc)
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        if node.tag != _MAP_TAG:
            self._bad_tag(node, loc)
        result: dict[str, Any] = {}
        seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                _error(self.doc, *_mark(key_node), Code.UNSUPPORTED_TAG,
                       "merge keys (<<) are not supported; write the fields out", _field(loc))
                raise _Stop
            if not isinstance(key_node, yaml.ScalarNode):
                _error(self.doc, *_mark(key_node), Code.WRONG_VALUE,
                       "a key must be a plain word, not a list or mapping", _field(loc))
                raise _Stop
            key = str(self._scalar(key_node, loc))
            where = _mark(key_node)
            if key in seen:
                line, _ = seen[key]
                _error(self.doc, *where, Code.DUPLICATE_KEY,
                       f"duplicate key '{key}' (first at line {line}); YAML would keep only "
                       "the last one", _field((*loc, key)))
                continue
            seen[key] = where
            self.pos.keys[(*loc, key)] = where
            result[key] = self.build(value_node, (*loc, key))
        return result

    def _scalar(self, node: yaml.Node, loc: Loc) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, loc)
        try:
            return _constructor.yaml_constructors[node.tag](_constructor, node)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            # A scalar resolved as a timestamp or number that does not construct
            # (e.g. 2026-13-45): keep its text and let the field's type judge it.
            return node.value

    def _bad_tag(self, node: yaml.Node, loc: Loc) -> None:
        _error(self.doc, *_mark(node), Code.UNSUPPORTED_TAG,
               f"the tag {node.tag!r} is not allowed in a spec", _field(loc))
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
