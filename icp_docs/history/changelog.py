"""The refresh history of a playbook, read from git: what the change log page shows.

No ceremony beyond editing ``refresh:`` in playbook.yml: a refresh's final state is the last
commit (on the first-parent line) whose playbook.yml has that refresh value, before a later
refresh value first appears. Each refresh is compared with the previous refresh's final state;
"Unreleased" is what the working tree holds beyond the newest refresh's final state. A commit
that sets the value back to an earlier refresh (a revert, a typo) does not reopen that refresh:
its changes count in the next refresh, whose note says so.

A folder outside git or a shallow clone is not an error: :attr:`History.warning` says what is
missing, and the history holds what is known. In ``mkdocs serve`` the committed part is cached
by HEAD: a rebuild after editing a spec only diffs the working tree against the newest refresh.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..spec.load import LoadResult, Playbook
from .changes import Change, Impact, ThresholdChanged
from .changes import badge as emoji_badge
from .diff import diff_playbooks
from .git import GitError, SpecCommit, head_sha, is_shallow, spec_commits, toplevel
from .report import group, summary
from .snapshot import at_revision, load_commits, seed

__all__ = ["History", "Release", "cache_info", "load_history"]


@dataclass(frozen=True)
class Release:
    """One refresh (or the unreleased work when ``refresh`` is None) and its changes.

    ``commit`` is the short sha of the refresh's final state (None: the working tree);
    ``previous`` the refresh it is compared with (None: nothing earlier is known);
    ``note`` says why changes may be missing or partial.
    """

    refresh: str | None
    commit: str | None
    date: str | None
    changes: tuple[Change, ...]
    previous: str | None = None
    note: str | None = None
    proposed: str | None = None  # unreleased only: a refresh value not committed yet

    @property
    def title(self) -> str:
        if self.refresh is not None:
            return self.refresh
        return f"Unreleased ({self.proposed})" if self.proposed else "Unreleased"

    def groups(self) -> list[tuple[str | None, list[Change]]]:
        """The changes by segment (None: the playbook itself), in report order."""
        return group(self.changes)

    def summary(self, *, markdown: bool = False,
                badge: Callable[[Impact], str] = emoji_badge) -> str:
        """``7 changes in 3 segments: 3 breaking, ...`` (with impact badges in Markdown,
        made by ``badge``)."""
        return summary(list(self.changes), markdown=markdown, badge=badge)


@dataclass(frozen=True)
class History:
    """Releases newest first (the first may be the unreleased one), and a warning when the
    history is incomplete (no git, a shallow clone)."""

    releases: tuple[Release, ...]
    warning: str | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def impacts(self) -> list[Impact]:
        """Every impact, most serious first (for a legend)."""
        return sorted(Impact, reverse=True)

    @property
    def latest(self) -> Release | None:
        """The last completed refresh."""
        return next((r for r in self.releases if r.refresh is not None), None)

    def for_segment(self, segment_id: str) -> list[Change]:
        """Changes in the last completed refresh that touch this segment (a changed default
        threshold touches every segment that uses it)."""
        latest = self.latest
        if latest is None:
            return []
        return [c for c in latest.changes if c.segment == segment_id or
                (isinstance(c, ThresholdChanged) and segment_id in c.applies_to)]


@dataclass(frozen=True)
class _Committed:
    """What HEAD alone decides: the releases, and the newest refresh's final state."""

    releases: tuple[Release, ...]
    newest: Playbook | None
    warning: str | None
    labels: dict[str, str] = field(default_factory=dict)  # every segment ever, by id


_cache: OrderedDict[tuple[str, ...], _Committed] = OrderedDict()
_stats = {"hits": 0, "misses": 0}


def cache_info() -> dict[str, int]:
    """How often the committed history was reused or recomputed (``mkdocs serve`` reuses)."""
    return dict(_stats)


def load_history(playbook: Playbook, *, jobs: int = 1) -> History:
    """The refresh history of ``playbook`` (its working-tree state, as loaded), from git;
    ``jobs`` > 1 lets that many forked processes parse the older files."""
    root = toplevel(playbook.root.resolve())
    if root is None:
        return History((), f"{_shown(playbook.root)} is not in a git repository, so there is "
                           "no refresh history to show.", _labels({}, playbook))
    head = head_sha(root)
    if head is None:
        return History((), "The repository has no commits yet, so there is no refresh history "
                           "to show.", _labels({}, playbook))
    folder = Path(os.path.relpath(playbook.root.resolve(), root)).as_posix()
    key = (str(root), folder, head, str(Path.cwd()))
    committed = _cache.get(key)
    if committed is None:
        _stats["misses"] += 1
        seed(playbook)
        committed = _committed(root, folder, head, jobs)
        _cache[key] = committed
        while len(_cache) > 4:
            _cache.popitem(last=False)
    else:
        _stats["hits"] += 1
    releases = committed.releases
    if committed.newest is not None:
        unreleased = _unreleased(committed.newest, playbook, releases)
        releases = (unreleased, *releases) if unreleased else releases
    return History(releases, committed.warning, _labels(committed.labels, playbook))


def _committed(root: Path, folder: str, head: str, jobs: int) -> _Committed:
    try:
        return _read_history(root, folder, head, jobs)
    except GitError as exc:  # a broken repository: the site still builds, without history
        return _Committed((), None, f"The refresh history could not be read: {exc}.")


def _read_history(root: Path, folder: str, head: str, jobs: int) -> _Committed:
    commits = spec_commits(root, folder, head)
    shallow = is_shallow(root)
    warning = ("This is a shallow clone, so only the refreshes in the fetched history are "
               "shown. Clone with the full history (fetch-depth: 0) to see them all."
               if shallow else None)
    finals, strays = _finals(commits)
    loaded = load_commits(root, [c.sha for c in finals.values()], folder, jobs=jobs)
    # Files of commits other than HEAD are named at their commit, as `icp-docs diff` does.
    states = {r: _named(loaded[c.sha], c.sha, head) for r, c in finals.items()}
    order = sorted(finals, reverse=True)
    releases = []
    for i, refresh in enumerate(order):
        previous = order[i + 1] if i + 1 < len(order) else None
        releases.append(_release(refresh, finals[refresh], states[refresh], previous,
                                 states.get(previous or ""), shallow))
    releases = _note_strays(releases, commits, finals, strays)
    newest = states[order[0]].playbook if order else None
    if not order and warning is None:
        warning = (f"No commit of {folder}/playbook.yml has a refresh value yet, so there is "
                   "no refresh history to show.")
    labels: dict[str, str] = {}
    for refresh in reversed(order):  # oldest first: a newer label wins
        labels = _labels(labels, states[refresh].playbook)
    return _Committed(tuple(releases), newest, warning, labels)


def _finals(commits: list[SpecCommit]
            ) -> tuple[dict[str, SpecCommit], list[tuple[SpecCommit, str]]]:
    """Refresh value -> its final state, and the commits that set the value back, each with
    the refresh that had started (commits: newest first).

    The final state is the newest commit with the value before a later value first appears:
    otherwise a value that comes back would put an old refresh's final state after a newer
    one's, and the newer refresh would list changes that were never made in it.
    """
    finals: dict[str, SpecCommit] = {}
    strays: list[tuple[SpecCommit, str]] = []
    for commit in reversed(commits):  # oldest first
        if commit.refresh is None:
            continue
        if finals and commit.refresh < max(finals):
            strays.append((commit, max(finals)))
        else:
            finals[commit.refresh] = commit
    return finals, strays


def _note_strays(releases: list[Release], commits: list[SpecCommit],
                 finals: dict[str, SpecCommit],
                 strays: list[tuple[SpecCommit, str]]) -> list[Release]:
    """Say, on the refresh that holds their changes, which commits set the value back."""
    if not strays:
        return releases
    age = {c.sha: i for i, c in enumerate(commits)}  # 0: the newest
    notes: dict[str, list[str]] = {}
    for stray, started in strays:
        later = [r for r, c in finals.items() if age[c.sha] < age[stray.sha]]
        if later:
            notes.setdefault(min(later), []).append(
                f"Includes commit `{stray.short}`, which set `refresh` back to {stray.refresh} "
                f"after {started} had started: its changes count in this refresh.")
        else:
            notes.setdefault(max(finals), []).append(
                f"Commit `{stray.short}`, after this refresh, set `refresh` back to "
                f"{stray.refresh}: its changes belong to no refresh yet.")
    return [replace(r, note=" ".join(filter(None, [r.note, *notes.get(r.refresh or "", [])])))
            if r.refresh in notes else r for r in releases]


def _release(refresh: str, commit: SpecCommit, state: LoadResult, previous: str | None,
             before: LoadResult | None, shallow: bool) -> Release:
    made = {"refresh": refresh, "commit": commit.short, "date": commit.date[:10],
            "previous": previous}
    if state.playbook is None:
        return Release(changes=(), note=_unreadable(commit.short, state), **made)
    if before is None:
        if shallow:
            return Release(changes=(), note="Earlier history is not in this clone.", **made)
        first = replace(state.playbook, segments=())
        return Release(changes=tuple(diff_playbooks(first, state.playbook)),
                       note="The first refresh on record.", **made)
    if before.playbook is None:
        return Release(changes=(), note=_unreadable(previous or "", before), **made)
    changes, note = _compare(before, state)
    return Release(changes=tuple(changes), note=note, **made)


def _compare(before: LoadResult, after: LoadResult) -> tuple[list[Change], str | None]:
    """The diff, leaving out segments broken on either side (not "removed" or "added")."""
    assert before.playbook is not None and after.playbook is not None
    broken = set(before.broken) | set(after.broken)
    old = _without(before.playbook, broken)
    new = _without(after.playbook, broken)
    note = None
    if broken:
        note = ("Not compared, because their spec had errors on one side: "
                + ", ".join(sorted(broken)) + ".")
    return diff_playbooks(old, new), note


def _named(state: LoadResult, sha: str, head: str) -> LoadResult:
    if state.playbook is None or sha == head:
        return state
    return replace(state, playbook=at_revision(state.playbook, sha))


def _without(playbook: Playbook, ids: set[str]) -> Playbook:
    if not ids:
        return playbook
    return replace(playbook, segments=tuple(s for s in playbook.segments if s.id not in ids))


def _unreadable(where: str, state: LoadResult) -> str:
    errors = sum(1 for d in state.diagnostics if d.severity == "error")
    return (f"The specs at {where} have {errors} error{'s' * (errors != 1)}, so the changes "
            "cannot be shown.")


def _unreleased(newest: Playbook, current: Playbook,
                releases: tuple[Release, ...]) -> Release | None:
    changes = diff_playbooks(newest, current)
    if not changes:
        return None
    known = {r.refresh for r in releases}
    proposed = current.spec.refresh if current.spec.refresh not in known else None
    latest = releases[0].refresh if releases else None
    return Release(None, None, None, tuple(changes), latest, None, proposed)


def _labels(known: dict[str, str], playbook: Playbook | None) -> dict[str, str]:
    segments = playbook.segments if playbook is not None else ()
    return {**known, **{s.id: s.spec.label for s in segments}}


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)
