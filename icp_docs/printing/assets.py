"""The print stylesheet and script, served with every site that uses the ``icp`` plugin.

They are added as generated files (nothing is written into ``docs_dir``) and listed in
``extra_css`` / ``extra_javascript``, so any project with ``plugins: [icp]`` prints its
checklists on one page each without copying files around. A site that ships its own file at
the same path keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"

#: Site path -> packaged file.
STYLESHEETS = {"assets/icp/print.css": ASSETS_DIR / "print.css"}
SCRIPTS = {"assets/icp/print.js": ASSETS_DIR / "print.js"}


def add_to_config(extra_css: list[str], extra_javascript: list[Any]) -> None:
    """List the stylesheet and script in the site's config (once, whatever the rebuilds)."""
    for uri in STYLESHEETS:
        if uri not in extra_css:
            extra_css.append(uri)
    listed = {str(getattr(s, "path", s)) for s in extra_javascript}
    for uri in SCRIPTS:
        if uri not in listed:
            extra_javascript.append(uri)


def files_to_add(existing: set[str]) -> dict[str, Path]:
    """Site path -> packaged file, for the assets the site does not already have."""
    return {uri: src for uri, src in {**STYLESHEETS, **SCRIPTS}.items() if uri not in existing}
