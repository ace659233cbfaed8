"""Packages whose public names are imported on first use (PEP 562), so that a command pays
only for the modules it uses: ``icp-docs validate`` never loads Jinja, MkDocs, sqlglot or
DuckDB through a package's re-exports."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def exports(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports each name of ``names`` (name ->
    module) on first use and keeps it in the package, so the import happens once."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
