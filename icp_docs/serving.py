"""Seeing an edit at once in ``mkdocs serve``: the specs and templates watched through the
operating system's file events (MkDocs polls its watched folders every half second).

The other half of a quick reload, reusing unchanged pages' HTML, is :mod:`.htmlcache`.
"""

from __future__ import annotations

import logging
import os
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

    def watch(self, server: LiveReloadServer, folders: list[str]) -> None:
        """Watch ``folders`` for ``server``: by file events where the system has them, else
        by MkDocs's polling. With file events, a folder that does not exist yet (a first
        ``overrides/icp/``) is watched from the moment it is made."""
        present = [folder for folder in folders if os.path.isdir(folder)]
        observer = _native_observer(present)
        if observer is None:
            for folder in present:
                server.watch(folder)
            return
        polling, server.observer = server.observer, _ChangesOnly(observer)  # type: ignore[assignment]
        try:
            for folder in folders:
                server.watch(folder)  # MkDocs's own handler, on the native observer
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

    def __init__(self, observer: Any) -> None:
        self.observer = observer

    def schedule(self, handler: Any, path: str, *, recursive: bool = False) -> Any:
        from watchdog import events as e

        if not os.path.isdir(path):
            return _Appearing(self, handler, path, recursive=recursive)
        changes = [e.FileCreatedEvent, e.FileModifiedEvent, e.FileDeletedEvent,
                   e.FileMovedEvent, e.FileClosedEvent]
        return self.observer.schedule(_NoEditorFiles(handler), path, recursive=recursive,
                                      event_filter=changes)


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


class _NoEditorFiles:
    """Passes on an event unless every file it names is an editor's own: a rename of a
    temporary file over a spec is a save, the temporary file being written is not."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler

    def dispatch(self, event: Any) -> None:
        paths = [p for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        if not all(is_editor_file(os.fsdecode(p)) for p in paths):
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
