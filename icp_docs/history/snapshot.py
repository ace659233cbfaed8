"""The specs folder at a git revision, loaded straight from git objects.

Files are read with one ``git cat-file --batch`` and parsed by the same loader as the working
tree (:func:`icp_docs.spec.yaml.load_bytes` and the models), so a revision gets the same
diagnostics, with the same lines, as ``icp-docs validate`` on a checkout of it. Parsed files are
kept by blob: successive refreshes share most of their files, and each is parsed once. The
cross-file checks are the loader's own (:func:`icp_docs.spec.load.assemble`).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

from ..spec.layout import BOOK_NAMES, display_path, folder_prefix, is_segment_name
from ..spec.load import (
    NO_STAMP,
    LoadResult,
    Parsed,
    Playbook,
    assemble,
    missing_playbook,
    parse_document,
)
from ..spec.models import PlaybookSpec, SegmentSpec
from ..spec.parallel import parse_many
from ..spec.source import Source
from .git import TreeEntry, read_blobs, resolve, spec_files

__all__ = ["Revision", "at_commit", "at_revision", "load_commits", "load_revision", "seed"]

# Enough for every file of 8 refreshes of a 1,000-segment playbook; positions make an entry
# weigh some 100 KB, so the cache must not grow without bound in a long `mkdocs serve`.
_MAX_CACHED = 3_000


@dataclass(frozen=True)
class Revision:
    """Where a snapshot comes from: the repository, the commit and the specs folder in it."""

    repo: Path
    sha: str
    folder: str  # the specs folder, from the repository root, POSIX style

    @property
    def short(self) -> str:
        return self.sha[:7]


# (blob, real path, display path, model) -> parsed file; a blob is parsed once per place.
_Key = tuple[str, str, str, str]
_parsed: OrderedDict[_Key, Parsed] = OrderedDict()


def at_commit(sha: str, path: str) -> str:
    """A file as git names it at commit ``sha`` (``1a2b3c4:specs/segments/x.yml``): where a
    line of that revision's file is, as no checked-out file may hold it."""
    return f"{sha[:7]}:{path}"


def at_revision(book: Playbook, sha: str) -> Playbook:
    """``book`` with its files named :func:`at_commit` ``sha``."""
    def named(source: Source) -> Source:
        return replace(source, path=at_commit(sha, source.path))
    segments = tuple(replace(s, source=named(s.source)) for s in book.segments)
    return replace(book, source=named(book.source), segments=segments)


def load_revision(repo: Path, rev: str, folder: str, *, cwd: Path | None = None) -> LoadResult:
    """Load the specs ``folder`` (from the repository root) as it was at ``rev``.

    Paths in diagnostics and sources are shown relative to ``cwd`` (default: the working
    directory), as for the working tree. Raises :class:`~icp_docs.history.git.GitError` when
    ``rev`` names no commit.
    """
    repo = repo.resolve()
    at = Revision(repo, resolve(repo, rev), folder.strip("/") or ".")
    return load_commits(repo, [at.sha], at.folder, cwd=cwd)[at.sha]


def load_commits(repo: Path, shas: Sequence[str], folder: str, *, cwd: Path | None = None,
                 jobs: int = 1) -> dict[str, LoadResult]:
    """Load the specs at several commits (full shas), reading git twice for all of them: the
    trees in one batch, then every file not parsed before in another. ``jobs`` > 1 lets that
    many forked processes parse the files (see :mod:`icp_docs.spec.parallel`)."""
    here = cwd or Path.cwd()
    trees = spec_files(repo, shas, folder)
    files = {sha: _files(folder, trees[sha]) for sha in shas}
    shown = _Shown(repo, here)
    keys = {(sha, path): (blob, str(repo / path), shown(path), kind.__name__)
            for sha in shas for path, (blob, kind) in files[sha].items()}
    kinds = {key: files[sha][path][1] for (sha, path), key in keys.items()}
    # One batched read, and one parse, for every file not parsed before, whatever the number
    # of commits.
    todo = list(dict.fromkeys(k for k in keys.values() if k not in _parsed))
    raw = read_blobs(repo, [k[0] for k in todo])
    docs = parse_many([(raw.get(k[0]) or b"", k[2]) for k in todo], jobs)
    found = {k: _parsed[k] for k in keys.values() if k in _parsed}
    found.update((k, parse_document(doc, Path(k[1]), kinds[k]))
                 for k, doc in zip(todo, docs, strict=True))
    _remember(found)
    results = {}
    for sha in shas:
        done = {path: found[keys[sha, path]] for path in files[sha]}
        book = next((p for path, p in done.items() if files[sha][path][1] is PlaybookSpec),
                    None)
        segments = [p for p in done.values() if p is not book]
        results[sha] = _assemble(Revision(repo, sha, folder), book, segments, here)
    return results


class _Shown:
    """Display paths of repository files, with one prefix per folder (a thousand files of
    history cost 1 ms instead of 130)."""

    def __init__(self, repo: Path, cwd: Path) -> None:
        self.repo, self.cwd = repo, cwd
        self.folders: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        parent, _, name = path.rpartition("/")
        if parent not in self.folders:
            self.folders[parent] = folder_prefix(self.repo / parent, self.cwd)
        return self.folders[parent] + name


def _files(folder: str, entries: list[TreeEntry]) -> dict[str, tuple[str, type[Any]]]:
    """path -> (blob, model) of the spec files of a tree, as the loader picks them:
    playbook.yml (else playbook.yaml) and ``segments/*.yml|yaml``, sorted."""
    base = PurePosixPath(folder)
    blobs = {e.path: e.blob for e in entries}
    found: dict[str, tuple[str, type[Any]]] = {}
    book = next((str(base / n) for n in BOOK_NAMES
                 if str(base / n) in blobs), None)
    if book is not None:
        found[book] = (blobs[book], PlaybookSpec)
    for path in sorted(blobs):
        where = PurePosixPath(path)
        if where.parent == base / "segments" and is_segment_name(where.name):
            found[path] = (blobs[path], SegmentSpec)
    return found


def _assemble(at: Revision, book: Parsed | None, segments: list[Parsed],
              here: Path) -> LoadResult:
    root = at.repo / at.folder
    if book is None:
        missing = missing_playbook(root / "playbook.yml", here, f" at {at.short}")
        return assemble(None, segments, root, [missing])
    # The loader's own cross-file checks: a revision is judged as a checkout of it would be.
    return assemble(book, segments, root)


def seed(playbook: Playbook, *, cwd: Path | None = None) -> None:
    """Let revisions reuse what the working tree already parsed, file by file.

    A working-tree file whose bytes hash to the blob a revision holds is that blob: its parse
    (model and positions) is the same, so the newest refresh costs nothing to load and the
    older ones only their files that differ.
    """
    here = cwd or Path.cwd()
    known: list[tuple[Source, Any, type[Any]]] = [(playbook.source, playbook.spec, PlaybookSpec)]
    known += [(s.source, s.spec, SegmentSpec) for s in playbook.segments]
    for source, model, kind in known:
        file = source.file.resolve()
        try:
            raw = file.read_bytes()
        except OSError:
            continue
        blob = hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()
        key = (blob, str(file), display_path(file, here), kind.__name__)
        if key not in _parsed:
            _parsed[key] = Parsed(NO_STAMP, Source(key[2], Path(key[1]), source.positions),
                                   model, [])


def _remember(found: dict[_Key, Parsed]) -> None:
    """Keep what a load used, the most recent last; forget the oldest beyond the limit."""
    for key, parsed in found.items():
        _parsed[key] = parsed
        _parsed.move_to_end(key)
    while len(_parsed) > _MAX_CACHED:
        _parsed.popitem(last=False)
