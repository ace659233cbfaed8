"""Models -> Markdown pages: the Jinja environment, the safe text filters, the page engine.

Nothing here imports MkDocs: :mod:`icp_docs.mkdocs.plugin` and ``icp-docs render`` both call
:func:`render_pages`.
"""

from __future__ import annotations

from .environment import TemplateProblem, make_environment
from .pages import Page, Paths, render_pages, render_problem_pages, stand_ins

__all__ = [
    "Page",
    "Paths",
    "TemplateProblem",
    "make_environment",
    "render_pages",
    "render_problem_pages",
    "stand_ins",
]
