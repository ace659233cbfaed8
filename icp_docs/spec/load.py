"""Load a specs folder into a :class:`Playbook`, with every problem as a diagnostic.

Loading never raises for bad input: each file is parsed, validated against its model, and
checked against the other files; what is valid is kept, what is not becomes diagnostics that
point at file, line, column and field.

:class:`SpecCache` keeps parsed files by (mtime, size), so that ``mkdocs serve`` re-parses only
the file that changed. A large folder is read by several processes (``jobs``), see
:mod:`.parallel`.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from ..diagnostics import Code, Diagnostic, has_errors
from . import checks, errors, parallel
from .layout import BOOK_NAMES, display_path, segment_listing
from .models import PlaybookSpec, SegmentSpec
from .source import Source
from .yaml import Document

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Segment:
    """A valid segment with its source."""

    spec: SegmentSpec
    source: Source

    @property
    def id(self) -> str:
        """The segment's id (its file stem)."""
        return self.spec.id


class Ranked(NamedTuple):
    """A valid segment's place in the playbook: tuples of these sort best first (tier, then
    core before secondary, then id), as :attr:`Playbook.segments` are."""

    tier: int
    secondary: bool
    id: str

    @classmethod
    def of(cls, spec: SegmentSpec) -> Ranked:
        return cls(spec.tier, spec.priority != "core", spec.id)


@dataclass(frozen=True)
class Playbook:
    """A loaded playbook: the company facts and the valid segments, best tier first."""

    spec: PlaybookSpec
    source: Source
    segments: tuple[Segment, ...]
    root: Path
    #: Files that look like specs but are not read, as displayed: in segments/ (see
    #: ``layout.segment_listing``), and a playbook.yaml beside playbook.yml.
    unread: tuple[str, ...] = ()
    #: The stems of the segment files left out for their errors.
    broken: tuple[str, ...] = ()

    def segment(self, segment_id: str) -> Segment | None:
        """The valid segment with this id, if any."""
        return next((s for s in self.segments if s.id == segment_id), None)

    def thresholds(self, segment: SegmentSpec) -> tuple[int, int]:
        """(strong_at, disqualify_below) for a segment, its overrides first."""
        q = segment.qualification
        default = self.spec.qualification
        strong = q.strong_at if q.strong_at is not None else default.strong_at
        below = q.disqualify_below if q.disqualify_below is not None else default.disqualify_below
        return strong, below

    def currency(self, value: str | None) -> str:
        """A money field's currency, the playbook's by default."""
        return value or self.spec.currency


@dataclass
class LoadResult:
    """What loading found: the playbook (None when playbook.yml is unusable), every problem,
    and the segment files that could not be used, by file stem."""

    playbook: Playbook | None
    diagnostics: list[Diagnostic]
    broken: dict[str, list[Diagnostic]] = field(default_factory=dict)
    #: How many segment files were read, valid or not.
    files: int = 0

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not any(d.severity == "error" for d in self.diagnostics)


#: The stamp of a file read from somewhere other than the disk (a git blob).
NO_STAMP = (-1, -1)


@dataclass
class Parsed:
    """A file parsed and validated on its own (cacheable: depends on that file alone)."""

    stamp: tuple[int, int]
    source: Source
    model: Any
    diagnostics: list[Diagnostic]


class SpecCache:
    """Remembers per-file parse results so that a reload re-reads only changed files."""

    def __init__(self) -> None:
        self._files: dict[Path, Parsed] = {}
        self.parsed = 0  # how many files were actually (re)parsed: serve reports it

    def get(self, file: Path, display: str, model: type[M]) -> Parsed:
        """One file's parse result, re-read only when it changed."""
        return self.get_many([(file, display)], model)[0]

    def get_many(self, files: Sequence[tuple[Path, str]], model: type[M], *,
                 jobs: int = 1) -> list[Parsed]:
        """Parse results of ``(file, display path)`` pairs, the changed ones read by up to
        ``jobs`` processes."""
        stamps = [_stamp(file) for file, _ in files]
        results: list[Parsed | None] = []
        stale: list[int] = []
        for i, ((file, display), stamp) in enumerate(zip(files, stamps, strict=True)):
            hit = self._files.get(file)
            fresh = hit is not None and hit.stamp == stamp and hit.source.path == display
            results.append(hit if fresh else None)
            if not fresh:
                stale.append(i)
        docs = parallel.read_many([files[i] for i in stale], jobs)
        for i, doc in zip(stale, docs, strict=True):
            self.parsed += 1
            parsed = parse_document(doc, files[i][0], model, stamps[i])
            self._files[files[i][0]] = parsed
            results[i] = parsed
        return [r for r in results if r is not None]


def _stamp(file: Path) -> tuple[int, int]:
    try:
        st = file.stat()
    except OSError:
        return NO_STAMP  # gone or unreadable: load_file says so
    return st.st_mtime_ns, st.st_size


def parse_document(doc: Document, file: Path, model: type[M],
                   stamp: tuple[int, int] = NO_STAMP) -> Parsed:
    """A read document validated against its model, as the cache and history keep it."""
    source = Source(doc.path, file, doc.positions)
    if doc.data is None:
        return Parsed(stamp, source, None, doc.diagnostics)
    instance, problems = validate(doc, model)
    return Parsed(stamp, source, instance, doc.diagnostics + problems)


def validate(doc: Document, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    """Validate a parsed document against a model; pydantic errors become diagnostics."""
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        return None, errors.diagnostics(doc, exc.errors(include_url=False), model)


@contextmanager
def gc_paused() -> Iterator[None]:
    # Loading builds many small acyclic objects; the cyclic collector would scan the growing
    # heap again and again (some 40% of the time for 1,000 files) and find nothing to free.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_playbook(specs_dir: str | os.PathLike[str], *, cache: SpecCache | None = None,
                  cwd: Path | None = None, jobs: int = 1) -> LoadResult:
    """Load ``specs_dir`` (``playbook.yml`` and ``segments/*.yml``) into a :class:`LoadResult`.

    ``jobs`` > 1 lets that many processes read a large folder (only where ``fork`` exists,
    so use it from a single-threaded program such as the command line).
    """
    cache = cache or SpecCache()
    with gc_paused():
        folder = open_folder(specs_dir, cache, cwd)
        parsed = cache.get_many(folder.segments, SegmentSpec, jobs=jobs)
    return assemble(folder.book, parsed, folder.root, folder.problems, folder.unread)


@dataclass(frozen=True)
class Folder:
    """A specs folder as found: playbook.yml read and validated, and the segment files."""

    root: Path
    #: playbook.yml's result; None when there is none (``problems`` says so).
    book: Parsed | None
    problems: list[Diagnostic]
    #: The segment files to read, as ``(file, display path)``.
    segments: list[tuple[Path, str]]
    #: The files the playbook would list as :attr:`Playbook.unread`.
    unread: tuple[str, ...]


def open_folder(specs_dir: str | os.PathLike[str], cache: SpecCache,
                cwd: Path | None = None) -> Folder:
    """Read and validate playbook.yml, and list the segment files (not read yet)."""
    root = Path(specs_dir)
    book_file = _book_file(root)
    book = cache.get(book_file, display_path(book_file, cwd), PlaybookSpec) \
        if os.path.lexists(book_file) else None
    pairs, unread_files = segment_listing(root, cwd)
    if book is None:
        return Folder(root, None, [missing_playbook(book_file, cwd)], pairs, ())
    # The other spelling of playbook.yml, beside the one read, is passed over too.
    unread_files += [f for n in BOOK_NAMES if (f := root / n) != book_file and os.path.lexists(f)]
    return Folder(root, book, [], pairs, tuple(display_path(f, cwd) for f in unread_files))


def _book_file(root: Path) -> Path:
    """``playbook.yml``, else ``playbook.yaml``: the first that is a file, or failing that the
    first that is there at all. A folder or a broken link in its place is read, and reported
    as what it is: the user sees a playbook.yml, and "no playbook.yml" would mislead them."""
    names = [root / n for n in BOOK_NAMES]
    return next((f for f in names if f.is_file()), None) or \
        next((f for f in names if os.path.lexists(f)), names[0])


def _errors(parsed: Parsed) -> list[str]:
    return [d.field for d in parsed.diagnostics if d.severity == "error"]


def segment_facts(parsed: Parsed) -> checks.SegmentFacts | None:
    """What the cross-file checks read of a segment file, valid or not."""
    if parsed.model is not None:
        return checks.SegmentFacts.of_model(parsed.model)
    # The file's own errors are reported already; what is sound in it is still checked.
    return checks.SegmentFacts.of_data(parsed.source.positions.data, _errors(parsed))


def book_checked(book: Parsed | None) -> tuple[checks.BookFacts | None, list[Diagnostic]]:
    """What the segments' checks read of playbook.yml, and its diagnostics: its own and
    those of its rules across fields."""
    if book is None:
        return None, []
    facts = checks.BookFacts.of_model(book.model) if book.model is not None else \
        checks.BookFacts.of_data(book.source.positions.data, _errors(book))
    found = [*book.diagnostics, *checks.check_book_facts(facts, book.source)]
    if book.model is not None:  # the rules that need the model
        found += checks.check_playbook(book.model, book.source)
    return facts, found


def missing_playbook(book_file: Path, cwd: Path | None = None, where: str = "") -> Diagnostic:
    """The error for a specs folder without playbook.yml (``where``: e.g. " at <sha>")."""
    folder = display_path(book_file.parent, cwd) or "."
    return Diagnostic(display_path(book_file, cwd), 1, 1, Code.MISSING_PLAYBOOK, "",
                      f"no playbook.yml in {folder}{where}")


def assemble(book: Parsed | None, parsed: list[Parsed], root: Path,
             problems: Iterable[Diagnostic] = (), unread: tuple[str, ...] = ()) -> LoadResult:
    """Run the cross-file checks over files parsed on their own, and keep what is valid.

    ``book`` is playbook.yml's result (None when it is missing: say so in ``problems``);
    ``unread``: the files the playbook would list as :attr:`Playbook.unread`.
    """
    facts, diagnostics = book_checked(book)
    diagnostics = [*problems, *diagnostics]
    cross = checks.check_segments(
        [(p.source, f) for p in parsed if (f := segment_facts(p)) is not None], facts)
    broken: dict[str, list[Diagnostic]] = {}
    segments: list[Segment] = []
    for p in parsed:
        mine = p.diagnostics + cross.get(p.source.path, [])
        diagnostics += mine
        if p.model is None or has_errors(mine):
            broken[p.source.file.stem] = [d for d in mine if d.severity == "error"]
        else:
            segments.append(Segment(p.model, p.source))
    playbook = None
    if book is not None and book.model is not None:
        segments.sort(key=lambda s: Ranked.of(s.spec))
        playbook = Playbook(book.model, book.source, tuple(segments), root, unread,
                            tuple(broken))
    return LoadResult(playbook, sorted(set(diagnostics)), broken, len(parsed))
