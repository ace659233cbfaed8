"""Hostile spec text, checked on the built HTML: nothing a spec says becomes a script, a style,
an event attribute, a non-http(s)/mailto link or a broken table; the text is shown as text."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import copy_tree, mkdocs_build

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "projects" / "hostile"
SEGMENT = "playbook/segments/hostile-segment/index.html"
PERSONA = "playbook/segments/hostile-segment/personas/evil-persona/index.html"
ALLOWED_SCHEMES = ("http://", "https://", "mailto:", "#", "/", ".")

pytestmark = pytest.mark.slow


@dataclass
class Audit:
    """What a page contains that could run or restyle it."""

    scripts: list[str] = field(default_factory=list)  # src or inline code of each script
    styles: list[str] = field(default_factory=list)
    handlers: list[str] = field(default_factory=list)  # on* attributes
    links: list[str] = field(default_factory=list)  # href/src/action values
    tags: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)
    text: str = ""


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.audit = Audit()
        self.inside: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.audit.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.audit.handlers.append(f"{tag}[{name}={value}]")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value:
                self.audit.links.append(value)
            if name == "style" and value:
                self.audit.styles.append(value)
        if tag == "script":
            self.audit.scripts.append(dict(attrs).get("src") or "")
        if tag in ("script", "style", "title"):
            self.inside.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.inside and self.inside[-1] == tag:
            self.inside.pop()

    def handle_data(self, data: str) -> None:
        where = self.inside[-1] if self.inside else None
        if where == "script":
            self.audit.scripts.append(data)
        elif where == "style":
            self.audit.styles.append(data)
        elif where == "title":
            self.audit.titles.append(data)
        else:
            self.chunks.append(data)


def audit(page: Path) -> Audit:
    parser = _Auditor()
    parser.feed(page.read_text())
    parser.close()
    parser.audit.text = " ".join("".join(parser.chunks).split())
    return parser.audit


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "project"
    copy_tree(HOSTILE, root)
    out = root.parent / "site"
    done = mkdocs_build(root / "mkdocs.yml", out)
    assert done.returncode == 0, done.stderr
    return out


def playbook_pages(site: Path) -> list[Path]:
    pages = sorted((site / "playbook").rglob("*.html"))
    assert len(pages) >= 10
    return pages


def test_no_script_style_or_handler_from_a_spec(site: Path) -> None:
    for page in playbook_pages(site):
        found = audit(page)
        name = page.relative_to(site)
        assert not found.handlers, (name, found.handlers)
        assert not [s for s in found.scripts if "alert" in s or "evil" in s], name
        assert not [s for s in found.styles if "display" in s or "color:red" in s], name
        for tag in ("iframe", "marquee", "img", "object", "embed", "b", "i"):
            assert tag not in found.tags, (name, tag)


def test_links_are_http_https_or_mailto_only(site: Path) -> None:
    for page in playbook_pages(site):
        for link in audit(page).links:
            assert link.startswith(ALLOWED_SCHEMES) or ("://" not in link \
                and ":" not in link.split("/")[0]), (page.name, link)
            assert not link.lower().lstrip().startswith(("javascript", "vbscript", "data")), \
                (page.relative_to(site), link)
    segment = audit(site / SEGMENT)
    assert "https://ok.example/fine" in segment.links
    assert "https://ok.example/" not in segment.links  # a raw <a> is text, even to https


def test_hostile_text_is_shown_as_text(site: Path) -> None:
    segment = audit(site / SEGMENT).text
    assert '<script>alert("label")</script> finance teams' in segment
    assert '<script src="https://evil.example/x.js"></script>' in segment
    assert '<b onmouseover=alert("industry")>bold</b>' in segment
    # A job is a quotation: its inner pair of straight quotes is set in single marks.
    assert "{: .evil onclick=\u2018alert('job')\u2019 }" in segment
    assert "<div markdown=\u20181\u2019>md in html</div>" in segment  # the emphasis, as Markdown
    assert '<script>alert("notes")</script>' in segment
    assert "[link](javascript:alert(\"notes link\"))" in segment
    assert ":material-alert:" in segment
    overview = audit(site / "playbook/index.html")
    assert '[click me](javascript:alert("buyer"))' in overview.text
    assert '<style>body { display: none }</style>' in overview.text


def test_an_image_is_a_link_to_it(site: Path) -> None:
    # An image would call a third-party server from an internal site on every page view
    # (no <img> anywhere, above); its alt text and address stay, as a link.
    page = html.unescape((site / "playbook/index.html").read_text())
    assert '<a href="https://tracker.example/pixel.gif" rel="noopener noreferrer">win chart</a>' \
        in page
    assert ('<a href="https://tracker.example/blank.gif" rel="noopener noreferrer">'
            "https://tracker.example/blank.gif</a>") in page


def test_an_image_in_a_link_leaves_the_link_where_it_was(site: Path) -> None:
    # A badge linking to a build: the words the image leaves go where the link goes, not
    # to the image (two links side by side, the real one empty and so never clicked).
    page = html.unescape((site / "playbook/index.html").read_text())
    assert ('<a href="https://ci.example/builds" rel="noopener noreferrer">build status</a>'
            in page)
    assert "https://tracker.example/badge.svg" not in page


def test_titles_cannot_be_closed(site: Path) -> None:
    persona = audit(site / PERSONA)
    assert persona.titles == ['</title><script>alert("persona")</script> - Hostile playbook']
    assert '</title><script>alert("persona")</script>' in persona.text  # the h1


def test_pipes_do_not_break_tables(site: Path) -> None:
    page = (site / SEGMENT).read_text()
    table = page.split("How they get the job done today")[1].split("</table>")[0]
    rows = table.count("<tr>")
    assert rows == 3  # header and two alternatives
    assert table.count("<td>") == 4
    assert "Spreadsheets | with | pipes" in html.unescape(table)
    assert "cell || more | pipes" in html.unescape(table)


def test_checklist_question_cannot_add_a_checkbox(site: Path) -> None:
    page = (site / "playbook/segments/hostile-segment/checklist/index.html").read_text()
    task_list = page.split('class="task-list"')[1].split("</ul>")[0]
    assert task_list.count("<input") == 2  # one real checkbox per criterion, nothing more
    assert 'checked onclick=alert("q")' in html.unescape(task_list)


def test_text_at_a_list_item_start_stays_text(site: Path) -> None:
    # A list item's text is the start of a block to Python-Markdown: "- - x" nests a list,
    # "- # x" puts a heading (and a table of contents entry) in the item, "- !!! note" opens
    # an admonition. Spec text must stay the item's words.
    page = (site / "playbook/segments/hostile-segment/personas/champion/index.html").read_text()
    section = page.split('id="challenges-and-pains"')[1].split("</ul>")[0]
    items = [html.unescape(i.split("</li>")[0]) for i in section.split("<li>")[1:]]
    assert items == ["- a nested list", "1. an ordered list", "+ a plus list", "# a heading",
                     "---", '!!! danger "injected admonition"', '??? note "injected details"',
                     "/// note"]
    found = audit(site / "playbook/segments/hostile-segment/personas/champion/index.html")
    assert "details" not in found.tags and "hr" not in found.tags
    assert page.count("<h1") == 1 and 'class="admonition' not in page


def test_a_heading_keeps_its_closing_hashes(site: Path) -> None:
    page = site / "playbook/segments/hostile-segment/personas/lead-developer/index.html"
    assert audit(page).titles == ["Lead developer on C# - Hostile playbook"]
    h1 = page.read_text().split("<h1")[1].split("</h1>")[0].split(">", 1)[1]
    assert html.unescape(h1).startswith('Lead developer on C#<a class="headerlink"')
