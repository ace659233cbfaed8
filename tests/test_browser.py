"""Headless Chromium on the built sample site: every page kind renders without a console
error, the checklist boxes can be ticked, and each page leaves a screenshot of a sane size."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest

from icp_docs.printing.browser import CHROMIUM_ARGS, serve

PAGES = {
    "overview": "playbook/",
    "segments": "playbook/segments/",
    "segment": "playbook/segments/multi-entity-close/",
    "hypothesis": "playbook/segments/marketplace-payout-matching/",
    "persona": "playbook/segments/multi-entity-close/personas/controller/",
    "checklist": "playbook/segments/multi-entity-close/checklist/",
    "checklists": "playbook/checklists/",
    "anti-icp": "playbook/anti-icp/",
    "journey": "playbook/journey/",
    "changelog": "playbook/changelog/",
    "guide": "site/",
}
WIDTH = 1280

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    # The same loopback server `icp-docs checklists` prints from.
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS),
                                     headless=True)
        try:
            yield launched
        finally:
            launched.close()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_renders_without_console_errors(browser: object, base_url: str, kind: str,
                                             tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})  # type: ignore[attr-defined]
    # The machine has no way out: third-party requests (Material asks GitHub for the repo's
    # stars) are cut short, and only errors of the site itself count.
    page.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
    errors: list[str] = []

    def on_console(message: object) -> None:
        where = message.location.get("url", "")  # type: ignore[attr-defined]
        if message.type == "error" and (not where or where.startswith(base_url)):  # type: ignore[attr-defined]
            errors.append(f"{message.text} ({where})")  # type: ignore[attr-defined]

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed",
            lambda r: errors.append(f"failed: {r.url}") if r.url.startswith(base_url) else None)
    response = page.goto(base_url + PAGES[kind], wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_timeout(300)  # let Material's bundle run (errors surface here)
    assert page.locator("article h1").count() == 1
    assert page.locator("article h1").inner_text().strip()
    shot = tmp_path / f"{kind}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert errors == []
    width, height = png_size(shot)
    assert width == WIDTH
    assert height >= 600
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kilobytes


def test_checklist_boxes_can_be_ticked(browser: object, base_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["checklist"], wait_until="load")
    boxes = page.locator("article .task-list-item input[type=checkbox]")
    assert boxes.count() == 8
    assert not boxes.first.is_checked()
    page.locator("article .task-list-item label").first.click()
    assert boxes.first.is_checked()
    assert boxes.nth(1).is_enabled()
    page.close()


@pytest.mark.parametrize("kind", ["checklist", "checklists"])
def test_checklist_boxes_are_named_by_their_questions(browser: object, base_url: str,
                                                      kind: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES[kind], wait_until="load")
    questions = page.locator("article .icp-question").all_inner_texts()
    assert len(questions) == page.locator("article input[type=checkbox]").count() >= 8
    for question in questions:
        box = page.get_by_role("checkbox", name=question.strip(), exact=True)
        assert box.count() == 1, question
    page.locator("article .icp-question").first.click()  # the question is not the box
    assert not page.locator("article input[type=checkbox]").first.is_checked()
    page.close()


def test_hypothesis_banner_is_visible(browser: object, base_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["hypothesis"], wait_until="load")
    banner = page.locator("article .admonition.warning").first
    assert banner.is_visible()
    assert "an assumption to validate, not a fact" in banner.inner_text()
    page.close()
