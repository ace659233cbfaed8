"""Read the specs' history from git without touching the working tree.

Everything here runs a handful of git processes, never one per commit or per file: one
``git log`` for the commits, one ``git cat-file --batch`` for every blob those commits need.
Nothing is checked out, so reading history is safe while someone edits the specs.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..spec.layout import BOOK_NAMES

__all__ = [
    "GitError",
    "SpecCommit",
    "TreeEntry",
    "git",
    "head_sha",
    "is_folder",
    "is_shallow",
    "last_revisions",
    "merge_base",
    "read_blobs",
    "read_refresh",
    "resolve",
    "spec_commits",
    "spec_files",
    "toplevel",
]

# A fixed, plain environment: the user's colour, pager or signature settings must not change
# what we parse, and reading must not take the index lock an editor's git may hold.
# Paths are literal: a spec file named with ``*`` or ``:`` must not become a pattern.
_ENV = {"GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0",
        "GIT_LITERAL_PATHSPECS": "1"}
_CONFIG = ("-c", "color.ui=false", "-c", "log.showSignature=false", "-c", "core.quotePath=false")
_REFRESH = re.compile(rb"^refresh:[ \t]*[\"']?(\d{4}-Q[1-4])[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
UNCOMMITTED = "uncommitted"
MODIFIED = "+modified"


class GitError(Exception):
    """A git command failed; the message says what was asked and what git answered."""


@dataclass(frozen=True)
class SpecCommit:
    """A commit that touched the specs, with the ``refresh`` its playbook.yml declares."""

    sha: str
    short: str
    date: str  # committer date, ISO 8601
    subject: str
    refresh: str | None  # None: no playbook.yml, or no readable refresh value


@dataclass(frozen=True)
class TreeEntry:
    """A file of a tree at some revision: its path from the repository root, and its blob."""

    path: str
    blob: str


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run ``git -C repo args`` and return its stdout; :class:`GitError` when it fails."""
    try:
        done = subprocess.run(
            ["git", *_CONFIG, "-C", str(repo), *args], input=stdin, capture_output=True,
            env={**os.environ, **_ENV}, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed (or not on PATH)") from exc
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = said[-1].removeprefix("fatal: ") if said else f"exit {done.returncode}"
        raise GitError(f"git {args[0]} failed: {reason}")
    return done.stdout


def toplevel(path: Path) -> Path | None:
    """The root of the git working tree holding ``path``, or None outside git."""
    folder = path if path.is_dir() else path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        out = git(folder, "rev-parse", "--show-toplevel")
    except GitError:
        return None
    return Path(out.decode().strip()).resolve()


def git_dirs(path: Path) -> tuple[Path, Path] | None:
    """The repository's own folder (``.git``, or a worktree's folder within it), which holds
    ``HEAD``, and the folder shared by all its worktrees, which holds the branches; None
    outside git."""
    folder = path if path.is_dir() else path.parent
    try:
        own, common = git(folder, "rev-parse", "--absolute-git-dir",
                          "--git-common-dir").decode().splitlines()
    except (GitError, ValueError):
        return None
    return Path(own), (folder / common).resolve()


def head_sha(repo: Path) -> str | None:
    """The full sha of HEAD, or None when there is no commit yet (or no repository)."""
    try:
        return git(repo, "rev-parse", "--verify", "-q", "HEAD^{commit}").decode().strip() or None
    except GitError:
        return None


def is_shallow(repo: Path) -> bool:
    """Whether the repository is a shallow clone (history cut off)."""
    try:
        return git(repo, "rev-parse", "--is-shallow-repository").strip() == b"true"
    except GitError:
        return False


def resolve(repo: Path, rev: str) -> str:
    """The full sha of the commit ``rev`` names; :class:`GitError` when it names none."""
    if rev.startswith("-"):
        raise GitError(f"'{rev}' is not a revision")
    try:
        return git(repo, "rev-parse", "--verify", "-q", "--end-of-options",
                   f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"unknown revision '{rev}' (not a commit, branch or tag in "
                       f"{repo})") from None


def merge_base(repo: Path, left: str, right: str) -> str:
    """The full sha of the best common ancestor of two commits (full shas), as ``git diff
    left...right`` compares from; :class:`GitError` when they share no commit."""
    try:
        out = git(repo, "merge-base", "--end-of-options", left, right).decode().strip()
    except GitError:
        out = ""
    if not out:
        raise GitError(f"{left[:7]} and {right[:7]} have no commit in common (no merge base)")
    return out


def is_folder(repo: Path, rev: str, folder: str) -> bool:
    """Whether ``folder`` (a path from the repository root) is a folder at ``rev``."""
    base = folder.strip("/")
    if base in ("", "."):
        return True
    found = _objects(repo, [f"{rev}:{base}"]).get(f"{rev}:{base}")
    return found is not None and found[0] == b"tree"


def last_revisions(repo_dir: Path, files: Sequence[Path]) -> dict[Path, str]:
    """Each file's short sha of the last commit that changed it.

    The sha gets a ``+modified`` suffix when the working tree differs from that commit;
    a file git never committed maps to ``uncommitted``. Outside a git repository: ``{}``.
    One ``git log`` and one ``git status``, whatever the number of files.
    """
    root = toplevel(repo_dir)
    if root is None or not files or head_sha(root) is None:
        return {}
    wanted = {key: f for f in files if not (key := _repo_path(root, f)).startswith("../")}
    if not wanted:
        return {}
    found: dict[str, str] = {}
    log = git(root, "log", "-z", "--name-only", "--no-renames", "--format=%x01%h", "HEAD",
              "--", *wanted)
    for chunk in log.split(b"\x01")[1:]:
        sha, _, names = chunk.partition(b"\0")
        for name in names.lstrip(b"\n").split(b"\0"):
            key = name.decode("utf-8", "replace")
            if key in wanted and key not in found:
                found[key] = sha.decode()
        if len(found) == len(wanted):
            break  # every file has its last commit: the rest of the log is older
    dirty = changed_paths(root, wanted)
    out: dict[Path, str] = {}
    for key, file in wanted.items():
        rev = found.get(key, UNCOMMITTED)
        out[file] = rev + MODIFIED if key in dirty and rev != UNCOMMITTED else rev
    return out


def _repo_path(root: Path, file: Path) -> str:
    absolute = file if file.is_absolute() else Path.cwd() / file
    return Path(os.path.relpath(absolute.resolve(), root)).as_posix()


def changed_paths(root: Path, paths: Iterable[str]) -> set[str]:
    """The files under ``paths`` that the working tree changed, added or left untracked."""
    out = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths)
    changed: set[str] = set()
    entries = iter(out.split(b"\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        changed.add(entry[3:].decode("utf-8", "replace"))
        if entry[:1] in (b"R", b"C"):
            next(entries, None)  # a rename's second name is its old path
    return changed


def spec_files(repo: Path, revs: Sequence[str], folder: str) -> dict[str, list[TreeEntry]]:
    """The spec files at each revision: those directly in ``folder`` (a path from the
    repository root) and in its ``segments/``. One ``git cat-file --batch`` for all."""
    base = "" if folder in (".", "") else folder.strip("/")
    subs = (base, f"{base}/segments" if base else "segments")
    trees = _objects(repo, [f"{rev}:{sub}" for rev in revs for sub in subs])
    found: dict[str, list[TreeEntry]] = {}
    for rev in revs:
        found[rev] = [
            TreeEntry(f"{sub}/{name}" if sub else name, blob)
            for sub in subs
            for name, blob in _tree_blobs(trees.get(f"{rev}:{sub}"))
        ]
    return found


def _tree_blobs(tree: tuple[bytes, bytes] | None) -> list[tuple[str, str]]:
    """(name, blob sha) of the files of a raw tree object: ``<mode> <name>\0<20-byte sha>``."""
    if tree is None or tree[0] != b"tree":
        return []
    data, pos, out = tree[1], 0, []
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        mode, name = data[pos:space], data[space + 1:nul]
        sha = data[nul + 1:nul + 21].hex()
        pos = nul + 21
        if mode.startswith(b"100"):  # a regular file (not a folder, link or submodule)
            out.append((name.decode("utf-8", "replace"), sha))
    return out


def read_blobs(repo: Path, names: Iterable[str]) -> dict[str, bytes | None]:
    """Read many files (blob shas or ``rev:path``) with one ``git cat-file --batch``.

    Missing objects, and objects that are not files, map to None.
    """
    return {name: obj[1] if obj is not None and obj[0] == b"blob" else None
            for name, obj in _objects(repo, names).items()}


def _objects(repo: Path, names: Iterable[str]) -> dict[str, tuple[bytes, bytes] | None]:
    """Objects by name, as (type, raw content), with one ``git cat-file --batch``."""
    asked = list(dict.fromkeys(names))
    if not asked:
        return {}
    if any("\n" in name for name in asked):
        raise GitError("an object name cannot contain a line break")
    out = git(repo, "cat-file", "--batch", stdin="".join(n + "\n" for n in asked).encode())
    result: dict[str, tuple[bytes, bytes] | None] = {}
    pos = 0
    for name in asked:
        end = out.index(b"\n", pos)
        header = out[pos:end].split(b" ")
        pos = end + 1
        if len(header) != 3 or header[1] in (b"missing", b"ambiguous"):
            result[name] = None
            continue
        size = int(header[2])
        result[name] = (header[1], out[pos:pos + size])
        pos += size + 1  # the contents are followed by a line break
    return result


def spec_commits(repo: Path, folder: str, rev: str = "HEAD") -> list[SpecCommit]:
    """Commits on ``rev``'s first-parent line that touched ``folder``, newest first.

    First parent: the history of the branch as it was merged, so a pull request's work in
    progress does not count as a state of the playbook. Each commit's ``refresh`` is read from
    its playbook.yml (one batched read for all commits).
    """
    log = git(repo, "log", "--first-parent", "-z", "--format=%H%x1f%h%x1f%cI%x1f%s", rev,
              "--", folder.rstrip("/") + "/")
    rows = [r.split(b"\x1f") for r in log.split(b"\0") if r.strip()]
    base = folder.rstrip("/")
    names = [f"{r[0].decode().strip()}:{base}/{fn}" for r in rows
             for fn in BOOK_NAMES]
    blobs = read_blobs(repo, names)
    commits = []
    for sha_b, short, date, subject in rows:
        sha = sha_b.decode().strip()
        raw = next((r for fn in BOOK_NAMES if (r := blobs.get(f"{sha}:{base}/{fn}"))), None)
        commits.append(SpecCommit(sha, short.decode(), date.decode(),
                                  subject.decode("utf-8", "replace"), read_refresh(raw)))
    return commits


def read_refresh(raw: bytes | None) -> str | None:
    """The ``refresh`` value of a playbook.yml, read cheaply (no full YAML parse)."""
    if raw is None:
        return None
    match = _REFRESH.search(raw)
    if match:
        return match.group(1).decode()
    from ..spec.yaml import load_bytes  # unusual layouts: flow style, odd quoting

    data = load_bytes(raw, "playbook.yml").data
    value = data.get("refresh") if isinstance(data, dict) else None
    return value if isinstance(value, str) and re.fullmatch(r"\d{4}-Q[1-4]", value) else None
