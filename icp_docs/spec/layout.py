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

#: The names of a specs folder's playbook file, in the order they are taken: the first there.
BOOK_NAMES = ("playbook.yml", "playbook.yaml")


def is_segment_name(name: str) -> bool:
    """Whether a file of this name in ``segments/`` is a segment spec: ``*.yml`` or
    ``*.yaml``, and not hidden (``.#x.yml``, an editor's lock while the file is open)."""
    return name.endswith(_SPEC_SUFFIXES) and not name.startswith(".")


def segment_files(specs_dir: Path) -> list[Path]:
    """The segment files of a specs folder (``segments/*.yml`` and ``*.yaml``), sorted."""
    return _scan(specs_dir)[0]


def segment_pairs(specs_dir: Path, cwd: Path | None = None) -> list[tuple[Path, str]]:
    """``(file, display path)`` of each segment file, in the order the loader reads them."""
    return _pairs(segment_files(specs_dir), cwd)


def segment_listing(specs_dir: Path, cwd: Path | None = None
                    ) -> tuple[list[tuple[Path, str]], list[Path]]:
    """:func:`segment_pairs`, and the files in ``segments/`` that look like segment specs but
    are not read, sorted: a name ending in another letter case (``emea.YML``), or a file in a
    sub-folder (``segments/emea/payroll.yml``). One listing of the folder for both; hidden
    files and folders are left out of both."""
    files, unread = _scan(specs_dir)
    return _pairs(files, cwd), unread


def _scan(specs_dir: Path) -> tuple[list[Path], list[Path]]:
    folder = specs_dir / "segments"
    names: list[str] = []
    unread: list[Path] = []
    try:
        # scandir knows each entry's kind without a stat call of its own per file.
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if _real_folder(entry):
                    unread += _nested(Path(entry.path))
                    if is_segment_name(entry.name):
                        names.append(entry.name)  # read as a file: the loader says it is not
                elif is_segment_name(entry.name):
                    names.append(entry.name)
                elif entry.name.lower().endswith(_SPEC_SUFFIXES):
                    unread.append(folder / entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    return [folder / name for name in sorted(names)], sorted(unread)


def _nested(folder: Path) -> list[Path]:
    """The spec-like files in a sub-folder of ``segments/``, hidden ones left out."""
    found: list[Path] = []
    for top, folders, names in os.walk(folder):
        folders[:] = [f for f in folders if not f.startswith(".")]
        found += [Path(top, n) for n in names
                  if not n.startswith(".") and n.lower().endswith(_SPEC_SUFFIXES)]
    return found


def _real_folder(entry: os.DirEntry[str]) -> bool:
    """A folder, not a link to one (the loader never follows those)."""
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _pairs(files: list[Path], cwd: Path | None) -> list[tuple[Path, str]]:
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
