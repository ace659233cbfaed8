"""PyYAML loaders that read scalars as YAML 1.2 does, as editors do.

Only ``true``/``false`` are booleans: under YAML 1.1, ``NO`` (Norway) in a list of geographies
would silently become ``False``. ``10:30`` and ``010`` stay text instead of becoming the
numbers 630 and 8. libyaml's C parser is used when present, for speed.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer

_YAML = "tag:yaml.org,2002:"
_STR_TAG = f"{_YAML}str"
_SEQ_TAG = f"{_YAML}seq"
_MAP_TAG = f"{_YAML}map"

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Loader(_Base):  # type: ignore[misc]
    """The C (or pure) safe loader with YAML 1.2 scalars."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in {f"{_YAML}bool", f"{_YAML}int", f"{_YAML}float"}]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    f"{_YAML}bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
Loader.add_implicit_resolver(
    f"{_YAML}int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|0o[0-7_]+)$"),
    list("-+0123456789"))
Loader.add_implicit_resolver(
    f"{_YAML}float",
    re.compile(r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
                  |\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?
                  |[-+]?\.(?:inf|Inf|INF)
                  |\.(?:nan|NaN|NAN))$""", re.X),
    list("-+0123456789."))


_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = Loader.yaml_implicit_resolvers


def _resolve(self: Any, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    # PyYAML's resolve() also handles path resolvers, which we never use; this one is called
    # for every node of every file, so it stays lean.
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _RESOLVERS.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _STR_TAG
    return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


def _nothing(*args: Any) -> None:
    pass


Loader.resolve = _resolve
Loader.descend_resolver = _nothing
Loader.ascend_resolver = _nothing


class DeepLoader(Loader):
    """libyaml's parser with PyYAML's Python composer, which stops cleanly when it nests deep."""

    get_single_node = Composer.get_single_node
    compose_document = Composer.compose_document
    compose_node = Composer.compose_node
    compose_scalar_node = Composer.compose_scalar_node
    compose_sequence_node = Composer.compose_sequence_node
    compose_mapping_node = Composer.compose_mapping_node

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        Composer.__init__(self)
