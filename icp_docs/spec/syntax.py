"""What a YAML syntax error means, put as the person who made it would put it.

libyaml reports where it gave up, in its own terms ("did not find expected key"), which is
often lines after the mistake. :func:`explain` turns that into the place the mistake is, and
a message that says what to do.
"""

from __future__ import annotations

from typing import Any

import yaml


def explain(exc: yaml.MarkedYAMLError, text: str, last: Any = None) -> tuple[int, int, str]:
    """Where a syntax error is, and what it is, as the person who made it would put it.

    libyaml reports where it gave up, which is often a line or a file later: an unclosed
    quote or bracket, or a key without its colon, is blamed where it begins instead.
    """
    problem = str(exc.problem or exc.context or "the file cannot be parsed")
    found, began = exc.problem_mark, exc.context_mark
    at = found or began
    line, col = (at.line + 1, at.column + 1) if at else (1, 1)
    if found is not None and _char_at(text, found.line, found.column) == "\t":
        return line, col, "a tab character here; indent with spaces, not tabs"
    if found is not None and _after_long_key(text, found.line, found.column):
        return found.line + 1, found.column + 1, (
            f"a ':' after more than {_MAX_KEY:,} characters: YAML reads the text before it "
            "as a key, and no key may be that long; put the whole text in quotes")
    if problem == "mapping values are not allowed in this context":
        before = _line(text, at.line)[:at.column] if at else ""
        if ": " in before.lstrip(" -"):
            # `detail: Note: ...`: the value itself holds a ': '.
            return line, col, ("a second ': ' on this line, inside the value: put the whole "
                               "value in quotes, like key: \"Note: ...\"")
        return line, col, ("a ':' here where a value goes: indent this line as the keys "
                           "around it, or put the text in quotes")
    if problem in ("did not find expected key", "did not find expected '-' indicator"):
        opened = _quoted_from_afar(last, found)
        if opened is not None and found is not None:
            return (*opened, f"the quote that opens here closes only on line {found.line + 1}"
                    ": is a closing quote missing on this line?")
        if found is not None and found.column > _indent(text, found.line):
            # Mid-line: a value ended (a closing quote) and more text follows it.
            return line, col, ("text goes on after the value has ended (after a closing "
                               "quote?): put the whole text in quotes, or write a quote "
                               "inside it as '' or \\\"")
        return line, col, ("this line is not indented as the keys (or '- ' items) around "
                           "it")
    if began is None:
        return line, col, problem
    start = began.line + 1, began.column + 1
    gave_up = "the end of the file" if found is None or "end of stream" in problem else \
        f"line {found.line + 1}"
    if exc.context == "while scanning a simple key":
        return (*start, "this line has no ':' after its key; write it as `name: value`")
    if exc.context == "while scanning a quoted scalar":
        return (*start, f"the quote that opens here is not closed (read on to {gave_up})")
    for kind, opener, closer in (("sequence", "[", "]"), ("mapping", "{", "}")):
        if exc.context == f"while parsing a flow {kind}":
            return (*start, f"the '{opener}' that opens here is not closed with '{closer}', "
                    f"or a ',' is missing between its items (read on to {gave_up})")
    return line, col, problem


#: libyaml's longest key (a "simple key"): a ':' further along is reported as if missing.
_MAX_KEY = 1024


def _after_long_key(text: str, line: int, column: int) -> bool:
    """Whether the parser stopped at a ':' that ends a key too long for it (a long text
    holding ': ', most likely): libyaml then says "could not find expected ':'"."""
    words = _line(text, line).rstrip("\r")
    if words[column:column + 2] not in (": ", ":"):
        return False
    return len(words[:column].lstrip(" -")) > _MAX_KEY


def _quoted_from_afar(last: Any, found: Any) -> tuple[int, int] | None:
    """Where a quoted value began, when it ran over lines up to the trouble: a quote left
    open, closed only by the next quote further down the file."""
    if not isinstance(last, yaml.ScalarEvent) or last.style not in ("'", '"') or found is None:
        return None
    start, end = last.start_mark, last.end_mark
    if start is not None and end is not None and end.line == found.line and \
            start.line < end.line:
        return start.line + 1, start.column + 1
    return None


def _indent(text: str, line: int) -> int:
    """How many spaces a 0-based line starts with."""
    words = _line(text, line)
    return len(words) - len(words.lstrip(" "))


def _char_at(text: str, line: int, column: int) -> str:
    """The character at a 0-based line and column, or "" past the text."""
    return _line(text, line)[column:column + 1]


def _line(text: str, line: int) -> str:
    """A 0-based line of the text, or "" past its end."""
    lines = text.split("\n", line + 1)
    return lines[line] if line < len(lines) else ""
