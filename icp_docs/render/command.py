"""``icp-docs render [SPECS_DIR] --out DIR``: the playbook pages as Markdown files.

The files are the ones the MkDocs plugin serves, for any other Markdown engine. The command
never overwrites a file it did not write: it keeps a manifest of what it wrote
(``DIR/.icp-docs-render.json``), replaces only those files, removes those that are no longer
generated, and refuses (exit 1) when another file stands in the way, or when one of its own
files was edited since (the manifest keeps each file's SHA-256).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from ..cli import UsageError, folder_argument, output_argument, read_evidence
from ..diagnostics import format_all, has_errors, summary
from ..lint import check
from .environment import TemplateProblem
from .pages import Page, normalise_prefix, render_pages
from .site import missing_templates, remove_outputs

MANIFEST = ".icp-docs-render.json"


class OutputConflict(Exception):
    """The output folder holds files this command did not write."""


def run(args: argparse.Namespace) -> int:
    """Render the pages into ``args.out``; returns the exit code."""
    specs, out = folder_argument(args.specs), output_argument(args.out)
    if os.path.isabs(args.prefix) or args.prefix.startswith(("/", "\\")):
        # A prefix is a folder inside --out; an absolute one is a path meant for --out.
        raise UsageError(f"--prefix {args.prefix} is absolute: give the folder inside --out "
                         "the pages go to (like playbook), and the place itself with --out")
    try:
        normalise_prefix(args.prefix)
    except ValueError as exc:
        raise UsageError(f"--prefix: {exc}") from exc
    missing = missing_templates(Path(args.templates), args.templates)
    if missing is not None:
        print(f"icp-docs: warning: --templates: {missing}", file=sys.stderr)
    evidence = read_evidence(args.evidence)
    if evidence is False:
        return 1
    result = check(specs, evidence=evidence)
    if result.diagnostics:
        print(format_all(result.diagnostics), file=sys.stderr)
    if result.playbook is None or has_errors(result.diagnostics, strict=args.strict):
        print(f"icp-docs: {args.specs}: nothing rendered: {summary(result.diagnostics)}",
              file=sys.stderr)
        return 1
    try:
        pages = render_pages(result.playbook, prefix=args.prefix, templates_dir=args.templates,
                             evidence=evidence)
        written = write_pages(pages, out)
    except (TemplateProblem, OutputConflict, ValueError) as exc:
        print(f"icp-docs: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"icp-docs: cannot write {exc.filename or out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"{out}: {len(written)} page{'s' * (len(written) != 1)} written", file=sys.stderr)
    return 0


def read_manifest(out: Path) -> dict[str, str]:
    """The files a previous run wrote into ``out`` (relative POSIX path -> SHA-256)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files", {}) if isinstance(data, dict) else {}
    if not isinstance(files, dict):
        return {}
    return {f: h for f, h in files.items() if isinstance(h, str) and _inside(f)}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ours(out: Path, rel: str, owned: dict[str, str]) -> bool:
    """A file we wrote and nobody changed since."""
    try:
        return rel in owned and _sha((out / rel).read_bytes()) == owned[rel]
    except OSError:
        return False


def _inside(rel: str) -> bool:
    return not rel.startswith("/") and ".." not in Path(rel).parts


def conflicts(pages: Iterable[Page], out: Path, owned: dict[str, str]) -> list[str]:
    """Files we would write or remove that exist and are not ours as we left them (or
    folders in the way that are files)."""
    now = set()
    found = []
    for page in pages:
        now.add(page.path)
        target = out / page.path
        if (target.exists() or target.is_symlink()) and not _ours(out, page.path, owned):
            found.append(page.path)
        found += [str(p.relative_to(out)) for p in target.parents
                  if p != out and out in p.parents and p.is_file()]
    found += [rel for rel in owned.keys() - now
              if (out / rel).exists() and not _ours(out, rel, owned)]
    return sorted(set(found))


def write_pages(pages: list[Page], out: Path) -> list[Path]:
    """Write the pages; refuse before writing anything if a file is not ours."""
    if out.exists() and not out.is_dir():
        raise OutputConflict(f"{out} is a file, not a folder")
    owned = read_manifest(out)
    blocked = conflicts(pages, out, owned)
    if blocked:
        shown = "\n  ".join(blocked[:10]) + ("\n  ..." if len(blocked) > 10 else "")
        raise OutputConflict(f"{out} holds files that icp-docs render did not write (or "
                             f"that were edited since); refusing to overwrite:\n  {shown}")
    written = []
    hashes = {}
    for page in pages:
        target = out / page.path
        data = page.markdown.encode("utf-8")
        hashes[page.path] = _sha(data)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
        written.append(target)
    # The pages of a removed segment or persona, and the folders that leaves empty.
    remove_outputs(out, sorted(owned.keys() - hashes.keys()))
    manifest = json.dumps({"files": dict(sorted(hashes.items()))}, indent=1) + "\n"
    (out / MANIFEST).write_text(manifest, encoding="utf-8")
    return written
