"""The HTML of the generated pages: converted once per Markdown text, and on both cores.

Turning each page's Markdown into HTML is about half of a build, and MkDocs does it one page
after the other. :class:`RenderCache` keeps the HTML MkDocs made of every generated page,
keyed by everything it depends on (the page's final Markdown, its address, the site's pages
and the Markdown settings), and gives MkDocs nothing to convert on a hit:

- ``mkdocs serve`` keeps it from one rebuild to the next, so an edit to one segment converts
  that segment's pages and the pages that list every segment, not all of them;
- ``mkdocs build`` fills it from a forked helper process that converts the generated pages
  from the last one back, while MkDocs works forward from the first: where they meet, the
  build is done with the Markdown in about half the time on two cores.

A page whose Markdown another plugin changed simply misses, and MkDocs converts it as usual.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..spec.parallel import frozen_for_fork, usable_jobs

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import TableOfContents

#: Below this many generated pages, starting the helper costs more than it saves.
MIN_PAGES = 24

Key = tuple[str, int, str]


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
        # Plain text, so that the record can travel between processes.
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


class RenderCache:
    """The HTML of generated pages; see the module's docstring.

    Call :meth:`before` from the last ``on_page_markdown`` and :meth:`after` from the first
    ``on_page_content``: other plugins see the same Markdown and HTML as without the cache.
    Only the entries used by the latest build are kept.
    """

    def __init__(self) -> None:
        self._entries: dict[Key, _Rendered] = {}
        self._used: dict[Key, _Rendered] = {}
        self._files: Files | None = None
        self._context = 0
        self._pending: dict[str, tuple[Key, str, _Rendered | None]] = {}
        self._capture: _Capture | None = None
        self._helper: _Helper | None = None
        self.hits = 0
        self.misses = 0

    def start(self) -> None:
        """A new build: forget what the last one did not use."""
        self.stop()
        self._entries, self._used = self._used or self._entries, {}
        self._files = None
        self._pending.clear()
        self.hits = self.misses = 0

    def stop(self) -> None:
        """Stop the helper process, if any (the build is over, or failed)."""
        self._stop_capture()
        if self._helper is not None:
            self._helper.stop()
            self._helper = None

    def _context_of(self, config: MkDocsConfig, files: Files) -> int:
        if files is not self._files:
            # Links become relative addresses, and a link to a missing page a warning:
            # the HTML depends on every page's address, and on the Markdown settings.
            self._files = files
            self._context = hash((
                tuple((f.src_uri, f.url) for f in files.documentation_pages()),
                repr(config.markdown_extensions), repr(config.mdx_configs),
                repr(config.validation), config.use_directory_urls,
            ))
        return self._context

    @property
    def helping(self) -> bool:
        """Whether a helper process converts pages for this build."""
        return self._helper is not None

    def prerender(self, sources: Sequence[str], config: MkDocsConfig, files: Files) -> None:
        """Have a forked helper convert the pages of ``sources`` (``src_uri``, in the order
        MkDocs builds them) from the last one back. Only from a single-threaded build on a
        machine with a core to spare, where ``fork`` exists (see :attr:`helping`)."""
        if len(sources) < MIN_PAGES or usable_jobs() < 2:
            return
        self.stop()
        self._helper = _Helper(list(sources), config, files)

    def before(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        """The Markdown MkDocs should convert: nothing at all when the HTML is known."""
        context = self._context_of(config, files)
        if self._helper is not None:
            self._helper.reached(page.file.src_uri)
            for src_uri, text, rendered in self._helper.collect(files):
                self._entries[(src_uri, context, text)] = rendered
        key = (page.file.src_uri, context, markdown)
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
        if self._helper is not None and self._helper.finished_with(page.file.src_uri):
            self.stop()
        return hit.html

    def _stop_capture(self) -> list[logging.LogRecord]:
        if self._capture is None:
            return []
        logging.getLogger("mkdocs").removeHandler(self._capture)
        records, self._capture = self._capture.records, None
        return records


class _Helper:
    """The forked process converting pages from the last one back, and what has come of it.

    It skips every page the build has reached itself (a shared counter), sends each result
    down a pipe as soon as it has it, and is stopped when the build has passed every page.
    """

    def __init__(self, sources: list[str], config: MkDocsConfig, files: Files) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.sources = sources
        self.index = {uri: i for i, uri in enumerate(sources)}
        # Written by the build, read by the helper: a plain shared integer is enough.
        self.progress: Any = context.Value("i", 0, lock=False)
        self.done = False
        receive, send = context.Pipe(duplex=False)
        self.pipe: Connection = receive
        self.process: BaseProcess = context.Process(
            target=_convert, args=(send, sources, config, files, self.progress), daemon=True)
        # Everything alive now is the build's: frozen, the helper's garbage collector leaves
        # it alone instead of walking (and so copying) every page it inherited.
        with frozen_for_fork():
            self.process.start()
        send.close()

    def reached(self, src_uri: str) -> None:
        """The build is about to convert this page: the helper need not."""
        i = self.index.get(src_uri)
        if i is not None and i >= self.progress.value:
            self.progress.value = i + 1

    def collect(self, files: Files) -> list[tuple[str, str, _Rendered]]:
        """The results the helper has sent so far, without waiting for more."""
        found = []
        try:
            while not self.done and self.pipe.poll():
                item = self.pipe.recv()
                if item is None:
                    self.done = True
                    break
                src_uri, markdown, html, toc, anchors, links, records = item
                linked = None if links is None else {
                    f: v for uri, v in links.items()
                    if (f := files.get_file_from_path(uri)) is not None}
                found.append((src_uri, markdown, _Rendered(html, toc, anchors, linked, records)))
        except (EOFError, OSError):  # the helper died: the build converts the rest itself
            self.done = True
        return found

    def finished_with(self, src_uri: str) -> bool:
        """Whether the build has now passed the last page handed to the helper."""
        return self.index.get(src_uri) == len(self.sources) - 1

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=5)
        self.pipe.close()


def _convert(pipe: Connection, sources: list[str], config: MkDocsConfig, files: Files,
             progress: Any) -> None:
    """The helper's work: each page as ``Page.render`` makes it, from the last one back."""
    from mkdocs.structure.pages import Page

    capture = _Capture()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.handlers = [capture]  # the build reports what happens, when it happens
    mkdocs_log.propagate = False
    for i in range(len(sources) - 1, -1, -1):
        if progress.value > i:
            break  # the build has got here by itself
        file = files.get_file_from_path(sources[i])
        if file is None:
            continue
        page = file.page or Page(None, file, config)
        capture.records = []
        try:
            page.read_source(config)
            page.render(config, files)
        except Exception:  # the build will meet the same problem, and report it
            continue
        links = None if page.links_to_anchors is None else \
            {f.src_uri: v for f, v in page.links_to_anchors.items()}
        pipe.send((file.src_uri, page.markdown, page.content, page.toc,
                   page.present_anchor_ids, links, capture.records))
    pipe.send(None)
    pipe.close()
