"""Safe YAML loading that remembers where every value came from.

PyYAML's parser (libyaml's, in C, when present) turns the text into events; we build plain
Python values from them ourselves (:mod:`.build`), so that we can

- record the line and column of every key and value (pydantic's ``loc`` maps to them),
- reject duplicate keys, which PyYAML silently resolves to the last one (a lost edit),
- count how far anchors and aliases expand, and stop an alias bomb before it grows,
- accept only the safe scalar tags: nothing can construct an arbitrary object,
- refuse files over 1 MiB, bytes that are not UTF-8, and empty files.

Scalars follow YAML 1.2, as editors do (see :mod:`.yaml12`), and so do lines: the line and
paragraph separators are characters of a line, not breaks between lines.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Code, Diagnostic
from .build import MAX_DEPTH, MAX_NODES, Builder, Loc, Mark, Stop, Unusual, build_plain
from .syntax import explain
from .yaml12 import EventLoader

__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "Document", "Loc", "Positions", "field_path",
           "load_bytes", "load_file"]

MAX_BYTES = 1024 * 1024

# What YAML calls printable; the reader fails on anything else.
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


@dataclass
class Positions:
    """Where each value and each mapping key of a document stands (line, column; 1-based).

    The loader records the marks in document order, flat (line, column, line, column, ...),
    which is cheap to fill and to send between processes. Most files are never asked; a
    file with a problem or two is answered by counting along the data to the value's mark,
    and one asked more often gets an index from each ``loc`` to its mark, made once (it
    costs as much as a few counts: 0.3 ms for a sample segment).
    """

    marks: array[int] = field(default_factory=lambda: array("I"))
    data: Any = None
    _values: dict[Loc, Mark] | None = field(default=None, repr=False, compare=False)
    _keys: dict[Loc, Mark] = field(default_factory=dict, repr=False, compare=False)
    _asked: int = field(default=0, repr=False, compare=False)

    #: Lookups answered by counting before the index is made.
    COUNTED = 2

    def of(self, loc: Loc, *, key: bool = False) -> Mark:
        """The position of ``loc`` (its key with ``key=True``), or of its nearest known
        ancestor: a missing field is blamed on the mapping that lacks it."""
        if self._values is None and self._asked < self.COUNTED and self.data is not None:
            self._asked += 1
            at = _count_to(self.data, tuple(loc), key)
            return self.marks[2 * at], self.marks[2 * at + 1]
        values = self._index()
        probe = tuple(loc)
        while probe:
            if key and probe in self._keys:
                return self._keys[probe]
            if probe in values:
                return values[probe]
            probe = probe[:-1]
        return values.get((), (self.marks[0], self.marks[1]) if self.marks else (1, 1))

    def _index(self) -> dict[Loc, Mark]:
        if self._values is None:
            self._values = {}
            if self.data is not None:
                marks = iter(self.marks)
                self._walk(self.data, (), lambda: (next(marks), next(marks)))
        return self._values

    def _walk(self, value: Any, loc: Loc, mark: Callable[[], Mark]) -> None:
        # The same order as the builder: a value, then each key and its value, or each item.
        assert self._values is not None
        self._values[loc] = mark()
        if isinstance(value, dict):
            for name, item in value.items():
                self._keys[(*loc, name)] = mark()
                self._walk(item, (*loc, name), mark)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                self._walk(item, (*loc, i), mark)


def _count_to(data: Any, loc: Loc, key: bool) -> int:
    """Which mark (in pairs) :meth:`Positions.of` answers for ``loc``: down the data as far
    as ``loc`` exists, counting the marks of everything passed on the way (in the builder's
    order: a value, then each key and its value, or each item)."""
    value, at, key_at = data, 0, None
    for part in loc:
        found = False
        here = at + 1
        if isinstance(value, dict):
            for name, item in value.items():
                if name == part:
                    value, at, key_at, found = item, here + 1, here, True
                    break
                here += 1 + _size(item)
        elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
            for item in value[:part]:
                here += _size(item)
            value, at, key_at, found = value[part], here, None, True
        if not found:
            break
    return key_at if key and key_at is not None else at


def _size(value: Any) -> int:
    """How many marks a value and everything in it have (a scalar has one, counted in place:
    most values are scalars)."""
    items: Iterable[Any]
    if isinstance(value, dict):
        count, items = 1 + len(value), value.values()
    elif isinstance(value, list):
        count, items = 1, value
    else:
        return 1
    for item in items:
        count += _size(item) if isinstance(item, dict | list) else 1
    return count


@dataclass
class Document:
    """A parsed file: its data (None when unusable), positions and problems."""

    path: str
    data: Any = None
    positions: Positions = field(default_factory=Positions)
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_file(path: Path, display: str) -> Document:
    """Read and parse one YAML file; never raises for bad content."""
    doc = Document(display)
    if _leaves_playbook(path):
        # Never read, and nothing of it shown: a link to ~/.ssh/id_rsa would print its lines.
        _error(doc, 1, 1, Code.YAML_SYNTAX, "cannot read the file: it is a link to a file "
               "outside the playbook's folder; copy the file in instead of linking to it")
        return doc
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # Never opened: a pipe would wait forever, a device (/dev/zero) fill the memory.
            what = "a folder, not a file" if stat.S_ISDIR(info.st_mode) else \
                "not a regular file"
            _error(doc, 1, 1, Code.YAML_SYNTAX, f"cannot read the file: it is {what}")
            return doc
        size = info.st_size
        if size > MAX_BYTES:
            _error(doc, 1, 1, Code.FILE_TOO_LARGE, f"file is {size:,} bytes; the limit is 1 MiB")
            return doc
        raw = path.read_bytes()
    except OSError as exc:
        _error(doc, 1, 1, Code.YAML_SYNTAX, f"cannot read the file: {exc.strerror or exc}")
        return doc
    return load_bytes(raw, display, doc)


def _leaves_playbook(path: Path) -> bool:
    """Whether ``path`` is a link whose file lies outside its playbook's folder (the folder of
    playbook.yml, which holds ``segments/``)."""
    if not os.path.islink(path):
        return False
    folder = path.parent.parent if path.parent.name == "segments" else path.parent
    target, root = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([target, root]) != root


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
    nel = text.find("\x85")
    if nel >= 0:
        line, col = _place(text, nel)
        _error(doc, line, col, Code.YAML_SYNTAX, "invalid YAML: the character U+0085 (a line "
               "break that editors do not show, often a mangled '…') is not allowed; delete it")
        return doc
    if ("\u2028" in text or "\u2029" in text) and not any(c in text for c in _STAND_INS):
        _parse(doc, text.translate(_TO_STAND_INS))
        _restore_separators(doc)
    else:
        _parse(doc, text)
    return doc


#: The line and paragraph separators are line breaks to libyaml (YAML 1.1), but ordinary
#: characters to YAML 1.2 and to editors: one pasted into a value would shift the line of
#: every problem after it, and split a plain value in two. The parser reads stand-ins
#: (private-use characters) in their place, which the values and messages then lose again.
_STAND_INS = "\ue028\ue029"
_TO_STAND_INS = str.maketrans("\u2028\u2029", _STAND_INS)
_FROM_STAND_INS = str.maketrans(_STAND_INS, "\u2028\u2029")


def _restore_separators(doc: Document) -> None:
    if doc.data is not None:
        doc.data = doc.positions.data = _restored(doc.data)
    doc.diagnostics = [dataclasses.replace(d, field=d.field.translate(_FROM_STAND_INS),
                                           message=d.message.translate(_FROM_STAND_INS))
                       for d in doc.diagnostics]


def _restored(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(_FROM_STAND_INS)
    if isinstance(value, dict):
        return {_restored(k): _restored(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restored(item) for item in value]
    return value


def _parse(doc: Document, text: str) -> None:
    """Fill ``doc`` with the data, positions and problems of ``text``."""
    loader = EventLoader(text)
    try:
        doc.data, doc.positions.marks = build_plain(loader)
        doc.positions.data = doc.data
        _refuse_control_characters(doc, text)
        return
    except (Unusual, yaml.YAMLError):
        pass  # the Builder reads it again, and reports what it finds
    finally:
        loader.dispose()
    if _only_comments(text):  # (a mapping, which build_plain returns, is not)
        _error(doc, 1, 1, Code.EMPTY_FILE, "the file is empty")
        return

    def report(mark: Mark, code: Code, message: str, loc: Loc) -> None:
        doc.diagnostics.append(Diagnostic(doc.path, *mark, code, field_path(loc), message))

    builder = Builder(report)
    loader = EventLoader(text)
    try:
        data = builder.run(loader)
    except Stop:
        return
    except yaml.reader.ReaderError:
        line, col, char = _bad_character(text)
        _error(doc, line, col, Code.YAML_SYNTAX,
               f"invalid YAML: the character U+{char:04X} is not allowed in YAML text")
        return
    except yaml.MarkedYAMLError as exc:
        problem = str(exc.problem or exc.context or "the file cannot be parsed")
        if "maximum nesting depth" in problem:
            # Newer libyaml stops deep flow collections itself, before our own limit can.
            _marked(doc, exc, f"values nest more than {MAX_DEPTH} levels deep", Code.TOO_DEEP,
                    field_path(builder.stack[-1].loc) if builder.stack else "")
        else:
            line, col, message = explain(exc, text, builder.last)
            _error(doc, line, col, Code.YAML_SYNTAX, f"invalid YAML: {message}")
        return
    finally:
        loader.dispose()
    if data is None:
        _error(doc, 1, 1, Code.EMPTY_FILE, "the file is empty")
        return
    doc.data = doc.positions.data = data
    doc.positions.marks = builder.marks
    _refuse_control_characters(doc, text)


#: Control characters: C0 but tab and line breaks, DEL, and C1. The YAML stream refuses them
#: written raw, but a double-quoted escape ("\\0", "\\e", "\\x02", "\\N") puts them into a
#: value, and from there into every page: no browser shows them, and a NUL makes a page binary
#: to grep.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse_control_characters(doc: Document, text: str) -> None:
    """An error at each text (value or key) holding a control character. Checked here, once
    per file and only when it has an escape, rather than by the models for every text."""
    if "\\" not in text:  # no escape, no control character
        return
    for loc, value, is_key in _texts(doc.data, ()):
        found = _CONTROL.search(value)
        if found:
            line, col = doc.positions.of(loc, key=is_key)
            _error(doc, line, col, Code.WRONG_VALUE, f"the control character "
                   f"U+{ord(found.group()):04X} is not allowed in text", _field(loc))


def _texts(value: Any, loc: Loc) -> Iterator[tuple[Loc, str, bool]]:
    """Every string in ``value``: its place, itself, and whether it is a mapping's key."""
    if isinstance(value, str):
        yield loc, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*loc, key), key, True
            yield from _texts(item, (*loc, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*loc, i))


def _marked(doc: Document, exc: yaml.MarkedYAMLError, message: str,
            code: Code = Code.YAML_SYNTAX, fld: str = "") -> None:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    _error(doc, line, col, code, message, fld)


def _bad_character(text: str) -> tuple[int, int, int]:
    """Line, column and code point of the first character YAML does not allow."""
    match = _NON_PRINTABLE.search(text)
    if match is None:  # pragma: no cover - the reader fails only on such a character
        return 1, 1, 0
    return (*_place(text, match.start()), ord(match.group(0)))


def _place(text: str, index: int) -> tuple[int, int]:
    """The line and column (1-based) of the character at ``index``, as an editor counts."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(raw: bytes, doc: Document) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        # The column counts characters, as editors do, not bytes; nor the byte order mark,
        # which no editor shows.
        start = before.rfind(b"\n") + 1
        here = before[start:] if start else before.removeprefix(codecs.BOM_UTF8)
        col = len(here.decode("utf-8", errors="replace")) + 1
        _error(doc, line, col, Code.NOT_UTF8, f"byte 0x{raw[exc.start]:02x} is not UTF-8; "
               "save the file as UTF-8")
        return None
    return text.removeprefix("\ufeff")


def _only_comments(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") or ln.strip() in ("---", "...")
               for ln in text.splitlines())


def _error(doc: Document, line: int, col: int, code: Code, message: str, fld: str = "") -> None:
    doc.diagnostics.append(Diagnostic(doc.path, line, col, code, fld, message))


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
