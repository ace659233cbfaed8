"""The YAML parser, and plain scalars read as YAML 1.2 reads them, as editors do.

Only ``true``/``false`` are booleans: under YAML 1.1, ``NO`` (Norway) in a list of geographies
would silently become ``False``. ``10:30`` and ``010`` stay text instead of becoming the
numbers 630 and 8. libyaml's C parser is used when present, for speed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

TAG = "tag:yaml.org,2002:"
STR_TAG = f"{TAG}str"
SEQ_TAG = f"{TAG}seq"
MAP_TAG = f"{TAG}map"
MERGE_TAG = f"{TAG}merge"
INT_TAG = f"{TAG}int"
TIMESTAMP_TAG = f"{TAG}timestamp"
SCALAR_TAGS = frozenset(f"{TAG}{name}" for name in
                        ("str", "int", "float", "bool", "null", "timestamp"))

#: Yields parser events (``get_event``); libyaml's when installed.
EventLoader: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT = re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|0o[0-7_]+)$")
_FLOAT = re.compile(r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                      |\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
                      |[-+]?\.(?:inf|Inf|INF)
                      |\.(?:nan|NaN|NAN))$""", re.X)
_TIMESTAMP = yaml.resolver.Resolver.yaml_implicit_resolvers["2"][-1][1]
_MERGE = re.compile(r"^<<$")


def _table() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    rules = [(f"{TAG}null", _NULL, "~nN"), (f"{TAG}bool", _BOOL, "tTfF"),
             (f"{TAG}int", _INT, "-+0123456789"), (f"{TAG}float", _FLOAT, "-+0123456789."),
             (f"{TAG}timestamp", _TIMESTAMP, "0123456789"), (MERGE_TAG, _MERGE, "<")]
    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {"": [(f"{TAG}null", _NULL)]}
    for tag, pattern, firsts in rules:
        for first in firsts:
            table.setdefault(first, []).append((tag, pattern))
    return table


_BY_FIRST = _table()
#: The first characters of plain scalars that may be something other than text.
TYPED_FIRST = frozenset(_BY_FIRST)


def resolve(value: str) -> str:
    """The tag of a plain (unquoted, untagged) scalar: what kind of value it is."""
    for tag, pattern in _BY_FIRST.get(value[:1], ()):
        if pattern.match(value):
            return tag
    return STR_TAG


_constructor = SafeConstructor()


def construct(tag: str, value: str) -> Any:
    """A scalar of a known tag as its Python value."""
    try:
        # The usual cases directly, as PyYAML makes them of what `resolve` lets through
        # (a fifth of the time): whole numbers, and dates written YYYY-MM-DD.
        if tag == INT_TAG:
            return int(value.replace("_", ""), 0)
        if tag == TIMESTAMP_TAG and len(value) == 10:
            return dt.date.fromisoformat(value)
        return _constructor.yaml_constructors[tag](_constructor, yaml.ScalarNode(tag, value))
    except (ValueError, TypeError, OverflowError, yaml.YAMLError):
        # Resolved as a date or number that does not construct (2026-13-45): keep the text
        # and let the field's type judge it.
        return value
