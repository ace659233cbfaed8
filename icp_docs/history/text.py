"""Values from the specs as sellers read them, and made safe for Markdown and HTML."""

from __future__ import annotations

from typing import Any

from ..money import as_written

__all__ = ["MAX_FOCUS", "code", "focus", "inert", "show"]

# Markdown-significant characters and HTML specials become numeric character references, so
# that a value from a spec is shown as text both on GitHub and in MkDocs, never interpreted.
_INERT = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]<>|:~^=$&#!\n\r\t"}
# GitHub links "@user" and "#123" in a comment's text after rendering it, entities decoded, so
# a reference does not stop a mention (which notifies the person or team) or a cross-reference
# (which shows in the issue): a zero-width space after the sign does, and reads the same.
_INERT[ord("@")] = "@&#8203;"
_INERT[ord("#")] = "&#35;&#8203;"
_MAX_TEXT = 90
# What :func:`focus` keeps of a reworded text is the point of the change: shown whole up to
# this length, so that a cut at the usual length cannot hide the words that changed.
MAX_FOCUS = 400


def inert(text: str) -> str:
    """Text safe to put in Markdown or HTML: every significant character as an entity, and
    no GitHub mention or issue reference."""
    return text.translate(_INERT)


def show(value: Any, limit: int = _MAX_TEXT) -> str:
    """A value as a seller reads it: ranges as ``200-2,000``, booleans as yes/no; a text
    longer than ``limit`` characters is cut at its end."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        # As the spec wrote it: through a float, 10**25 would be shown rounded and 10**400
        # would not be shown at all (OverflowError).
        return as_written(value)
    if isinstance(value, dict):
        return _show_mapping(value)
    if isinstance(value, list):
        return ", ".join(show(v) for v in value) or "none"
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _show_mapping(value: dict[str, Any]) -> str:
    if value and set(value) <= {"min", "max", "currency"}:
        low, high = value.get("min"), value.get("max")
        unit = f"{value['currency']} " if value.get("currency") else ""
        if low is not None and high is not None:
            return f"{unit}{show(low)}-{show(high)}"
        if low is not None:
            return f"{unit}{show(low)}+"
        return f"{unit}up to {show(high)}" if high is not None else "any"
    for name in ("question", "title", "event", "name", "objection", "quote", "detail", "summary",
                 "channel"):
        if isinstance(value.get(name), str):
            return show(value[name])
    return "; ".join(f"{k}: {show(v)}" for k, v in value.items() if v not in (None, [], {}))


def code(text: str) -> str:
    """A Markdown code span that shows ``text`` literally, whatever backticks it holds."""
    # On one line: a code span shows a line break as a space anyway (CommonMark), and a line
    # of its own would leave the list item of the report, as raw HTML to Markdown engines.
    text = " ".join(text.splitlines())
    runs = [len(r) for r in "".join(c if c == "`" else " " for c in text).split()]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def focus(old: str, new: str, context: int = 3) -> tuple[str, str]:
    """Long texts cut down to the words that differ, with a little context on each side (to
    be shown with ``show(..., MAX_FOCUS)``: cut again at the usual length, the words that
    changed could be the part cut off)."""
    a, b = old.split(), new.split()
    if len(" ".join(a)) <= _MAX_TEXT and len(" ".join(b)) <= _MAX_TEXT:
        return old, new
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    low = max(0, start - context)

    def cut(words: list[str]) -> str:
        high = min(len(words), len(words) - end + context)
        text = " ".join(words[low:high])
        return ("…" if low else "") + text + ("…" if high < len(words) else "")

    return cut(a), cut(b)
