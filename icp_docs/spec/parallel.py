"""Spreading work over several processes, for large folders.

Parsing YAML is the slow part of loading a large folder (libyaml hands every value to Python),
and each file parses on its own, so a folder of hundreds of segments is read by a pool of
forked workers; the lint rules of each segment are spread the same way. Workers are forked
(``fork`` makes one ready at once, with everything imported and loaded), so a task is handed
over in memory and only results travel back: plain data, positions and diagnostics, which
pickle cheaply. Without ``fork``, or for few items, the work runs in the calling process.
Use it from a single-threaded program such as the command line.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from ..diagnostics import Diagnostic
from .yaml import Document, Positions, load_file

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, starting workers costs more than it saves.
MIN_ITEMS = 64

_task: Callable[[int], Any] | None = None  # what forked workers run, set before they fork


def fork_map(task: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``task`` over ``items``, in order, in up to ``jobs`` forked processes. ``task`` may be
    any callable (a closure too): workers inherit it, it is never pickled."""
    global _task
    if jobs <= 1 or len(items) < MIN_ITEMS or not sys.platform.startswith("linux"):
        yield from map(task, items)
        return
    import multiprocessing

    _task = lambda i: task(items[i])  # noqa: E731 - a closure the workers inherit
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # Several chunks per worker: the caller works on the first results while the
            # rest are computed, and a worker left with big items holds nobody up.
            yield from pool.imap(_run, range(len(items)),
                                 chunksize=max(1, len(items) // (jobs * 8)))
    finally:
        _task = None


def _run(index: int) -> Any:
    assert _task is not None
    return _task(index)


def read_files(files: Sequence[tuple[Path, str]], jobs: int = 1) -> Iterator[Document]:
    """Parse ``(file, display path)`` pairs, yielding in order; never raises for bad content."""
    if jobs <= 1 or len(files) < MIN_ITEMS:
        return (load_file(file, display) for file, display in files)
    return map(_unpack, fork_map(lambda item: _pack(load_file(*item)), files, jobs))


Packed: TypeAlias = "tuple[str, Any, array[int], list[Diagnostic]]"


def _pack(doc: Document) -> Packed:
    # Plain values unpickle several times faster than the dataclasses around them.
    return doc.path, doc.data, doc.positions.marks, doc.diagnostics


def _unpack(packed: Packed) -> Document:
    path, data, marks, diagnostics = packed
    return Document(path, data, Positions(marks, data), diagnostics)
