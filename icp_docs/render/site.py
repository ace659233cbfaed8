"""The decisions the MkDocs plugin makes, as pure functions (no MkDocs import).

The plugin (:mod:`icp_docs.mkdocs.plugin`) only moves data between MkDocs and these functions, so
each choice here is tested without building a site.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from .pages import Paths

# Extensions the generated pages rely on, with the settings they need. Added to a site's
# mkdocs.yml when missing; a setting the site already chose is never replaced.
REQUIRED_EXTENSIONS: dict[str, dict[str, Any]] = {
    "admonition": {},
    "attr_list": {},
    "md_in_html": {},
    "tables": {},
    "toc": {"permalink": True},
    "pymdownx.details": {},
    "pymdownx.superfences": {},
    # Real, clickable checkboxes on the qualification checklists.
    "pymdownx.tasklist": {"custom_checkbox": True, "clickable_checkbox": True},
    # The journey tables' stage cells as row headers, for screen readers (see row_headers).
    "icp_docs.render.row_headers": {},
}

ROBOTS = '<meta name="robots" content="noindex, nofollow">'


def missing_extensions(present: Sequence[str | dict[str, Any]],
                       configs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Extensions to add (name -> settings): the required ones not present, and the task
    list's two settings when the site enabled it without them."""
    names = {next(iter(e)) if isinstance(e, dict) else e for e in present}
    found = {name: dict(cfg) for name, cfg in REQUIRED_EXTENSIONS.items() if name not in names}
    tasklist = configs.get("pymdownx.tasklist")
    if "pymdownx.tasklist" in names and isinstance(tasklist, dict | type(None)):
        extra = {k: v for k, v in REQUIRED_EXTENSIONS["pymdownx.tasklist"].items()
                 if k not in (tasklist or {})}
        if extra:
            found["pymdownx.tasklist"] = {**(tasklist or {}), **extra}
    return found


def clobbered_by_site(site_dir: Path, keep: Mapping[str, Path]) -> str | None:
    """Why building into ``site_dir`` would delete one of the user's folders (``keep``: what
    each is, and where), or None. A build empties ``site_dir`` first: ``site_dir: specs``
    would delete the specs themselves."""
    site = site_dir.resolve()
    for what, folder in keep.items():
        held = folder.resolve()
        if held == site or site in held.parents:
            return (f"site_dir {site_dir} holds the {what} {folder}: a build empties "
                    f"site_dir first and would delete them; build into another folder (the "
                    f"default is site)")
    return None


#: The templates folder looked for when none is named: its absence is the usual case.
DEFAULT_TEMPLATES = "overrides/icp/"


def missing_templates(folder: Path, given: str) -> str | None:
    """What to say when a templates folder the user named does not exist (a misspelt one
    would otherwise leave every override unused without a word); None otherwise."""
    if folder.is_dir() or given.rstrip("/") == DEFAULT_TEMPLATES.rstrip("/"):
        return None
    return (f"templates folder {given} does not exist: no override is used, the pages come "
            "from the package's templates (check the spelling, or create the folder)")


def mentions_prefix(nav: Any, prefix: str) -> bool:
    """Whether an explicit nav already links to any playbook page."""
    if isinstance(nav, str):
        return nav.lstrip("/").startswith(f"{prefix}/") if prefix else nav == "index.md"
    if isinstance(nav, dict):
        return any(mentions_prefix(v, prefix) for v in nav.values())
    if isinstance(nav, list):
        return any(mentions_prefix(v, prefix) for v in nav)
    return False


def nav_paths(prefix: str) -> list[str | dict[str, str]]:
    """The pages of the playbook's nav section, as ``nav`` in mkdocs.yml lists them: a
    bounded list (overview, segments, checklists, anti-ICP, journey, change log, fit
    report), whatever the number of segments. The overview is "Overview" there, not the
    product's name.

    Material renders the whole nav into every page, so a nav that grew with the segments
    would make the build grow with the square of the page count. Segment, persona and
    checklist pages are reached from the overview and the segment pages instead.
    """
    paths = Paths(prefix)
    return [{"Overview": paths.overview()}, paths.segments(), paths.checklists(),
            paths.anti_icp(), paths.journey(), paths.changelog(), paths.fit()]


def edit_path(source: Path, docs_dir: Path) -> str:
    """The YAML file's path relative to the docs folder (MkDocs joins it to ``edit_uri``,
    which points at the docs folder in the repository; ``../specs/...`` then resolves to the
    spec file in the same repository)."""
    return Path(os.path.relpath(source.resolve(), docs_dir.resolve())).as_posix()


def report_levels(diagnostics: Iterable[Diagnostic], *, strict: bool) -> list[tuple[int, str]]:
    """(log level, line) for each diagnostic: errors always at ERROR; lint warnings at
    WARNING in strict mode (MkDocs counts those and fails) and at INFO otherwise."""
    out = []
    for d in sorted(diagnostics):
        if d.severity == "error":
            level = logging.ERROR
        else:
            level = logging.WARNING if strict else logging.INFO
        out.append((level, d.format()))
    return out


def fails(diagnostics: Iterable[Diagnostic], *, strict: bool) -> bool:
    """Whether a build must stop: on any error; on any warning too with the plugin's own
    ``strict`` option (``mkdocs build --strict`` needs no help: MkDocs counts the warnings
    we log and stops by itself)."""
    return any(d.severity == "error" or strict for d in diagnostics)


class Scratch:
    """A private folder (never ``docs/`` or ``specs/``) holding each page's Markdown, for
    ``mkdocs serve --dirty``: a page is written only when its Markdown changed, so MkDocs,
    which compares file times in a dirty build, rebuilds just the pages an edit touched."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="icp-docs-serve-"))
        self.written: dict[str, str] = {}

    def put(self, path: str, markdown: str) -> Path:
        target = self.root / path
        if self.written.get(path) != markdown:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown, encoding="utf-8")
            self.written[path] = markdown
        return target

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def remove_outputs(site_dir: Path, dest_uris: Iterable[str]) -> None:
    """Delete pages (paths relative to ``site_dir``) and the folders that leaves empty. A
    dirty build never deletes anything, so the page of a removed persona or segment would go
    on being served with the content the author removed; ``icp-docs render`` would leave the
    folders of a removed segment behind."""
    root = site_dir.resolve()
    for uri in dest_uris:
        target = (root / uri).resolve()
        if root not in target.parents:  # only ever inside the site folder
            continue
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != root and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def add_robots(html: str) -> str:
    """``<meta name="robots" content="noindex">`` into a page's head, once."""
    if 'name="robots"' in html:
        return html
    head = html.find("</head>")
    if head < 0:
        return html
    return html[:head] + ROBOTS + html[head:]


def evidence_folder(evidence: Path, root: Path) -> list[str]:
    """The folder to watch for a new evidence file while serving: its own, unless that is
    the project's folder (watching it would watch the built site too, and rebuild without
    end); then the file is read again on each rebuild but not watched."""
    folder = evidence.resolve().parent
    if folder == root.resolve() or root.resolve() not in folder.parents:
        return []
    return [str(folder)]
