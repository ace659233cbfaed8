"""The revision stamped in a printed checklist's footer: which state of the spec it shows.

A sheet on a desk outlives the site. Its footer says the refresh quarter and the short git sha
of the spec file's last commit, with "modified" when the working tree differs from it, so a
seller can tell a stale printout from a current one. Outside git it says "not in git".
Git is asked twice per build whatever the number of segments (see
:func:`icp_docs.history.git.last_revisions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..history.git import MODIFIED, UNCOMMITTED, GitError, last_revisions

NOT_IN_GIT = "not in git"
NOT_COMMITTED = "not committed"


def revision_stamps(files: Iterable[Path]) -> dict[Path, str]:
    """For each spec file (resolved path), the revision its printed sheet carries:
    ``1a2b3c4``, ``1a2b3c4 (modified)``, ``not committed`` or ``not in git``."""
    resolved = [f.resolve() for f in files]
    if not resolved:
        return {}
    try:
        found = last_revisions(resolved[0].parent, resolved)
    except GitError:
        found = {}  # a broken repository is no reason to fail a build: say what we know
    return {f: describe(found.get(f)) for f in resolved}


def describe(revision: str | None) -> str:
    """A :func:`last_revisions` value as printed: ``None`` (outside git) is "not in git"."""
    if revision is None:
        return NOT_IN_GIT
    if revision == UNCOMMITTED:
        return NOT_COMMITTED
    if revision.endswith(MODIFIED):
        return f"{revision.removesuffix(MODIFIED)} (modified)"
    return revision
