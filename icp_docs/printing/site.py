"""The built site the checklists are printed from: find its checklist pages, or build it.

Pages are found in the built HTML rather than computed from the plugin's settings, so a site
built with another ``prefix``, or copied from CI, prints the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..spec.layout import display_path, segment_files
from .browser import SITE_EXTRA, PrintError

PACK = "checklists"
DEFAULT_PREFIX = "playbook"


@dataclass(frozen=True)
class Checklists:
    """Where a built site keeps its checklist pages: ``root/<prefix>/...``."""

    root: Path
    prefix: str  # posix path from the site root, "" when the pages are at the top
    # How messages name the site: a temporary build is gone by the time the user reads them.
    shown: str = ""

    @property
    def name(self) -> str:
        """The site as messages name it: its folder, or what it was built from."""
        return self.shown or str(self.root)

    def _page(self, *parts: str) -> str | None:
        base = "/".join(p for p in (self.prefix, *parts) if p)
        for page, url in ((f"{base}/index.html", f"{base}/"), (f"{base}.html", f"{base}.html")):
            if (self.root / page).is_file():
                return url
        return None

    def pack(self) -> str | None:
        """The URL path (from the site root) of the all-checklists page, if built."""
        return self._page(PACK)

    def segment(self, segment_id: str) -> str | None:
        """The URL path of one segment's checklist page, if built."""
        if "/" in segment_id or segment_id in ("", ".", ".."):
            return None
        return self._page("segments", segment_id, "checklist")

    def segment_ids(self) -> list[str]:
        """Every segment with a built checklist page, by id."""
        folder = self.root / self.prefix / "segments"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if self.segment(p.name) is not None)


def find_checklists(site: Path, shown: str = "") -> Checklists:
    """The checklist pages of a built site; :class:`PrintError` when it has none.

    ``shown`` names the site in messages (default: its folder).
    """
    name = shown or str(site)
    if not site.is_dir():
        raise PrintError(f"{name} is not a folder")
    preferred = Checklists(site, DEFAULT_PREFIX, shown)
    if preferred.pack() or preferred.segment_ids():
        return preferred
    # Another prefix: the shallowest "checklists" page that sits beside a "segments" folder.
    found = sorted(site.glob(f"**/{PACK}/index.html"), key=lambda p: len(p.parts))
    found += sorted(site.glob(f"**/{PACK}.html"), key=lambda p: len(p.parts))
    for page in found:
        parent = page.parent.parent if page.name == "index.html" else page.parent
        prefix = parent.relative_to(site).as_posix()
        candidate = Checklists(site, "" if prefix == "." else prefix, shown)
        if candidate.pack():
            return candidate
    raise PrintError(f"{name} has no checklist pages: is the icp plugin listed under plugins "
                     "in mkdocs.yml, and was the site built with it?")


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for its plugin options only: a tag (Material's ``!!python/name:``,
    ``!ENV``) stands for a value of no interest here, and constructs nothing."""


_ConfigLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def spec_segments(config: Path) -> tuple[str, list[str]] | None:
    """The specs folder the icp plugin of ``config`` reads, as messages name it, and its
    segment ids (the files' names, as ``icp-docs validate`` reads them): what a build of
    ``config`` would make checklists of. None when that cannot be told without building: no
    readable config, an ``INHERIT``, no enabled icp plugin, no specs folder."""
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or "INHERIT" in data:
        return None
    options = _icp_options(data.get("plugins"))
    if options is None or options.get("enabled", True) is False:
        return None
    specs = config.parent / str(options.get("specs_dir", "specs"))
    if not specs.is_dir():
        return None
    return display_path(specs), sorted({f.stem for f in segment_files(specs)})


def _icp_options(plugins: object) -> dict[str, object] | None:
    """The icp plugin's options from mkdocs.yml's ``plugins`` (a list or a mapping)."""
    if isinstance(plugins, dict):
        entries = list(plugins.items())
    elif isinstance(plugins, list):
        # Each item is a plugin's name, or a mapping of its name to its options.
        entries = [next(iter(p.items())) if isinstance(p, dict) and len(p) == 1 else (p, None)
                   for p in plugins]
    else:
        return None
    for name, options in entries:
        if name == "icp":
            return options if isinstance(options, dict) else {}
    return None


def build_site(config: Path, out: Path) -> None:
    """``mkdocs build`` of ``config`` into ``out``; :class:`PrintError` with MkDocs' own last
    words when the build fails."""
    if not config.is_file():
        raise PrintError(f"{config}: no such file; the site is not built yet and there is no "
                         "mkdocs.yml to build it with (use --site DIR or --config FILE)")
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(config),
               "--site-dir", str(out)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                              errors="replace", env=env, cwd=config.parent, check=False)
    except OSError as exc:
        raise PrintError(f"could not run mkdocs: {exc}") from exc
    if done.returncode != 0:
        said = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
        if any("No module named mkdocs" in line for line in said):
            raise PrintError(f"MkDocs is not installed; {SITE_EXTRA}")
        tail = "\n".join("  " + line for line in said[-15:])
        raise PrintError(f"mkdocs build of {config} failed:\n{tail}")
