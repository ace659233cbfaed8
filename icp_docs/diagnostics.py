"""Diagnostics: every problem found in a playbook, with the place to blame.

A diagnostic prints as ``path:line:column: error|warning[CODE]: field.path: message``, the
form editors and CI annotators already understand. Codes live in one enum so that they stay
stable across releases and can be switched off by code or by name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


class Code(Enum):
    """Every diagnostic code, with a short name and its severity.

    E-codes are errors in the contract (the run fails); W-codes are the lint rules, warnings
    that fail only in strict mode.
    """

    def __new__(cls, code: str, name: str, severity: Severity) -> Code:
        obj = object.__new__(cls)
        obj._value_ = code
        obj.slug = name
        obj.severity = severity
        return obj

    slug: str
    severity: Severity

    # Files and YAML.
    YAML_SYNTAX = ("E001", "yaml-syntax", "error")
    DUPLICATE_KEY = ("E002", "duplicate-key", "error")
    NOT_UTF8 = ("E003", "not-utf8", "error")
    FILE_TOO_LARGE = ("E004", "file-too-large", "error")
    ALIAS_BOMB = ("E005", "alias-bomb", "error")
    EMPTY_FILE = ("E006", "empty-file", "error")
    NOT_A_MAPPING = ("E007", "not-a-mapping", "error")
    MISSING_PLAYBOOK = ("E008", "missing-playbook", "error")
    UNSUPPORTED_TAG = ("E009", "unsupported-tag", "error")
    # Fields.
    WRONG_VALUE = ("E010", "wrong-value", "error")
    UNKNOWN_FIELD = ("E011", "unknown-field", "error")
    MISSING_FIELD = ("E012", "missing-field", "error")
    BAD_ID = ("E013", "bad-id", "error")
    DUPLICATE_ID = ("E014", "duplicate-id", "error")
    UNKNOWN_STAGE = ("E015", "unknown-stage", "error")
    IMPOSSIBLE_THRESHOLD = ("E016", "impossible-threshold", "error")
    VALIDATED_WITHOUT_EVIDENCE = ("E017", "validated-without-evidence", "error")
    TOO_DEEP = ("E018", "too-deep", "error")
    TEMPLATE_ERROR = ("E019", "template-error", "error")
    BAD_EVIDENCE = ("E020", "bad-evidence", "error")  # the evidence file a site is given
    # Lint rules (warnings). Their checks live in icp_docs.lint.rules and .language.
    BROAD_RANGE = ("W101", "broad-range", "warning")
    VAGUE_WORDS = ("W102", "vague-words", "warning")
    JOB_TITLE_LABEL = ("W103", "job-title-label", "warning")
    NO_TRIGGER = ("W104", "no-trigger", "warning")
    WEAK_TRIGGERS_ONLY = ("W105", "weak-triggers-only", "warning")
    UNREACHABLE = ("W106", "unreachable", "warning")
    DISQUALIFIES_NOBODY = ("W107", "disqualifies-nobody", "warning")
    PRODUCT_DEFINED_JOB = ("W108", "product-defined-job", "warning")
    NO_ECONOMIC_BUYER = ("W109", "no-economic-buyer", "warning")
    NO_CLOSED_WON = ("W110", "no-closed-won", "warning")
    VENDOR_LANGUAGE = ("W111", "vendor-language", "warning")
    STALE_REVIEW = ("W112", "stale-review", "warning")
    STALE_EVIDENCE = ("W113", "stale-evidence", "warning")
    BANT_GAP = ("W114", "bant-gap", "warning")
    NO_CHAMPION = ("W115", "no-champion", "warning")
    TOO_MANY_CORE = ("W116", "too-many-core", "warning")
    CHECKLIST_TOO_LONG = ("W117", "checklist-too-long", "warning")
    NO_BUDGET_OWNER = ("W118", "no-budget-owner", "warning")
    PLACEHOLDER = ("W119", "placeholder", "warning")
    NO_COMPANY_SIZE = ("W120", "no-company-size", "warning")
    NO_GLOBAL_ANTI_ICP = ("W121", "no-global-anti-icp", "warning")
    NOT_THEIR_WORDS = ("W122", "not-their-words", "warning")
    NO_SEGMENTS = ("W123", "no-segments", "warning")
    UNREAD_FILE = ("W124", "unread-file", "warning")
    OVERRATED_TRIGGER = ("W125", "overrated-trigger", "warning")
    SIZE_WORD_INDUSTRY = ("W126", "size-word-industry", "warning")
    DUPLICATE_LABEL = ("W127", "duplicate-label", "warning")
    # About account data (icp_docs.lint.data); W129-W131 only with an evidence file.
    UNUSABLE_MATCH = ("W128", "unusable-match", "warning")
    UNBACKED_VALIDATED = ("W129", "unbacked-validated", "warning")
    STALE_DATA = ("W130", "stale-data", "warning")
    NO_LIFT = ("W131", "no-lift", "warning")

    @classmethod
    def lookup(cls, text: str) -> Code | None:
        """Find a code by its code (``W101``) or its name (``broad-range``)."""
        wanted = text.strip()
        for code in cls:
            if wanted.upper() == code.value or wanted.lower() == code.slug:
                return code
        return None


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place. ``path`` is as the user should read it (relative).

    Diagnostics sort by file, line and column, so a report reads top to bottom.
    """

    path: str
    line: int
    column: int
    code: Code
    field: str
    message: str

    @property
    def severity(self) -> Severity:
        """``error`` or ``warning``, from the code."""
        return self.code.severity

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """File, line, column, then code, field and message (codes are not orderable)."""
        return (self.path, self.line, self.column, self.code.value, self.field, self.message)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def format(self) -> str:
        """``path:line:column: severity[CODE]: field: message``, always on one line."""
        where = f"{self.field}: " if self.field else ""
        return _one_line(
            f"{self.path}:{self.line}:{self.column}: {self.severity}[{self.code.value}]: "
            f"{where}{self.message}"
        )

    def as_dict(self) -> dict[str, object]:
        """The fields as JSON-ready values, with the rule's name and the severity."""
        data = asdict(self)
        data["code"] = self.code.value
        data["rule"] = self.code.slug
        data["severity"] = self.severity
        return data

    def github(self) -> str:
        """A GitHub Actions workflow command, which becomes an annotation on the line."""
        message = f"{self.field}: {self.message}" if self.field else self.message
        return github_command(self.severity, self.path, self.line, self.column,
                              f"{self.code.value} {self.code.slug}", message)


def github_command(level: str, path: str, line: int, column: int, title: str,
                   message: str) -> str:
    """A GitHub Actions annotation of a file's line: ``::warning file=...::message``.

    GitHub reads ``file`` from the repository's root, so a path shown from the working
    directory (a job's ``working-directory``, say) is given from the root instead.
    """
    return (f"::{level} file={_gh_prop(_from_repository_root(path))},line={line},"
            f"col={column},title={_gh_prop(title)}::{_gh_data(message)}")


@lru_cache(maxsize=1)
def _repository_root() -> str | None:
    # The nearest folder holding `.git` (a folder, or a worktree's file): found on disk rather
    # than by asking git, so that this foundation module needs nothing from the history layer.
    here = Path.cwd().resolve()
    return next((str(folder) for folder in (here, *here.parents)
                 if (folder / ".git").exists()), None)


def _from_repository_root(path: str) -> str:
    root = _repository_root()
    if root is None or ":" in path.split("/", 1)[0]:  # outside git, or `sha:path`
        return path
    shown = os.path.relpath(os.path.realpath(path), root)
    return path if shown.startswith("..") else Path(shown).as_posix()


def _gh_data(text: str) -> str:
    # Line breaks are GitHub's to show; other characters a terminal would act on are escaped.
    lines = [_one_line(line) for line in text.replace("\r\n", "\n").split("\n")]
    return "%0A".join(line.replace("%", "%25") for line in lines)


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def has_errors(diagnostics: Iterable[Diagnostic], *, strict: bool = False) -> bool:
    """Whether these diagnostics fail a run (warnings too, in strict mode)."""
    return any(d.severity == "error" or strict for d in diagnostics)


def _one_line(text: str) -> str:
    # A key or value quoted from a spec may hold a line break; one problem is one line.
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def format_all(diagnostics: Iterable[Diagnostic], style: str = "text") -> str:
    """Render diagnostics as ``text`` (one a line), ``json`` or ``github`` annotations."""
    items = sorted(diagnostics)
    if style == "json":
        import json  # here: most runs print text, and every run starts with this module

        return json.dumps([d.as_dict() for d in items], indent=2)
    if style == "github":
        return "\n".join(d.github() for d in items)
    return "\n".join(d.format() for d in items)


def summary(diagnostics: Iterable[Diagnostic]) -> str:
    """``2 errors, 1 warning``."""
    items = list(diagnostics)
    errors = sum(1 for d in items if d.severity == "error")
    warnings = len(items) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
