"""Where a specs folder keeps its files, and how their paths are shown.

Kept apart from :mod:`.load` (and free of pydantic), so that the command line can list the
segment files and start parsing them before it imports the models.
"""

from __future__ import annotations

import os
from pathlib import Path


def display_path(file: Path, cwd: Path | None = None) -> str:
    """The path as the user should read it: relative to the working directory if inside."""
    base = cwd or Path.cwd()
    try:
        return os.path.relpath(file, base) if file.is_absolute() else str(file)
    except ValueError:
        return str(file)


_SPEC_SUFFIXES = (".yml", ".yaml")


def is_segment_name(name: str) -> bool:
    """Whether a file of this name in ``segments/`` is a segment spec: ``*.yml`` or
    ``*.yaml``, and not hidden (``.#x.yml``, an editor's lock while the file is open)."""
    return name.endswith(_SPEC_SUFFIXES) and not name.startswith(".")


def segment_files(specs_dir: Path) -> list[Path]:
    """The segment files of a specs folder (``segments/*.yml`` and ``*.yaml``), sorted."""
    folder = specs_dir / "segments"
    try:
        # scandir knows each entry's kind without a stat call of its own per file.
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if is_segment_name(e.name) and _spec_file(e)]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder / name for name in sorted(names)]


def unread_files(specs_dir: Path) -> list[Path]:
    """Files in ``segments/`` that look like segment specs but are not read, sorted: a name
    ending in another letter case (``emea.YML``), or a file in a sub-folder
    (``segments/emea/payroll.yml``). Hidden files and folders are left out."""
    found: list[Path] = []
    for top, folders, names in os.walk(specs_dir / "segments"):
        folders[:] = [f for f in folders if not f.startswith(".")]
        nested = Path(top) != specs_dir / "segments"
        found += [Path(top, n) for n in names if not n.startswith(".") and
                  n.lower().endswith(_SPEC_SUFFIXES) and (nested or not is_segment_name(n))]
    return sorted(found)


def _spec_file(entry: os.DirEntry[str]) -> bool:
    """A regular file, or a link that leads nowhere or in a loop: reading that one reports the
    problem in its own name while every other file is still checked. A folder, a pipe or a
    device (a link to /dev/zero) is never read."""
    try:
        if entry.is_file():
            return True
        return entry.is_symlink() and not os.path.exists(entry.path)
    except OSError:
        return True


def segment_pairs(specs_dir: Path, cwd: Path | None = None) -> list[tuple[Path, str]]:
    """``(file, display path)`` of each segment file, in the order the loader reads them."""
    files = segment_files(specs_dir)
    if not files:
        return []
    prefix = folder_prefix(files[0].parent, cwd)
    return [(f, prefix + f.name) for f in files]


def folder_prefix(folder: Path, cwd: Path | None = None) -> str:
    """What :func:`display_path` puts before the name of each file in ``folder`` ("" for
    the working directory itself). One relative path per folder, not one per file: the same
    text, a thousand times cheaper for a large folder."""
    shown = display_path(folder, cwd)
    return "" if shown == "." else os.path.join(shown, "")
