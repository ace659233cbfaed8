"""Seeing an edit at once in ``mkdocs serve``: the specs and templates watched through the
operating system's file events (MkDocs polls its watched folders every half second).

The other half of a quick reload, reusing unchanged pages' HTML, is :mod:`.htmlcache`.
"""

from __future__ import annotations

import logging
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
        by MkDocs's polling."""
        observer = _native_observer(folders)
        if observer is None:
            for folder in folders:
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

        changes = [e.FileCreatedEvent, e.FileModifiedEvent, e.FileDeletedEvent,
                   e.FileMovedEvent, e.FileClosedEvent]
        return self.observer.schedule(handler, path, recursive=recursive, event_filter=changes)


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
