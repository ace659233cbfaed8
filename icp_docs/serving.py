"""What makes a rebuild of ``mkdocs serve`` quick: the plugin's side of the edit-to-reload loop.

MkDocs rebuilds the whole site after every edit, and turning each page's Markdown into HTML is
about half of that. :class:`RenderCache` keeps the HTML of every generated page from one
rebuild to the next, keyed by everything the HTML depends on (the page's final Markdown, its
address, the site's pages and the Markdown settings): an edit to one segment converts that
segment's pages and the pages that list every segment, not all of them.

:func:`watch_natively` has the operating system report edits to the specs (MkDocs polls its
watched folders every half second).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import TableOfContents

log = logging.getLogger("mkdocs.plugins.icp")


@dataclass
class _Rendered:
    """What ``Page.render`` made of one page's Markdown, and what it logged meanwhile."""

    html: str
    toc: TableOfContents
    anchors: set[str] | None
    links: dict[File, dict[str, str]] | None
    records: list[logging.LogRecord] = field(default_factory=list)


class _Capture(logging.Handler):
    """Keeps the records MkDocs logs while one page renders (broken links, say), so that
    a page served from the cache reports them again."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class RenderCache:
    """The HTML of generated pages across rebuilds; see the module's docstring.

    Call :meth:`before` from the last ``on_page_markdown`` and :meth:`after` from the first
    ``on_page_content``: other plugins see the same Markdown and HTML as without the cache.
    Only the entries used by the latest build are kept.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int, str], _Rendered] = {}
        self._used: dict[tuple[str, int, str], _Rendered] = {}
        self._files: Files | None = None
        self._context = 0
        self._pending: dict[str, tuple[tuple[str, int, str], str, _Rendered | None]] = {}
        self._capture: _Capture | None = None
        self.hits = 0
        self.misses = 0

    def start(self) -> None:
        """A new build: forget what the last one did not use."""
        self._stop_capture()
        self._entries, self._used = self._used or self._entries, {}
        self._files = None
        self._pending.clear()
        self.hits = self.misses = 0

    def _key(self, page: Page, markdown: str, config: MkDocsConfig,
             files: Files) -> tuple[str, int, str]:
        if files is not self._files:
            # Links become relative addresses, and a link to a missing page a warning:
            # the HTML depends on every page's address, and on the Markdown settings.
            self._files = files
            self._context = hash((
                tuple((f.src_uri, f.url) for f in files.documentation_pages()),
                repr(config.markdown_extensions), repr(config.mdx_configs),
                repr(config.validation), config.use_directory_urls,
            ))
        return page.file.src_uri, self._context, markdown

    def before(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The Markdown MkDocs should convert: nothing at all when the HTML is known."""
        key = self._key(page, markdown, config, files)
        hit = self._entries.get(key)
        self._pending[page.file.src_uri] = (key, markdown, hit)
        if hit is not None:
            return ""
        self._stop_capture()
        self._capture = _Capture()
        logging.getLogger("mkdocs").addHandler(self._capture)
        return markdown

    def after(self, html: str, page: Page) -> str:
        """The page's HTML: the cached one on a hit (the page's table of contents and anchors
        put back, its log records told again), else ``html``, now remembered."""
        pending = self._pending.pop(page.file.src_uri, None)
        if pending is None:
            return html
        key, markdown, hit = pending
        page.markdown = markdown
        if hit is None:
            records = self._stop_capture()
            hit = _Rendered(html, page.toc, page.present_anchor_ids, page.links_to_anchors,
                            records)
            self.misses += 1
        else:
            page.toc = hit.toc
            page.present_anchor_ids = hit.anchors
            page.links_to_anchors = hit.links
            for record in hit.records:
                logging.getLogger(record.name).handle(record)
            self.hits += 1
        self._used[key] = hit
        return hit.html

    def _stop_capture(self) -> list[logging.LogRecord]:
        if self._capture is None:
            return []
        logging.getLogger("mkdocs").removeHandler(self._capture)
        records, self._capture = self._capture.records, None
        return records


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
