"""Seeing an edit at once in ``mkdocs serve``: the specs and templates watched through the
operating system's file events (MkDocs polls its watched folders every half second), and a
search index that stays whole across ``mkdocs serve --dirty`` rebuilds.

The other half of a quick reload, reusing unchanged pages' HTML, is :mod:`.htmlcache`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.icp")


class NativeWatch:
    """Folders watched through the operating system's file events (inotify, FSEvents,
    ReadDirectoryChangesW) instead of MkDocs's polling, which notices an edit up to half a
    second late. MkDocs's own handler is scheduled, so an event triggers the same rebuild."""

    def __init__(self) -> None:
        self._observer: Any = None

    def watch(self, server: LiveReloadServer, folders: list[str],
              repository: Path | None = None) -> None:
        """Watch ``folders`` for ``server``: by file events where the system has them, else
        by MkDocs's polling. With file events, a folder that does not exist yet (a first
        ``overrides/icp/``) is watched from the moment it is made; and the git repository
        holding ``repository``, if any, for commits and checkouts, which change the change
        log and the revisions the pages name without changing a spec."""
        present = [folder for folder in folders if os.path.isdir(folder)]
        observer = _native_observer(present)
        if observer is None:
            for folder in present:
                server.watch(folder)
            return
        polling = server.observer
        try:
            server.observer = _ChangesOnly(observer)  # type: ignore[assignment]
            for folder in folders:
                server.watch(folder)  # MkDocs's own handler, on the native observer
            from ..history.git import git_dirs  # git only when serving from a repository

            found = None if repository is None else git_dirs(repository)
            if found is not None:
                server.observer = _ChangesOnly(observer, keep=_names_a_ref)  # type: ignore[assignment]
                own, common = found
                server.watch(str(own), recursive=False)  # HEAD: a checkout
                if (common / "refs" / "heads").is_dir():
                    server.watch(str(common / "refs" / "heads"))  # a commit moves a branch
                if common != own:
                    server.watch(str(common), recursive=False)  # packed-refs
        finally:
            server.observer = polling
        self._observer = observer

    def stop(self) -> None:
        """Stop watching (on shutdown)."""
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None


class _ChangesOnly:
    """Schedules watches for changes alone. The system also reports each file being opened
    and read, which every rebuild does to every spec: MkDocs, which rebuilds on any event,
    would then rebuild without end."""

    def __init__(self, observer: Any, keep: Callable[[str, str], bool] | None = None) -> None:
        self.observer = observer
        self.keep = keep or _authored  # (path, watched folder) -> whether it may rebuild

    def schedule(self, handler: Any, path: str, *, recursive: bool = False) -> Any:
        from watchdog import events as e

        if not os.path.isdir(path):
            return _Appearing(self, handler, path, recursive=recursive)
        changes = [e.FileCreatedEvent, e.FileModifiedEvent, e.FileDeletedEvent,
                   e.FileMovedEvent, e.FileClosedEvent]
        watch = self.observer.schedule(_Kept(handler, self.keep, path), path,
                                       recursive=recursive, event_filter=changes)
        _Vanishing(self, handler, path, watch, recursive=recursive)
        return watch


class _Appearing:
    """A folder to watch that does not exist yet. The nearest folder above it that does is
    watched for new folders; once the folder is made, it is watched as the others are, and
    the site rebuilds (the author may have saved a file in it already)."""

    def __init__(self, changes: _ChangesOnly, handler: Any, path: str, *,
                 recursive: bool) -> None:
        self.changes, self.handler, self.path = changes, handler, os.path.abspath(path)
        self.recursive = recursive
        self.above: str | None = None
        self.watch: Any = None
        self._follow()

    def dispatch(self, event: Any) -> None:
        if self.above is not None:  # still waiting
            self._follow()

    def _follow(self) -> None:
        # Each level of `mkdir -p` may be made before the watch of the one above it starts:
        # look again after every move down.
        while not os.path.isdir(self.path):
            above = _nearest_folder(self.path)
            if above == self.above:
                return
            self._watch_above(above)
            if self.watch is None:
                return
        self._watch_above(None)
        self.changes.schedule(self.handler, self.path, recursive=self.recursive)
        from watchdog.events import FileCreatedEvent

        self.handler.dispatch(FileCreatedEvent(self.path))  # MkDocs's handler: rebuild

    def _watch_above(self, above: str | None) -> None:
        from watchdog.events import DirCreatedEvent, DirMovedEvent

        observer = self.changes.observer
        if self.watch is not None:
            # Not unschedule: another folder still to come may share this watch.
            observer.remove_handler_for_watch(self, self.watch)
            self.watch = None
        self.above = above
        if above is None:
            return
        try:
            self.watch = observer.schedule(self, above,
                                           event_filter=[DirCreatedEvent, DirMovedEvent])
        except OSError as exc:  # no inotify watch left: the folder is then seen on restart
            log.debug("icp: cannot wait for %s to be made (%s)", self.path, exc)


class _Vanishing:
    """Follows a watched folder that goes away: a branch switch or ``git stash`` deletes and
    remakes ``specs/``, and ``mv specs elsewhere`` moves it, neither of which the folder's own
    watch outlives. The folder above is watched for its removal; then the site rebuilds (its
    pages say the specs are missing) and the folder is waited for as :class:`_Appearing`
    does, and watched again once it is back."""

    def __init__(self, changes: _ChangesOnly, handler: Any, path: str, watch: Any, *,
                 recursive: bool) -> None:
        from watchdog.events import DirDeletedEvent, DirMovedEvent

        self.changes, self.handler, self.watch = changes, handler, watch
        self.path, self.recursive = os.path.abspath(path), recursive
        self.above: Any = None
        try:
            self.above = changes.observer.schedule(
                self, os.path.dirname(self.path),
                event_filter=[DirDeletedEvent, DirMovedEvent])
        except OSError as exc:  # no inotify watch left: a removal is seen on restart
            log.debug("icp: cannot follow %s if it goes away (%s)", self.path, exc)

    def dispatch(self, event: Any) -> None:
        if os.path.isdir(self.path) or self.above is None:
            return
        from watchdog.events import FileDeletedEvent

        observer = self.changes.observer
        observer.remove_handler_for_watch(self, self.above)  # the folder above may be shared
        self.above = None
        with contextlib.suppress(KeyError, OSError):  # the system dropped it with the folder
            observer.unschedule(self.watch)
        self.handler.dispatch(FileDeletedEvent(self.path))  # MkDocs's handler: rebuild
        _Appearing(self.changes, self.handler, self.path, recursive=self.recursive)


def _nearest_folder(path: str) -> str:
    """The deepest existing folder among ``path``'s parents."""
    parent = os.path.dirname(path)
    while parent != os.path.dirname(parent) and not os.path.isdir(parent):
        parent = os.path.dirname(parent)
    return parent


def is_editor_file(path: str) -> bool:
    """Whether ``path`` is an editor's own file beside the one being edited, never a spec or
    a template: hidden (Vim's ``.x.yml.swp``, Emacs's ``.#x.yml`` lock, a temporary file
    renamed over the real one on save), a backup (``x.yml~``) or an auto-save (``#x.yml#``).
    Editors rewrite some of these every few seconds while one types."""
    name = os.path.basename(path)
    return (name.startswith(".") or name.endswith("~")
            or (len(name) > 1 and name.startswith("#") and name.endswith("#")))


def _authored(path: str, root: str) -> bool:
    """Whether a change to ``path``, in the watched folder ``root``, may be an author's: not
    an editor's own file, and not in a ``.git`` folder below ``root`` (a specs folder that is
    a repository of its own), whose index, objects and logs ``git status``, a fetch or a gc
    rewrite without changing a spec. HEAD and the branches have watches of their own
    (:meth:`NativeWatch.watch`)."""
    return not is_editor_file(path) and ".git" not in os.path.relpath(path, root).split(os.sep)


def _names_a_ref(path: str, root: str) -> bool:
    """Whether ``path`` is ``HEAD``, ``packed-refs`` or a branch of a git repository (not a
    lock file: git writes one, then renames it over the real file). The index, objects and
    logs in the same folders change on every ``git status`` or fetch."""
    name = os.path.basename(path)
    branch = f"{os.sep}refs{os.sep}heads{os.sep}" in path
    return (name in ("HEAD", "packed-refs") or branch) and not name.endswith(".lock")


class _Kept:
    """Passes on an event when a file it names is one to ``keep`` in the watched ``root``: a
    rename of a temporary file over a spec is a save, the temporary file being written is
    not."""

    def __init__(self, handler: Any, keep: Callable[[str, str], bool], root: str) -> None:
        self.handler, self.keep, self.root = handler, keep, root

    def dispatch(self, event: Any) -> None:
        paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if any(self.keep(os.fsdecode(p), self.root) for p in paths):
            self.handler.dispatch(event)


def _native_observer(folders: list[str]) -> Any:
    """A started observer of the system's file events, if they can watch ``folders``."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    observer = Observer()
    if isinstance(observer, PollingObserver):  # what watchdog falls back to
        return None
    try:
        observer.start()
        # A trial watch of each folder: an error here (no inotify watches left, a file
        # system without events) leaves the folders to MkDocs's polling.
        probe, changes = FileSystemEventHandler(), _ChangesOnly(observer)
        for folder in folders:  # (a watchdog before 4.0 has no event_filter: polling then)
            observer.unschedule(changes.schedule(probe, folder, recursive=True))
    except Exception as exc:
        log.debug("icp: file events unavailable (%s); MkDocs polls the specs", exc)
        observer.stop()
        return None
    return observer


class DirtySearch:
    """The search index across ``mkdocs serve --dirty`` rebuilds.

    A dirty rebuild renders only the pages whose file changed, and the search plugin indexes
    only the pages it renders. MkDocs's plugin then writes an index of those pages alone;
    Material's keeps the earlier entries, except those under the first rendered page's
    address, which after a spec edit is the playbook's overview: every playbook page not
    rendered again dropped out of search. This keeps each page's entries from the last
    rebuild that rendered it, and writes them back into the index.
    """

    def __init__(self) -> None:
        self._entries: dict[str, list[Any]] = {}  # page URL -> its entries
        self._rendered: list[str] = []  # this rebuild's pages, in the order rendered

    def start(self) -> None:
        """A rebuild begins: no page rendered yet."""
        self._rendered = []

    def rendered(self, url: str) -> None:
        """The page at ``url`` was rendered (so the search plugin saw it) in this rebuild."""
        self._rendered.append(url)

    def complete(self, site_dir: str, urls: list[str]) -> None:
        """Complete the index in ``site_dir`` with the entries of the site's pages (``urls``)
        that this rebuild did not render; forget the pages no longer there."""
        path = Path(site_dir) / "search" / "search_index.json"
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
            docs = index["docs"]
            pages = [str(doc["location"]).partition("#")[0] for doc in docs]
        except (OSError, ValueError, KeyError, TypeError):
            return  # no search plugin, or one with another format: leave it alone
        start = _this_rebuild(pages, self._rendered)
        fresh: dict[str, list[Any]] = {}
        for page, doc in zip(pages[start:], docs[start:], strict=True):
            fresh.setdefault(page, []).append(doc)
        for url in self._rendered:
            self._entries[url] = fresh.get(url, [])
        self._entries = {url: self._entries[url] for url in urls if url in self._entries}
        whole = [doc for entries in self._entries.values() for doc in entries]
        if whole != docs:
            index["docs"] = whole
            path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                            encoding="utf-8")


def _this_rebuild(pages: list[str], rendered: list[str]) -> int:
    """Where the entries indexed in this rebuild begin: the longest tail of the index (its
    entries' ``pages``) that lists rendered pages in the order they were rendered. Earlier
    entries are those a search plugin kept from before, perhaps of rendered pages too."""
    rank = {url: i for i, url in enumerate(rendered)}
    start, last = len(pages), len(rendered)
    while start > 0 and rank.get(pages[start - 1], last + 1) <= last:
        start -= 1
        last = rank[pages[start]]
    return start
