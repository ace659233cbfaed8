"""Where a model came from (:class:`Source`): the file and its value positions, so that any
rule can point a diagnostic at the line and column of the value it judges.

Its own module, below both :mod:`.load` and :mod:`.checks`, so that neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Code, Diagnostic
from .yaml import Positions, field_path


@dataclass(frozen=True)
class Source:
    """Where a model came from: the file as displayed, its real path, and positions."""

    path: str
    file: Path
    positions: Positions

    def where(self, loc: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``loc`` (of its key with ``key=True``)."""
        return self.positions.of(loc, key=key)

    def diagnostic(self, code: Code, loc: tuple[str | int, ...], message: str, *,
                   key: bool = False) -> Diagnostic:
        """A diagnostic about the value at ``loc`` in this file."""
        line, col = self.where(loc, key=key)
        return Diagnostic(self.path, line, col, code, field_path(loc), message)
