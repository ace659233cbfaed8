"""The row-headers Markdown extension: the first cell of each body row of a marked table
becomes ``<th scope="row">``; every other table is left as Python-Markdown made it."""

from __future__ import annotations

from html.parser import HTMLParser

import markdown
import pytest

from icp_docs.render import filters
from icp_docs.render.row_headers import MARK, RowHeadersExtension

EXTENSIONS = ["tables", "md_in_html"]


def convert(text: str, *extensions: str | markdown.Extension) -> str:
    return markdown.markdown(text, extensions=[*EXTENSIONS, *extensions])


class Cells(HTMLParser):
    """Each table row's cells as (tag, scope) pairs, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append((tag, dict(attrs).get("scope")))


def cells(html: str) -> list[list[tuple[str, str | None]]]:
    parser = Cells()
    parser.feed(html)
    return parser.rows


TABLE = """\
| Stage | In their words |
|---|---|
| **Problem** | "It hurts." |
| **Decision** | "We signed." |
"""

MARKED = f'<div class="icp-journey {MARK}" markdown>\n\n{TABLE}\n</div>\n'


@pytest.mark.parametrize("extension", ["icp_docs.render.row_headers", RowHeadersExtension()])
def test_a_marked_table_gets_row_headers(extension: str | markdown.Extension) -> None:
    html = convert(MARKED, extension)
    assert cells(html) == [
        [("th", None), ("th", None)],  # the column headers stay as they were
        [("th", "row"), ("td", None)],
        [("th", "row"), ("td", None)],
    ]
    # The stage keeps its bold, now inside the header cell.
    assert '<th scope="row"><strong>Problem</strong></th>' in html


def test_a_table_inside_a_marked_element_counts_however_deep() -> None:
    nested = f'<div class="{MARK}" markdown>\n<div markdown>\n\n{TABLE}\n</div>\n</div>\n'
    assert [row[0] for row in cells(convert(nested, RowHeadersExtension()))[1:]] == \
        [("th", "row"), ("th", "row")]


@pytest.mark.parametrize("text", [
    TABLE,  # a table someone writes in docs/
    f'<div class="icp-journey" markdown>\n\n{TABLE}\n</div>\n',  # another class
    f'<div class="{MARK}-not" markdown>\n\n{TABLE}\n</div>\n',  # a class that only starts so
])
def test_an_unmarked_table_is_untouched(text: str) -> None:
    assert convert(text, RowHeadersExtension()) == convert(text)


def test_marked_and_unmarked_tables_on_one_page() -> None:
    rows = cells(convert(TABLE + "\n" + MARKED, RowHeadersExtension()))
    assert [row[0] for row in rows] == [("th", None), ("td", None), ("td", None),
                                        ("th", None), ("th", "row"), ("th", "row")]


def test_hostile_text_in_cells_stays_escaped() -> None:
    """Spec text goes through the filters before it reaches a cell; moving the cell to a
    header must not undo any of that escaping."""
    hostile = ['<script>alert(1)</script>', '<img src=x onerror="alert(2)">',
               '</th></tr></table><b>out</b>', '{: onclick="alert(3)" }']
    rows = "\n".join(f"| **{filters.inline(h)}** | {filters.quote(h)} |" for h in hostile)
    text = f'<div class="{MARK}" markdown>\n\n| Stage | Words |\n|---|---|\n{rows}\n\n</div>\n'
    html = convert(text, RowHeadersExtension(), "attr_list")
    assert [row[0] for row in cells(html)[1:]] == [("th", "row")] * len(hostile)
    assert len(cells(html)) == 1 + len(hostile)  # no row was cut short or added
    # Only the table's own elements, and no attribute but the mark and the scope.
    tags = Tags()
    tags.feed(html)
    assert tags.seen == {("div", ("class",)), ("table", ()), ("thead", ()), ("tbody", ()),
                         ("tr", ()), ("th", ()), ("th", ("scope",)), ("td", ()),
                         ("strong", ())}
    assert "<th scope=\"row\"><strong>&#60;script&#62;alert(1)&#60;/script&#62;</strong>" in html


class Tags(HTMLParser):
    """Every (tag, attribute names) pair of a piece of HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[tuple[str, tuple[str, ...]]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add((tag, tuple(sorted(name for name, _ in attrs))))
