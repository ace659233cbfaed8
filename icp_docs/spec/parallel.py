"""Reading many spec files with several processes.

Parsing YAML is the slow part of loading a large folder (libyaml hands every token to Python),
and each file parses on its own, so a folder of hundreds of segments is read by a pool of
forked workers. They return plain data and positions, which travel back cheaply; validation and
the cross-file checks stay in the calling process. ``fork`` is required (it makes a worker
ready at once, with everything imported); without it, or for few files, reading is sequential.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from .yaml import Document, load_file

#: Below this many files, starting workers costs more than it saves.
MIN_FILES = 64


def read_files(files: Sequence[tuple[Path, str]], jobs: int = 1) -> list[Document]:
    """Parse ``(file, display path)`` pairs, in order; never raises for bad content."""
    if jobs <= 1 or len(files) < MIN_FILES or not sys.platform.startswith("linux"):
        return [load_file(file, display) for file, display in files]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        # Several chunks per worker, so that a worker left with big files does not hold
        # the others up at the end.
        return pool.starmap(load_file, files, chunksize=max(1, len(files) // (jobs * 8)))
