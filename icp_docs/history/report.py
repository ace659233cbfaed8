"""A whole diff as one document: Markdown for a pull-request comment, JSON, text, annotations.

The change classes say each change; this module groups them (the playbook first, then segment
by segment, best tier first) and adds the summary line a reviewer reads first.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from ..diagnostics import Diagnostic, format_all
from ..spec.load import Playbook
from .changes import Change, Impact, badge
from .text import inert

__all__ = ["Comparison", "Failure", "Format", "compare", "group", "render", "render_failure",
           "summary"]

Format = Literal["markdown", "json", "text", "github"]
_MAX_LISTED = 50  # errors listed in a pull-request comment; the rest are counted


@dataclass(frozen=True)
class Comparison:
    """The changes from ``base`` to ``head`` (names as the reader should see them), with the
    labels of the segments they touch."""

    base: str
    head: str
    changes: list[Change]
    labels: dict[str, str]

    @property
    def segments(self) -> list[str]:
        return list(dict.fromkeys(c.segment for c in self.changes if c.segment is not None))


@dataclass(frozen=True)
class Failure:
    """The specs on one side could not be compared: the side (``base`` or ``head``), where
    they are, for a sentence (``at main (1a2b3c4)``, ``in the working tree``), and their
    errors."""

    side: Literal["base", "head"]
    where: str
    errors: list[Diagnostic]

    @property
    def sentence(self) -> str:
        count = len(self.errors)
        return f"the specs {self.where} have {count} error{'s' * (count != 1)}"


def compare(old: Playbook, new: Playbook, base: str, head: str) -> Comparison:
    """Diff two playbooks into a :class:`Comparison` ready to render."""
    from .diff import diff_playbooks

    labels = {s.id: s.spec.label for s in old.segments}
    labels.update({s.id: s.spec.label for s in new.segments})
    return Comparison(base, head, diff_playbooks(old, new), labels)


def group(changes: Iterable[Change]) -> list[tuple[str | None, list[Change]]]:
    """Changes by segment, in the order they come (None: the playbook itself)."""
    groups: dict[str | None, list[Change]] = {}
    for change in changes:
        groups.setdefault(change.segment, []).append(change)
    return list(groups.items())


def summary(changes: list[Change], *, markdown: bool = False,
            badge: Callable[[Impact], str] = badge) -> str:
    """``7 changes in 3 segments: 3 breaking, 2 targeting, 1 messaging, 1 wording``; in
    Markdown, each impact is shown by ``badge``."""
    if not changes:
        return "no changes"
    counts = Counter(c.impact for c in changes)
    segments = len({c.segment for c in changes if c.segment is not None})
    where = f" in {segments} segment{'s' * (segments != 1)}" if segments else ""
    if any(c.segment is None for c in changes):
        where += " and the playbook" if segments else " in the playbook"
    parts = [f"{counts[i]} {badge(i) if markdown else i.label}"
             for i in sorted(counts, reverse=True)]
    total = len(changes)
    head = f"**{total} change{'s' * (total != 1)}**" if markdown else \
        f"{total} change{'s' * (total != 1)}"
    return f"{head}{where}: {', '.join(parts)}"


def render(cmp: Comparison, style: Format) -> str:
    """The comparison as one document in ``style``."""
    if style == "json":
        return _json(cmp)
    if style == "markdown":
        return _markdown(cmp)
    if style == "github":
        lines = [c.explain("github") for c in cmp.changes]
        lines.append(f"::notice title=ICP diff {cmp.base} -> {cmp.head}::{summary(cmp.changes)}")
        return "\n".join(lines)
    lines = [c.explain("text") for c in cmp.changes]
    lines.append(f"{cmp.base} -> {cmp.head}: {summary(cmp.changes)}")
    return "\n".join(lines)


def _json(cmp: Comparison) -> str:
    counts = Counter(c.impact.label for c in cmp.changes)
    data = {
        "base": cmp.base,
        "head": cmp.head,
        "summary": {
            "changes": len(cmp.changes),
            "segments": cmp.segments,
            "impacts": {i.label: counts.get(i.label, 0) for i in sorted(Impact, reverse=True)},
        },
        "changes": [c.as_dict() for c in cmp.changes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _markdown(cmp: Comparison) -> str:
    title = f"### ICP changes: {_code(cmp.base)} → {_code(cmp.head)}"
    if not cmp.changes:
        return f"{title}\n\nNo changes to the ICP playbook.\n"
    out = [title, "", summary(cmp.changes, markdown=True), ""]
    for segment, changes in group(cmp.changes):
        out.append(f"#### {heading(segment, cmp.labels)}")
        out.append("")
        out += [f"- {c.explain('markdown')} <sub>{_code(f'{c.file}:{c.line}')}</sub>"
                for c in changes]
        out.append("")
    out.append("<sub>Impacts: " + "; ".join(
        f"{badge(i)} {i.meaning}" for i in sorted(Impact, reverse=True)) + ".</sub>")
    return "\n".join(out) + "\n"


def heading(segment: str | None, labels: dict[str, str]) -> str:
    """A segment's heading in Markdown: its label (inert) and its id."""
    if segment is None:
        return "Playbook"
    label = labels.get(segment)
    return f"{inert(label)} ({_code(segment)})" if label else _code(segment)


def _code(text: str) -> str:
    return f"<code>{inert(text)}</code>"


def render_failure(base: str, head: str, failures: list[Failure],
                   style: Literal["markdown", "json", "github"]) -> str:
    """Why nothing was compared, as a document in ``style``: the PR comment, the annotations
    or the JSON a script reads must say so instead of being empty (text output has said it
    on standard error already)."""
    if style == "json":
        data = {"base": base, "head": head, "compared": False,
                "errors": [{"side": f.side, **d.as_dict()} for f in failures for d in f.errors]}
        return json.dumps(data, indent=2, ensure_ascii=False)
    if style == "github":
        errors = [d for f in failures for d in f.errors]
        said = "; ".join(f.sentence for f in failures)
        lines = [format_all(errors, "github")] if errors else []
        lines.append(f"::error title=ICP diff {base} -> {head}::cannot diff: {said}")
        return "\n".join(lines)
    return _markdown_failure(base, head, failures)


def _markdown_failure(base: str, head: str, failures: list[Failure]) -> str:
    out = [f"### ICP changes: {_code(base)} → {_code(head)}", ""]
    for failure in failures:
        out += [f"**Not compared**: {inert(failure.sentence)}, listed below. The diff shows "
                "the changes once they are fixed.", ""]
        listed = sorted(failure.errors)[:_MAX_LISTED]
        out += [f"- {_code(f'{d.path}:{d.line}:{d.column}')} {d.code.value}: "
                f"{inert(f'{d.field}: {d.message}' if d.field else d.message)}" for d in listed]
        if len(failure.errors) > len(listed):
            out.append(f"- and {len(failure.errors) - len(listed)} more")
        out.append("")
    return "\n".join(out)
