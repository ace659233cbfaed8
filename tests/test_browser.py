"""Headless Chromium on the built sample site: every page kind renders without a console
error, the checklist boxes can be ticked, and each page leaves a screenshot of a sane size.

The screenshots (every page kind at 1280 and 390 px wide, and printed) are kept under
``tests/artifacts/screenshots/`` (git-ignored) for a reviewer to open, as tests/README.md says;
``ICP_DOCS_SCREENSHOTS`` names another folder.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from icp_docs.printing.browser import Printer, fit_to_page, serve

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
#: A phone held upright.
NARROW = 390
#: Where the screenshots are kept; ICP_DOCS_SCREENSHOTS moves them (xdist workers share it).
SHOTS = Path(os.environ.get("ICP_DOCS_SCREENSHOTS",
                            Path(__file__).resolve().parent / "artifacts" / "screenshots"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    # The same loopback server `icp-docs checklists` prints from.
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(printer: Printer) -> object:
    # The Chromium `icp-docs checklists` prints with (conftest's printer, one per process).
    return printer.browser


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def shots() -> Path:
    """The screenshot folder, made once."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


@pytest.mark.parametrize("width", [WIDTH, NARROW])
@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_renders_without_console_errors(browser: object, base_url: str, kind: str,
                                             width: int, shots: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
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
    # Nothing sticks out sideways: the page itself never scrolls horizontally (a wide table
    # scrolls in its own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot = shots / f"{kind}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    assert errors == []
    shown, height = png_size(shot)
    assert shown == width
    assert height >= 600
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kilobytes


@pytest.mark.parametrize("kind", sorted(set(PAGES) - {"guide"}))
def test_page_prints_and_leaves_its_pages_to_look_at(printer: Printer, base_url: str,
                                                     kind: str, shots: Path) -> None:
    """Every playbook page kind prints through the checklists command's own code; the PDF and
    a picture of each sheet are kept with the screenshots."""
    data, _ = printer.pdf(base_url + PAGES[kind], "a4")
    pdf = shots / f"{kind}-print.pdf"
    pdf.write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    assert reader.pages[0].extract_text().strip()
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(shots / f"{kind}-print")],
                   check=True, capture_output=True)


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


@pytest.mark.parametrize(("kind", "level", "sheets"), [("checklist", 2, 1), ("checklists", 3, 5)])
def test_checklist_summary_titles_are_headings(browser: object, base_url: str, kind: str,
                                               level: int, sheets: int) -> None:
    """"Who", "Why now" and "Walk away if" look like headings, and are announced as such,
    one level below the checklist's own title."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES[kind], wait_until="load")
    for name in ("Who", "Why now", "Walk away if"):
        found = page.get_by_role("heading", name=name, exact=True, level=level)
        assert found.count() == sheets, name
    assert page.get_by_role("heading", level=level - 1).count() == sheets
    page.close()


# The WCAG contrast ratio of each element's text with what is behind it, as a reader sees it:
# the colour's alpha and every ancestor's opacity (Material fades <small> to 75 %) blended
# over the nearest background colour.
_CONTRAST = """(selector) => {
  const rgba = (c) => c.match(/[\\d.]+/g).map(Number).concat([1]).slice(0, 4);
  const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  return [...document.querySelectorAll(selector)].map((el) => {
    let [r, g, b, a] = rgba(getComputedStyle(el).color);
    let back = null;
    for (let e = el; e; e = e.parentElement) {
      a *= Number(getComputedStyle(e).opacity);
      const bg = rgba(getComputedStyle(e).backgroundColor);
      if (!back && bg[3] > 0) back = bg;
    }
    back = back || [255, 255, 255, 1];
    const fg = [r, g, b].map((v, i) => v * a + back[i] * (1 - a));
    const [hi, lo] = [lum(fg), lum(back)].sort((x, y) => y - x);
    return {text: el.textContent.trim().slice(0, 40), ratio: (hi + 0.05) / (lo + 0.05)};
  });
}"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_checklist_small_text_is_readable(browser: object, base_url: str, built_site: Path,
                                          scheme: str) -> None:
    """The checklist's greyed text (dimension, knockout, tier, headings, footer) keeps the
    4.5:1 contrast of body text, in Material's light and dark ("slate") schemes."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["checklists"], wait_until="load")
    if scheme != "default":
        # The sample site sets no palette: load Material's and switch to the dark scheme.
        palette = next((built_site / "assets/stylesheets").glob("palette.*.min.css")).name
        page.add_style_tag(url=f"{base_url}assets/stylesheets/{palette}")
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    found = page.evaluate(_CONTRAST, ".icp-checklist small, .icp-checklist small strong, "
                                     ".icp-checklist__tier, .icp-checklist__heading, "
                                     ".icp-checklist__notes > p:first-child")
    page.close()
    assert len(found) > 40
    low = [f for f in found if f["ratio"] < 4.5]
    assert not low, low[:3]


_INDICATOR = """(box) => {
  const style = getComputedStyle(box.nextElementSibling, "::before");
  return {border: style.borderTopStyle + " " + style.borderTopColor, mask: style.maskImage,
          background: style.backgroundColor, outline: style.outlineStyle};
}"""


# The outline of the box the keyboard is on, as drawn: a masked pseudo-element shows only
# what its mask lets through, and a check mark's mask cuts any outline of its own away.
_FOCUS_RING = """(box) => ["::before", "::after"].map((part) => {
  const style = getComputedStyle(box.nextElementSibling, part);
  return {part, outline: style.outlineStyle, mask: style.maskImage, content: style.content};
}).filter((p) => p.content !== "none" && p.outline !== "none" && p.mask === "none")"""


def test_checklist_boxes_show_state_and_focus_without_colour_alone(browser: object,
                                                                   base_url: str) -> None:
    """An empty box until ticked, then a check mark: the two states differ in shape, not
    only in colour, and the box a keyboard is on is outlined (the real input is invisible)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["checklist"], wait_until="load")
    boxes = page.locator("article .task-list-item input[type=checkbox]")
    empty = boxes.first.evaluate(_INDICATOR)
    assert empty["mask"] == "none" and empty["border"].startswith("solid"), empty
    page.locator("article .task-list-item label").first.click()
    ticked = boxes.first.evaluate(_INDICATOR)
    assert ticked["mask"] != "none", ticked
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # back onto the first box, as a keyboard user gets there
    assert boxes.first.evaluate("b => b === document.activeElement")
    assert boxes.first.evaluate(_FOCUS_RING)
    assert not boxes.nth(1).evaluate(_FOCUS_RING)
    found = page.evaluate(_CONTRAST.replace("getComputedStyle(el).color",
                                            "getComputedStyle(el, '::before').borderTopColor"),
                          "article .task-list-item:not(:first-child) .task-list-indicator")
    page.close()
    assert found and min(f["ratio"] for f in found) >= 3, found[:2]


def test_a_ticked_box_keeps_its_focus_outline(browser: object, base_url: str) -> None:
    """Ticking a box with Space leaves the keyboard on it: the outline must still show,
    not only on an empty box."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["checklist"], wait_until="load")
    boxes = page.locator("article .task-list-item input[type=checkbox]")
    page.locator("article .task-list-item label").first.click(click_count=2)  # ticked, then not
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")  # back onto the first box, as a keyboard user gets there
    assert boxes.first.evaluate("b => b === document.activeElement")
    assert not boxes.first.is_checked()
    assert boxes.first.evaluate(_FOCUS_RING), "an empty box the keyboard is on"
    page.keyboard.press("Space")
    assert boxes.first.is_checked()
    assert boxes.first.evaluate(_FOCUS_RING), "a ticked box the keyboard is on"
    assert not boxes.nth(1).evaluate(_FOCUS_RING)
    page.close()


def test_each_notes_box_says_whose_notes_it_holds(browser: object, base_url: str) -> None:
    """Five boxes all called "Notes" on the all-checklists page cannot be told apart in a
    screen reader's list of form fields: each names its segment."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["checklists"], wait_until="load")
    labels = page.locator("article .icp-checklist > h2").all_inner_texts()
    assert len(labels) == 5
    for label in labels:
        name = f"Notes: {label.rstrip('¶').strip()}"
        assert page.get_by_role("textbox", name=name, exact=True).count() == 1, name
    page.close()


def test_hypothesis_banner_is_visible(browser: object, base_url: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["hypothesis"], wait_until="load")
    banner = page.locator("article .admonition.warning").first
    assert banner.is_visible()
    assert "an assumption to validate, not a fact" in banner.inner_text()
    page.close()


@pytest.mark.parametrize("kind", ["journey", "segment"])
def test_journey_rows_are_named_by_their_stage(browser: object, base_url: str,
                                               kind: str) -> None:
    """A screen reader moving along a journey row hears the stage: each stage cell is a row
    header to the browser's accessibility tree, and still looks as a cell did (the stage
    bold, the example quote beside it in the body text's weight, a rule above)."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base_url + PAGES[kind], wait_until="load")
    headers = page.get_by_role("rowheader")
    stages = page.locator("article tbody th[scope=row] strong").all_inner_texts()
    assert headers.count() == len(stages) >= 5
    first = page.get_by_role("rowheader", name=stages[0], exact=False).first
    assert first.is_visible()
    look = first.evaluate("""th => {
        const style = getComputedStyle(th);
        const cell = th.parentElement.querySelector("td");
        const strong = getComputedStyle(th.querySelector("strong")).fontWeight;
        return [style.fontWeight, strong, style.borderTopWidth,
                getComputedStyle(cell).fontWeight, getComputedStyle(cell).borderTopWidth];
    }""")
    weight, stage_weight, rule, cell_weight, cell_rule = look
    assert (weight, rule) == (cell_weight, cell_rule)
    assert int(stage_weight) >= 700 > int(weight)
    page.close()


# Each segment header of the journey's stages-by-segments table, brought into view the way a
# reader scrolls the table's box: is it there, not under the pinned stage column, and is the
# stage column still beside it?
_JOURNEY_REACH = """(wrap) => {
  const heads = [...wrap.querySelectorAll("thead th")];
  const seen = (el) => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + 12);
    return !!hit && el.contains(hit);
  };
  const style = getComputedStyle(wrap);
  const found = heads.slice(1).map((th) => {
    wrap.scrollLeft = 0;
    th.scrollIntoView({block: "center", inline: "nearest"});
    const r = th.getBoundingClientRect(), box = wrap.getBoundingClientRect();
    return {label: th.textContent.trim(), seen: seen(th), stage: seen(heads[0]),
            inside: r.left >= box.left - 1 && r.right <= box.right + 1};
  });
  wrap.scrollLeft = 0;
  return {found, overflow: style.overflowX, scrolls: wrap.scrollWidth > wrap.clientWidth,
          shadow: style.backgroundImage, scrollbar: style.scrollbarColor};
}"""


def test_journey_shows_every_segment_or_scrolls_to_it(browser: object, base_url: str) -> None:
    """At 1280 px the stages-by-segments table is wider than its column: it scrolls in a box
    of its own that shows it does (a shadow at the edge, a scroll bar), every segment's header
    can be brought into view there, and the stage column stays beside each."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["journey"], wait_until="load")
    wrap = page.locator("article .icp-journey .md-typeset__scrollwrap")
    assert wrap.count() == 1
    state = wrap.evaluate(_JOURNEY_REACH)
    page.close()
    assert len(state["found"]) == 5
    for header in state["found"]:
        assert header["seen"] and header["inside"], header
        assert header["stage"], f"the stage column is gone beside {header['label']!r}"
    assert state["overflow"] in ("auto", "scroll")
    if state["scrolls"]:
        assert "gradient" in state["shadow"], state
        assert state["scrollbar"] != "auto", state


def test_journey_prints_every_segment(printer: Printer, base_url: str) -> None:
    """On paper nothing scrolls: every segment's column is within the sheet's width, and the
    PDF carries each segment's label."""
    page = printer.open(base_url + PAGES["journey"])
    try:
        fit_to_page(page, "a4")
        edges = page.evaluate("""() => ({width: document.documentElement.clientWidth,
            heads: [...document.querySelectorAll("article .icp-journey thead th")].map((th) => {
              const r = th.getBoundingClientRect();
              return {label: th.textContent.trim(), left: r.left, right: r.right};
            })})""")
    finally:
        page.close()
    assert len(edges["heads"]) == 6
    for head in edges["heads"]:
        assert head["left"] >= 0 and head["right"] <= edges["width"] + 0.5, head
    data, _ = printer.pdf(base_url + PAGES["journey"], "a4")
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split()
    for head in edges["heads"][1:]:
        # The columns are narrow: a label is broken over lines (and maybe hyphenated), so
        # each of its words must be on the sheet.
        parts = head["label"].replace("-", " ").split()
        missing = [w for w in parts if not any(w in x for x in words)]
        assert not missing, (head["label"], missing)


def test_overview_segment_column_is_wide_enough_to_read(browser: object, base_url: str) -> None:
    """At 1280 px the overview's segment labels get the room: the column is at least 260 px
    and no label is broken over more than three lines; the short facts beside it never wrap."""
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})  # type: ignore[attr-defined]
    page.goto(base_url + PAGES["overview"], wait_until="load")
    rows = page.evaluate("""() => [...document.querySelectorAll("article table tbody tr")]
        .map((tr) => {
          const link = tr.querySelector("td:first-child a");
          const line = parseFloat(getComputedStyle(link).lineHeight);
          return {label: link.textContent, width: tr.cells[0].getBoundingClientRect().width,
                  lines: Math.round(link.getBoundingClientRect().height / line),
                  facts: [...tr.cells].slice(1).map((c) => {
                    const r = document.createRange(); r.selectNodeContents(c);
                    return r.getClientRects().length;
                  })};
        })""")
    page.close()
    assert len(rows) == 5
    for row in rows:
        assert row["width"] >= 260, row
        assert row["lines"] <= 3, row
        assert max(row["facts"]) == 1, row


# Every word of the page's article that the browser broke over two lines without a hyphen of
# its own to break at ("Somethi / ng is off" in a narrow column): a word is one line box.
_BROKEN_WORDS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("article"),
                                           NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest("code, pre, .headerlink, textarea, svg")) continue;
    for (const m of node.textContent.matchAll(/[^\\s\\-\\u2010-\\u2015\\/]+/g)) {
      if (m[0].length < 4) continue;
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0)
                                                       .map((r) => Math.round(r.top)));
      if (lines.size > 1) found.push(m[0]);
    }
  }
  return found;
}"""


@pytest.mark.parametrize("width", [WIDTH, NARROW])
@pytest.mark.parametrize("kind", sorted(set(PAGES) - {"guide"}))
def test_no_word_is_broken_in_the_middle(browser: object, base_url: str, kind: str,
                                         width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page.route(lambda url: not url.startswith(base_url), lambda route: route.abort())
    page.goto(base_url + PAGES[kind], wait_until="load")
    broken = page.evaluate(_BROKEN_WORDS)
    page.close()
    assert broken == [], f"{kind} at {width} px breaks {len(broken)} words: {broken[:8]}"
