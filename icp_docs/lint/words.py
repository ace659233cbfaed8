"""Case-insensitive word patterns, searched fast: the wording rules run dozens of them over
every quote and job of a playbook."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator


class Words:
    """A case-insensitive pattern of lower-case words, searched in a third of the time.

    Python's ``re`` folds case at every character it compares, which makes these patterns the
    slowest part of linting. In ASCII text, the letters fold to each other only, so the
    pattern matched case-sensitively against the text in lower case finds a match exactly
    when it would: a miss there is final. A hit, or text beyond ASCII (where the Kelvin sign,
    the long s or the dotted I fold to ASCII letters), is searched with the pattern itself.
    """

    def __init__(self, pattern: str) -> None:
        if re.search(r"(?<!\\)(?<!\(\?)[A-Z]", pattern):  # (?P<name> is no letter to match
            raise ValueError(f"upper-case letters would never match the lowered text: {pattern}")
        self._source = pattern

    @functools.cached_property
    def _lowered(self) -> re.Pattern[str]:
        # Compiled when first searched: a pattern for a rare case (a quote that opens with
        # "their") is seldom needed, and every compile is paid by each run's start-up.
        return re.compile(self._source)

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """The pattern itself, case-insensitive (compiled when first needed: most runs never
        need it, and compiling it is a tenth of the command's own start-up)."""
        return re.compile(self._source, re.IGNORECASE)

    def _surely_not_in(self, text: str) -> bool:
        # ASCII text without a match once lowered has none case-insensitively either.
        return text.isascii() and self._lowered.search(text.lower()) is None

    def search(self, text: str) -> re.Match[str] | None:
        """The first match in ``text``, as ``re.search`` with ``re.IGNORECASE`` finds it."""
        return None if self._surely_not_in(text) else self.pattern.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Every match in ``text``, as ``re.finditer`` with ``re.IGNORECASE`` finds them."""
        return iter(()) if self._surely_not_in(text) else self.pattern.finditer(text)

    def found_in(self, text: str) -> bool:
        """Whether ``text`` holds a match (one search where a hit is the usual case)."""
        if text.isascii():
            return self._lowered.search(text.lower()) is not None
        return self.pattern.search(text) is not None
