"""The evidence JSON (written by ``icp-docs evidence``) read back for the site and lint.

Pure Python and pydantic: the site and lint read an evidence file without the engine that
wrote it. The models are frozen; keys this version does not know are ignored, so a file from
a newer ``icp-docs evidence`` still builds the site. Every problem names the file and the
JSON path of the value (``evidence.json: segments.payroll-ops.won: ...``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["Evidence", "EvidenceError", "SegmentEvidence", "load_evidence", "parse_evidence"]

#: Larger than any aggregate file; a file with ``--names`` of a big CRM stays under it.
MAX_BYTES = 64 * 1024 * 1024

Count = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class EvidenceError(Exception):
    """An evidence file that cannot be used: the message names the file and each problem."""

    def __init__(self, path: str, problems: list[str], line: int = 1) -> None:
        self.path, self.problems, self.line = path, problems, line
        shown = f" {problems[0]}" if len(problems) == 1 else \
            f" {len(problems)} problems:\n  " + "\n  ".join(problems)
        super().__init__(f"{path}:{shown}")


class _Model(BaseModel):
    # ignore, not forbid: a newer writer may add figures this reader does not show.
    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)


class Outcomes(_Model):
    """Deals by outcome, and the win rate ((won + churned) / all) among them."""

    deals: Count = 0
    won: Count = 0
    lost: Count = 0
    churned: Count = 0
    win_rate: Share | None = None


class Knocked(_Model):
    """Deals of accounts a knock-out disqualified, by outcome."""

    won: Count = 0
    lost: Count = 0
    churned: Count = 0


class Grades(_Model):
    """How many deals' accounts got each grade in a segment (``none``: it did not apply)."""

    A: Count = 0
    B: Count = 0
    C: Count = 0
    D: Count = 0
    none: Count = 0

    def items(self) -> list[tuple[str, int]]:
        """(label, count) in order, for tables and charts."""
        return [("A", self.A), ("B", self.B), ("C", self.C), ("D", self.D),
                ("none", self.none)]

    @property
    def total(self) -> int:
        """Every deal counted."""
        return self.A + self.B + self.C + self.D + self.none


class SegmentEvidence(Outcomes):
    """One segment's figures: its fitting deals (grade A or B) against the rest."""

    deals: Count
    won: Count
    lost: Count
    churned: Count
    non_fit: Outcomes = Field(default_factory=Outcomes)
    lift: Share | None = None
    median_won_amount: Share | None = None
    churn_rate: Share | None = None
    grades: Grades = Field(default_factory=Grades)
    knocked_out: Knocked = Field(default_factory=Knocked)

    @property
    def wins(self) -> int:
        """Deals that closed won, churned ones included (they were won first)."""
        return self.won + self.churned


class Attribute(_Model):
    """A value that won deals outside every segment share."""

    field: str
    value: str
    count: Count


class Knockout(_Model):
    """A knock-out reason and the lost or churned deals it hit."""

    reason: str
    lost: Count = 0
    churned: Count = 0


class Account(_Model):
    """One deal's account, only in a file written with ``--names``."""

    name: str
    outcome: str
    segment: str = ""


class Evidence(_Model):
    """A whole evidence file."""

    as_of: dt.date
    refresh: str | None = None
    source: str = ""
    deals: Count
    won: Count
    lost: Count
    churned: Count
    segments: dict[str, SegmentEvidence]
    unmatched_won: Count = 0
    unmatched_won_share: Share | None = None
    unmatched_attributes: tuple[Attribute, ...] = ()
    knockouts: tuple[Knockout, ...] = ()
    unparsed: dict[str, Count] = Field(default_factory=dict)
    accounts: tuple[Account, ...] = ()

    @property
    def wins(self) -> int:
        """Won deals, churned ones included."""
        return self.won + self.churned


def _where(loc: tuple[str | int, ...]) -> str:
    """A pydantic location as a JSON path: ``segments.payroll-ops.grades.A``, ``knockouts[0]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def load_evidence(path: str | os.PathLike[str], shown: str | None = None) -> Evidence:
    """Read and check an evidence file; :class:`EvidenceError` names ``shown`` (the path as
    the user wrote it, by default ``path``) and every problem."""
    name = shown if shown is not None else str(path)
    file = Path(path)
    try:
        if file.is_dir():
            raise EvidenceError(name, ["is a folder, not an evidence file"])
        if file.stat().st_size > MAX_BYTES:
            raise EvidenceError(name, [f"over {MAX_BYTES // 2**20} MiB: not an evidence file"])
        raw = file.read_bytes()
    except FileNotFoundError:
        raise EvidenceError(name, ["no such file (write one with `icp-docs evidence "
                                   "DEALS --out FILE`)"]) from None
    except OSError as exc:
        raise EvidenceError(name, [f"cannot be read: {exc.strerror}"]) from exc
    return parse_evidence(raw, name)


def parse_evidence(raw: bytes | str, name: str = "evidence") -> Evidence:
    """The evidence in ``raw`` (a file's bytes), checked; ``name`` is used in errors."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text)
    except UnicodeDecodeError as exc:
        raise EvidenceError(name, [f"not UTF-8 (byte {exc.start})"]) from exc
    except json.JSONDecodeError as exc:
        raise EvidenceError(name, [f"line {exc.lineno}, column {exc.colno}: not valid "
                                   f"JSON: {exc.msg}"], exc.lineno) from exc
    if not isinstance(data, dict):
        raise EvidenceError(name, ["expected a JSON object ({...}) with as_of and segments"])
    try:
        return Evidence.model_validate_json(text, strict=True)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']}"
                    + (f" (got {_shown_input(e['input'])})" if e["type"] != "missing" else "")
                    for e in exc.errors(include_url=False)]
        raise EvidenceError(name, problems) from exc


def _shown_input(value: object) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
