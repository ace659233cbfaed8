"""The layers read one way: the import graph of ``icp_docs`` has no cycle, and only the
adapter folder ``icp_docs/mkdocs/`` imports MkDocs or Material.

Read from the source with :mod:`ast`, so imports inside functions (the lazy ones) count too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "icp_docs"
ADAPTER = "icp_docs.mkdocs"
ENGINE_ONLY = ("mkdocs", "material")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports (absolute names), with the line of the import."""
    path = MODULES[name]
    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here[: len(here) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            # `from . import x` names the submodule x; the package itself is already loaded.
            subs = [f"{base}.{a.name}" for a in node.names if f"{base}.{a.name}" in MODULES]
            yield from ((sub, node.lineno) for sub in subs)
            if len(subs) < len(node.names):
                yield base, node.lineno


def _graph() -> dict[str, set[str]]:
    return {name: {target for target, _ in _imports(name)
                   if target in MODULES and target != name} for name in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while (top := stack.pop()) != node:
                component.append(top)
            if component:
                found.append(sorted([node, *component]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The check above must be able to fail: a two-module and a three-module loop are found.
    graph = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert sorted(_cycles(graph)) == [["a", "b"], ["c", "d", "e"]]


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith(ADAPTER)))
def test_only_the_adapter_imports_mkdocs(name: str) -> None:
    wrong = [f"{MODULES[name].name}:{line}: {target}" for target, line in _imports(name)
             if target.split(".")[0] in ENGINE_ONLY]
    assert wrong == []


def test_the_adapter_is_where_mkdocs_is_imported() -> None:
    # Guards the test above against a rename that would leave it checking nothing.
    users = {name for name in MODULES for target, _ in _imports(name)
             if target.split(".")[0] == "mkdocs"}
    assert users and all(name.startswith(ADAPTER) for name in users)


def test_engine_stages_do_not_import_the_layers_above_them() -> None:
    # spec -> lint -> render -> adapters, with history and printing beside them.
    above = {
        "icp_docs.diagnostics": ("icp_docs.spec", "icp_docs.lint", "icp_docs.render",
                                 "icp_docs.history", "icp_docs.printing", ADAPTER),
        "icp_docs.spec": ("icp_docs.lint", "icp_docs.render", "icp_docs.history",
                          "icp_docs.printing", ADAPTER, "icp_docs.cli"),
        "icp_docs.lint": ("icp_docs.render", "icp_docs.history", "icp_docs.printing", ADAPTER),
    }
    wrong = [f"{name} -> {target}" for name in MODULES for layer, banned in above.items()
             if name == layer or name.startswith(layer + ".")
             for target, _ in _imports(name) if target.startswith(banned)]
    assert wrong == []


def test_validate_and_a_build_s_lint_never_load_the_data_engines() -> None:
    # Lint reads the evidence file's models; sqlglot and DuckDB are for score, sql, evidence.
    code = ("import sys\nfrom icp_docs.cli import main\nmain(['validate', 'specs'])\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlglot', 'duckdb'}))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=PACKAGE.parent, text=True,
                          capture_output=True, check=False, timeout=60)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
