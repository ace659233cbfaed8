"""Load a specs folder into a :class:`Playbook`, with every problem as a diagnostic.

Loading never raises for bad input: each file is parsed, validated against its model, and
checked against the other files; what is valid is kept, what is not becomes diagnostics that
point at file, line, column and field.

:class:`SpecCache` keeps parsed files by (mtime, size), so that ``mkdocs serve`` re-parses only
the file that changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..diagnostics import Code, Diagnostic
from . import checks
from .models import PlaybookSpec, SegmentSpec
from .yaml import Document, Positions, field_path, load_file

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Source:
    """Where a model came from: the file as displayed, its real path, and positions."""

    path: str
    file: Path
    positions: Positions

    def where(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        return self.positions.of(loc, key=key)

    def diagnostic(self, code: Code, loc: tuple[str | int, ...], message: str, *,
                   key: bool = False) -> Diagnostic:
        line, col = self.where(loc, key=key)
        return Diagnostic(self.path, line, col, code, field_path(loc), message)


@dataclass(frozen=True)
class Segment:
    """A valid segment with its source."""

    spec: SegmentSpec
    source: Source

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class Playbook:
    """A loaded playbook: the company facts and the valid segments, best tier first."""

    spec: PlaybookSpec
    source: Source
    segments: tuple[Segment, ...]
    root: Path

    def segment(self, segment_id: str) -> Segment | None:
        return next((s for s in self.segments if s.id == segment_id), None)

    def thresholds(self, segment: SegmentSpec) -> tuple[int, int]:
        """(strong_at, disqualify_below) for a segment, its overrides first."""
        q = segment.qualification
        default = self.spec.qualification
        strong = q.strong_at if q.strong_at is not None else default.strong_at
        below = q.disqualify_below if q.disqualify_below is not None else default.disqualify_below
        return strong, below

    def currency(self, value: str | None) -> str:
        return value or self.spec.currency


@dataclass
class LoadResult:
    """What loading found: the playbook (None when playbook.yml is unusable), every problem,
    and the segment files that could not be used, by file stem."""

    playbook: Playbook | None
    diagnostics: list[Diagnostic]
    broken: dict[str, list[Diagnostic]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


@dataclass
class _Parsed:
    """A file parsed and validated on its own (cacheable: depends on that file alone)."""

    stamp: tuple[int, int]
    source: Source
    model: Any
    diagnostics: list[Diagnostic]


class SpecCache:
    """Remembers per-file parse results so that a reload re-reads only changed files."""

    def __init__(self) -> None:
        self._files: dict[Path, _Parsed] = {}
        self.parsed = 0  # how many files were actually (re)parsed: serve reports it

    def get(self, file: Path, display: str, model: type[M]) -> _Parsed:
        st = file.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        hit = self._files.get(file)
        if hit is not None and hit.stamp == stamp and hit.source.path == display:
            return hit
        self.parsed += 1
        parsed = _parse(file, display, model, stamp)
        self._files[file] = parsed
        return parsed


def _parse(file: Path, display: str, model: type[M], stamp: tuple[int, int]) -> _Parsed:
    doc = load_file(file, display)
    source = Source(display, file, doc.positions)
    if doc.data is None:
        return _Parsed(stamp, source, None, doc.diagnostics)
    instance, problems = validate(doc, model)
    return _Parsed(stamp, source, instance, doc.diagnostics + problems)


def validate(doc: Document, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Validate a parsed document against a model; pydantic errors become diagnostics."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, [_diagnostic(doc, err) for err in exc.errors(include_url=False)]


def _diagnostic(doc: Document, err: Any) -> Diagnostic:
    loc = tuple(part for part in err["loc"] if not _is_union_branch(part))
    kind = err["type"]
    message = checks.explain(kind, err, loc)
    if kind == "extra_forbidden":
        code, line_col = Code.UNKNOWN_FIELD, doc.positions.of(loc, key=True)
    elif kind == "missing":
        code, line_col = Code.MISSING_FIELD, doc.positions.of(loc[:-1])
    elif kind == "string_pattern_mismatch" and loc and loc[-1] == "id":
        code, line_col = Code.BAD_ID, doc.positions.of(loc)
    else:
        code, line_col = Code.WRONG_VALUE, doc.positions.of(loc)
    return Diagnostic(doc.path, *line_col, code, field_path(loc), message)


def _is_union_branch(part: object) -> bool:
    # pydantic names the branch of a union in ``loc`` ("str", "JourneyStep", ...).
    return isinstance(part, str) and (part[:1].isupper() or part in {"str", "constrained-str"})


def display_path(file: Path, cwd: Path | None = None) -> str:
    """The path as the user should read it: relative to the working directory if inside."""
    base = cwd or Path.cwd()
    try:
        return os.path.relpath(file, base) if file.is_absolute() else str(file)
    except ValueError:
        return str(file)


def segment_files(specs_dir: Path) -> list[Path]:
    folder = specs_dir / "segments"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


def load_playbook(specs_dir: str | os.PathLike[str], *, cache: SpecCache | None = None,
                  cwd: Path | None = None) -> LoadResult:
    """Load ``specs_dir`` (``playbook.yml`` and ``segments/*.yml``) into a :class:`LoadResult`."""
    root = Path(specs_dir)
    cache = cache or SpecCache()
    diagnostics: list[Diagnostic] = []
    book_file = root / "playbook.yml"
    if not book_file.is_file() and (root / "playbook.yaml").is_file():
        book_file = root / "playbook.yaml"
    book = None
    if book_file.is_file():
        book = cache.get(book_file, display_path(book_file, cwd), PlaybookSpec)
        diagnostics += book.diagnostics
    else:
        shown = display_path(book_file, cwd)
        diagnostics.append(Diagnostic(shown, 1, 1, Code.MISSING_PLAYBOOK, "",
                                      f"no playbook.yml in {display_path(root, cwd) or '.'}"))
    parsed = [cache.get(f, display_path(f, cwd), SegmentSpec) for f in segment_files(root)]
    stage_ids = _stage_ids(book.model if book else None)
    broken: dict[str, list[Diagnostic]] = {}
    segments: list[Segment] = []
    cross = checks.check_segments(
        [(p.source, p.model) for p in parsed if p.model is not None],
        stage_ids,
        book.model if book else None,
    )
    for p in parsed:
        stem = p.source.file.stem
        mine = p.diagnostics + cross.get(p.source.path, [])
        diagnostics += mine
        if p.model is None or any(d.severity == "error" for d in mine):
            broken[stem] = [d for d in mine if d.severity == "error"]
        else:
            segments.append(Segment(p.model, p.source))
    if book is not None and book.model is not None:
        diagnostics += checks.check_playbook(book.model, book.source)
    playbook = None
    if book is not None and book.model is not None:
        segments.sort(key=lambda s: (s.spec.tier, s.spec.priority != "core", s.id))
        playbook = Playbook(book.model, book.source, tuple(segments), root)
    return LoadResult(playbook, _unique(diagnostics), broken)


def _stage_ids(book: PlaybookSpec | None) -> set[str] | None:
    return None if book is None else {s.id for s in book.journey_stages}


def _unique(items: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(items))
