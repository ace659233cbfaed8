"""Spreading work over several processes, for large folders.

Parsing YAML is the slow part of loading a large folder (libyaml hands every value to Python),
and each file parses on its own, so a folder of hundreds of segments is read by a pool of
forked workers; the lint rules of each segment are spread the same way. Workers are forked
(``fork`` makes one ready at once, with everything imported and loaded), so a task is handed
over in memory and only results travel back: plain data, positions and diagnostics, which
pickle cheaply. Without ``fork``, or for few items, the work runs in the calling process.
Use it from a single-threaded program such as the command line. ``icp-docs validate`` goes
further (:func:`icp_docs.lint.verdict`): its workers validate and lint the files they parse,
and send back diagnostics only. This module imports neither pydantic nor the models.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

from ..diagnostics import Diagnostic
from .yaml import Document, Positions, load_bytes, load_file

if TYPE_CHECKING:
    from multiprocessing.pool import Pool

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, starting workers costs more than it saves.
MIN_ITEMS = 64

_task: Callable[[int], Any] | None = None  # what a forked worker runs (set in the worker)


class Forked(Generic[R]):
    """Results computed by forked workers, which started when this was made; iterate once,
    in order. The workers stop when the results have all been read, or on :meth:`close`."""

    def __init__(self, pool: Pool, results: Iterable[R]) -> None:
        self._pool = pool
        self._results = results

    def __iter__(self) -> Iterator[R]:
        try:
            yield from self._results
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (results not read yet are lost)."""
        self._pool.terminate()


def usable_jobs() -> int:
    """How many processes may share work from here: the machine's cores where forking is
    safe (Linux, and no other thread running, whose locks a child would inherit held), else
    1. A single-threaded ``mkdocs build`` qualifies; ``mkdocs serve`` (a server thread) does
    not."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return 1
    return cores()


def cores() -> int:
    """The cores this process may run on (a container's or CI runner's share, where the
    system says so; ``os.cpu_count()`` counts the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@contextmanager
def frozen_for_fork() -> Iterator[None]:
    """Freeze the objects alive now while forking (gc's advice for fork without exec): the
    child's collections then leave alone, instead of copying, every page it inherited. A
    freeze the host program made itself is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def fork_map(task: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterable[R]:
    """``task`` over ``items``, in order, in up to ``jobs`` forked processes that start now.
    ``task`` may be any callable (a closure too): workers inherit it, it is never pickled."""
    if jobs <= 1 or len(items) < MIN_ITEMS or not sys.platform.startswith("linux"):
        return map(task, items)
    import multiprocessing

    # Forked workers receive the initializer and its argument in memory, never pickled, so
    # a closure will do; a worker the pool starts again later gets the same.
    with frozen_for_fork():
        pool = multiprocessing.get_context("fork").Pool(
            jobs, initializer=_set_task, initargs=(lambda i: task(items[i]),))
    # Several chunks per worker: the caller works on the first results while the rest are
    # computed, and a worker left with big items holds nobody up.
    results = pool.imap(_run, range(len(items)), chunksize=max(1, len(items) // (jobs * 8)))
    return Forked(pool, results)


def _set_task(task: Callable[[int], Any]) -> None:
    global _task
    _task = task


def _run(index: int) -> Any:
    assert _task is not None
    return _task(index)


def read_many(files: Sequence[tuple[Path, str]], jobs: int = 1) -> Iterator[Document]:
    """``(file, display path)`` pairs read as :func:`~.yaml.load_file` reads them (never
    raising for bad content), in order; by forked workers for many files and ``jobs`` > 1."""
    return map(_unpack, fork_map(lambda item: _pack(load_file(*item)), files, jobs))


def parse_many(items: Sequence[tuple[bytes, str]], jobs: int = 1) -> Iterator[Document]:
    """``(content, display path)`` pairs parsed as :func:`~.yaml.load_bytes` would, in order;
    by forked workers as for :func:`read_many` (the contents reach them in memory)."""
    return map(_unpack, fork_map(lambda item: _pack(load_bytes(*item)), items, jobs))


Packed: TypeAlias = "tuple[str, Any, array[int], list[Diagnostic]]"


def _pack(doc: Document) -> Packed:
    # Plain values unpickle several times faster than the dataclasses around them.
    return doc.path, doc.data, doc.positions.marks, doc.diagnostics


def _unpack(packed: Packed) -> Document:
    path, data, marks, diagnostics = packed
    return Document(path, data, Positions(marks, data), diagnostics)
