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
        return self.observer.schedule(_NoEditorFiles(handler), path, recursive=recursive,
                                      event_filter=changes)


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
