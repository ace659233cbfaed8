"""icp-docs: Ideal Customer Profile playbooks as YAML specs, validated and published.

The public API is re-exported here. Names are imported on first use, so that
``icp-docs validate`` does not pay for pydantic, Jinja and MkDocs until it needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import exports

__version__ = "0.1.0"

_EXPORTS = {
    "Code": "icp_docs.diagnostics",
    "Diagnostic": "icp_docs.diagnostics",
    "LoadResult": "icp_docs.spec.load",
    "Playbook": "icp_docs.spec.load",
    "Segment": "icp_docs.spec.load",
    "SpecCache": "icp_docs.spec.load",
    "load_playbook": "icp_docs.spec.load",
    "lint_playbook": "icp_docs.lint",
    "check": "icp_docs.lint",
    "render_pages": "icp_docs.render.pages",
    "diff_playbooks": "icp_docs.history.diff",
}

__all__ = [
    "Code",
    "Diagnostic",
    "LoadResult",
    "Playbook",
    "Segment",
    "SpecCache",
    "check",
    "diff_playbooks",
    "lint_playbook",
    "load_playbook",
    "render_pages",
]

if TYPE_CHECKING:
    from .diagnostics import Code, Diagnostic
    from .history.diff import diff_playbooks
    from .lint import check, lint_playbook
    from .render.pages import render_pages
    from .spec.load import LoadResult, Playbook, Segment, SpecCache, load_playbook


__getattr__ = exports(__name__, _EXPORTS)
