"""Headless Chromium through Playwright, printing pages of a built site to PDF.

The site is served by a small threaded ``http.server`` on 127.0.0.1 rather than opened as
``file://`` URLs: Material's scripts and the search worker behave as they do when published, and
every request that is not for that server (web fonts, analytics) is answered with an abort, so
printing never waits on the network and never leaks who printed what.

Playwright drives the system's Chromium (``executable_path``); it never downloads a browser.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

Paper = Literal["a4", "letter"]

#: Paper sizes in millimetres (width, height), portrait.
PAPER_MM: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
#: The page margin set by ``@page`` in assets/print.css.
MARGIN_MM = 12.0
#: The smallest type a checklist is shrunk to before it is left to spill over.
MIN_FONT_PT = 6.0

# Lays a page out as it will print (print media, the paper's text width, the full paper height
# for the media queries) and shrinks any checklist taller than its page, a quarter point at a
# time: the safety net behind print.css's densities for checklists the lint rule warned about.
_FIT = """(minPt) => [...document.querySelectorAll('.icp-checklist')].map((sheet) => {
  const over = () => sheet.scrollHeight > sheet.clientHeight + 1;
  const overflowed = over();
  let size = parseFloat(getComputedStyle(sheet).fontSize) * 0.75;
  while (over() && size > minPt) {
    size -= 0.25;
    sheet.style.setProperty('--icp-fs', size + 'pt');
  }
  return {id: sheet.id, shrunk: overflowed, fits: !over()};
})"""


@dataclass(frozen=True)
class Fit:
    """How one checklist fitted its page: shrunk below its density's type size, or not even
    then (it spills onto a second page)."""

    id: str
    shrunk: bool
    fits: bool

#: Flags for a headless Chromium in containers and CI: no sandbox (often root, no user
#: namespaces), no GPU, /tmp instead of a small /dev/shm, and no background traffic.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
)

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Where macOS keeps Chrome and Chromium: app bundles, never on the PATH.
_MAC_APPS = ("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
             "/Applications/Chromium.app/Contents/MacOS/Chromium")
#: How to get what printing needs from Python: icp-docs is on no package index, so its name
#: alone would not install it.
SITE_EXTRA = "install icp-docs with its site extra (in its clone: pip install -e '.[site]')"
#: The environment variable naming the browser to print with, before any search.
CHROMIUM_VARIABLE = "ICP_DOCS_CHROMIUM"


class PrintError(Exception):
    """A problem printing that the user can fix; its message says how."""


def find_chromium() -> str | None:
    """The path of the Chromium to print with, or None when there is none.

    ``$ICP_DOCS_CHROMIUM`` when set (:class:`PrintError` when it names no executable: a
    browser the user chose must not be swapped silently for another), else the first of
    Chromium's and Chrome's usual names on the PATH (Debian's ``chromium`` first), else the
    macOS app bundles.
    """
    if chosen := os.environ.get(CHROMIUM_VARIABLE):
        if os.path.isfile(chosen) and os.access(chosen, os.X_OK):
            return chosen
        raise PrintError(f"{CHROMIUM_VARIABLE}={chosen} is not an executable file; set it to "
                         "the path of Chromium or Chrome, or unset it to search the PATH")
    for name in _NAMES:
        if path := shutil.which(name):
            return path
    if sys.platform == "darwin":
        return next((app for app in _MAC_APPS if os.access(app, os.X_OK)), None)
    return None


def install_hint(platform: str = sys.platform, root: bool | None = None) -> str:
    """The one command that installs a browser to print with on ``platform``, and the way to
    name one installed elsewhere.

    Not run for the user: installing a system package is theirs to decide (and needs root).
    """
    if platform == "darwin":
        command = "brew install --cask google-chrome"
    elif platform.startswith("linux"):
        root = os.geteuid() == 0 if root is None else root
        command = ("" if root else "sudo ") + "apt-get install chromium"
    else:
        command = "install Chromium or Chrome"
    return (f"{command} (or set {CHROMIUM_VARIABLE} to the path of a Chromium or Chrome "
            "executable)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # the command's output is the PDF path, not an access log


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A tab closed while a script was still fetching (the search index, say) breaks the
        # pipe; that is no error of ours and must not print a traceback.
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ``root`` on a free port of 127.0.0.1 for as long as the block runs; yields the base
    URL (ending in ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="icp-docs-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Printer:
    """One headless Chromium, reused for every page printed (a launch costs about a second).

    Use as a context manager; :meth:`pdf` prints one URL to PDF bytes.
    """

    def __init__(self, executable: str | None = None) -> None:
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._error: type[Exception] = Exception

    def check(self) -> None:
        """Raise :class:`PrintError` now if Chromium or Playwright is missing (before a site
        is built for nothing)."""
        if self.executable is None:
            self.executable = find_chromium()
        if self.executable is None:
            raise PrintError(f"Chromium was not found; install it: {install_hint()}")
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            # The site extra brings Playwright; only an installation without it gets here.
            raise PrintError(f"Playwright is not installed; {SITE_EXTRA}") from exc

    def __enter__(self) -> Printer:
        self.check()
        from playwright.sync_api import Error, sync_playwright

        self._error = Error
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=list(CHROMIUM_ARGS), headless=True)
            # One context for every tab: a new context per page costs a few tenths of a second.
            self._context = self._browser.new_context()
        except Error as exc:
            self._playwright.stop()
            raise PrintError(f"Chromium at {self.executable} did not start: "
                             f"{_first_line(exc)}") from exc
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()

    @property
    def browser(self) -> Browser:
        """The Chromium this printer launched, for callers that open pages of their own
        (Playwright's sync API runs one instance per thread)."""
        if self._browser is None:
            raise RuntimeError("Printer is not started; use it as a context manager")
        return self._browser

    def open(self, url: str) -> Page:
        """A new tab showing ``url`` in print media, fonts loaded; only requests to the URL's
        own origin are let through."""
        if self._context is None:
            raise RuntimeError("Printer is not started; use it as a context manager")
        origin = url.split("/", 3)[:3]
        page = self._context.new_page()
        page.route("**/*", functools.partial(_local_only, "/".join(origin) + "/"))
        response = page.goto(url, wait_until="load")
        if response is None or not response.ok:
            status = response.status if response is not None else "no answer"
            page.close()
            raise PrintError(f"{url} could not be opened ({status})")
        page.emulate_media(media="print")
        page.evaluate("document.fonts.ready.then(() => null)")
        return page

    def pdf(self, url: str, paper: Paper) -> tuple[bytes, list[Fit]]:
        """Print one page to PDF on the given paper (the CSS sets the margins), after fitting
        each checklist on it to one sheet; also says how each fitted."""
        try:
            page = self.open(url)
            try:
                fits = fit_to_page(page, paper)
                data = page.pdf(format="A4" if paper == "a4" else "Letter",
                                print_background=True, prefer_css_page_size=False)
                return data, fits
            finally:
                page.close()
        except self._error as exc:
            raise PrintError(f"printing {url} failed: {_first_line(exc)}") from exc


def fit_to_page(page: Page, paper: Paper) -> list[Fit]:
    """Shrink the checklists of ``page`` that would not fit one sheet of ``paper``."""
    width, height = PAPER_MM[paper]
    px = 96 / 25.4  # CSS pixels per millimetre
    page.set_viewport_size({"width": round((width - 2 * MARGIN_MM) * px),
                            "height": round(height * px)})
    found = page.evaluate(_FIT, MIN_FONT_PT)
    return [Fit(str(f["id"]), bool(f["shrunk"]), bool(f["fits"])) for f in found]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _local_only(origin: str, route: Route) -> None:
    if route.request.url.startswith(origin):
        route.continue_()
    else:
        route.abort()
