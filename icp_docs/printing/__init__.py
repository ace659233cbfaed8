"""Printable qualification checklists: what a sheet says, and printing sheets to PDF.

:mod:`.sheet` holds the pure functions the checklist templates call (density, "who and why
now", the scoring rule); :mod:`.stamp` the revision in the footer; :mod:`.browser`, :mod:`.site`
and :mod:`.command` print a built site with headless Chromium (``icp-docs checklists``).

Names are imported on first use, so that ``icp-docs checklists`` loads only what it prints with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import exports

_EXPORTS = {
    "PrintError": "icp_docs.printing.browser",
    "Printer": "icp_docs.printing.browser",
    "density": "icp_docs.printing.sheet",
    "fits": "icp_docs.printing.sheet",
    "revision_stamps": "icp_docs.printing.stamp",
    "scoring_rule": "icp_docs.printing.sheet",
    "walk_away": "icp_docs.printing.sheet",
    "who": "icp_docs.printing.sheet",
    "why_now": "icp_docs.printing.sheet",
}

__all__ = [
    "PrintError",
    "Printer",
    "density",
    "fits",
    "revision_stamps",
    "scoring_rule",
    "walk_away",
    "who",
    "why_now",
]

if TYPE_CHECKING:
    from .browser import Printer, PrintError
    from .sheet import density, fits, scoring_rule, walk_away, who, why_now
    from .stamp import revision_stamps


__getattr__ = exports(__name__, _EXPORTS)
