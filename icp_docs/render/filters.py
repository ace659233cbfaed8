"""Text filters: spec text -> safe HTML that survives the Markdown engine that reads it next.

Spec text is plain text with inline Markdown. The way to a page is three steps, each done by a
library built for it rather than by our own regexes:

1. markdown-it-py renders the Markdown with raw HTML switched off, so ``<script>`` is text;
2. nh3 (ammonia) keeps only an allow-list of tags and attributes, and links to http(s) and
   mailto only;
3. the sanitised HTML is re-emitted (stdlib :class:`html.parser.HTMLParser`) with every
   Markdown-significant ASCII character of its text and attributes written as a numeric
   character reference, so that Python-Markdown (and its extensions: tables, attr_list, emoji,
   task lists...) sees nothing it could re-interpret, while a browser shows the same text.

The result is one line without raw newlines: it cannot end a table row or a list item early.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt

from ..money import as_written, money_range
from ..money import money as money_text

INLINE_TAGS = frozenset({"em", "strong", "code", "a", "del"})
BLOCK_TAGS = INLINE_TAGS | frozenset(
    {"p", "ul", "ol", "li", "blockquote", "pre", "br", "hr", "h3", "h4", "h5", "h6"}
)
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_VOID = frozenset({"br", "hr"})

# Characters that some Markdown syntax (core or a pymdownx / attr_list / emoji / keys
# extension) gives meaning to in the middle of a line, plus the HTML specials and line breaks.
# ``#`` is one of them: a heading drops the hashes that end its line ("C#" -> "C"). ``!`` and
# ``(`` only matter next to ``[``, which is escaped. The rest stays readable in the Markdown.
_SIGNIFICANT = "\\`*_{}[]<>|:~^=$&#+\n\r\t"
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in _SIGNIFICANT}
# Text does start a line: a list item's text is the start of a block to Python-Markdown
# ("- - x" nests a list, "- !!! note" opens an admonition, "- ---" draws a rule), and so is a
# template's line that begins with a value. Besides the characters escaped everywhere, these
# open a block there: ``-``, ``!!!``, ``???``, ``///`` (pymdownx.blocks), ``1.`` and indentation.
_LINE_START = re.compile(r"([-!?/])|\d+([.)])")
# Attribute values need the quotes escaped as well.
_ATTR_ESCAPES = {**_ESCAPES, ord('"'): "&#34;", ord("'"): "&#39;"}


# Text without any of these characters has no inline Markdown and no HTML in it: the whole
# pipeline would give back the text itself, escaped. Most spec text is like that, so skipping
# the parser and the sanitiser for it is the main saving of a large playbook's build.
_MARKUP_CHARS = frozenset("*_`[]<>&\\!~\n\r")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" has no tables, no linkify; html=False makes raw HTML plain text.
    parser = MarkdownIt("commonmark", {"html": False})
    parser.add_render_rule("image", _image_as_link)
    return parser


def _image_as_link(self: Any, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    """An image as a link to it, named by its alt text (or its address): an image would make
    every reader's browser call the server it is on, a tracker perhaps. The sanitiser then
    checks the address like any link's. An image inside a link (a badge) is its alt text
    alone: a link in a link would split in two, the words going to the image."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = self.renderInlineAsText(token.children or [], options, env) or src
    if _inside_link(tokens, idx):
        return html.escape(alt, quote=False)
    return f'<a href="{html.escape(src)}">{html.escape(alt, quote=False)}</a>'


def _inside_link(tokens: list[Any], idx: int) -> bool:
    """Whether the inline token at ``idx`` is between a link's opening and its closing."""
    depth = 0
    for token in tokens[:idx]:
        depth += (token.type == "link_open") - (token.type == "link_close")
    return depth > 0


def escape_text(text: str) -> str:
    """Plain text as Markdown-inert HTML text: every significant character as an entity."""
    return text.translate(_ESCAPES)


def line_safe(markdown: str) -> str:
    """Inert Markdown that may start a line (see :data:`_LINE_START`): without its leading
    blanks, and with a first character that would open a block written as an entity."""
    text = markdown.lstrip()
    found = _LINE_START.match(text)
    if found is None:
        return text
    at = found.start(1) if found.group(1) else found.start(2)
    return f"{text[:at]}&#{ord(text[at])};{text[at + 1:]}"


class _Rebuilder(HTMLParser):
    """Re-emits sanitised HTML with its text and attribute values made Markdown-inert."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parts = "".join(f' {k}="{(v or "").translate(_ATTR_ESCAPES)}"' for k, v in attrs)
        self.out.append(f"<{tag}{parts}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape_text(data))


def _sanitise(rendered: str, tags: frozenset[str]) -> str:
    clean = nh3.clean(
        rendered,
        tags=set(tags),
        attributes={k: set(v) for k, v in ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    rebuilder = _Rebuilder()
    rebuilder.feed(clean)
    rebuilder.close()
    return "".join(rebuilder.out)


@lru_cache(maxsize=4096)
def inline(text: object) -> str:
    """Inline Markdown (emphasis, code, http(s)/mailto links) as safe one-line HTML."""
    if text is None:
        return ""
    text = str(text)
    if _MARKUP_CHARS.isdisjoint(text):
        return line_safe(escape_text(text))
    rendered = _parser().renderInline(text)
    # A soft line break inside a table cell would end the row: make it a space.
    return line_safe(_sanitise(rendered.replace("\n", " "), INLINE_TAGS))


@lru_cache(maxsize=1024)
def block(text: object) -> str:
    """Block Markdown (paragraphs, lists, quotes, code) as safe one-line HTML.

    Headings are moved so that the text's highest one is an h3, under the page's h2, and the
    rest keep their distance from it: a spec cannot outrank the page's own outline, and an
    author who starts at ``##`` or ``###`` leaves no gap in it (h2 -> h5) for screen readers.
    """
    if text is None:
        return ""
    tokens = _parser().parse(str(text))
    headings = [t for t in tokens if t.type in ("heading_open", "heading_close")]
    top = min((int(t.tag[1]) for t in headings), default=1)
    for token in headings:
        token.tag = f"h{min(6, int(token.tag[1]) - top + 3)}"
    rendered = _parser().renderer.render(tokens, _parser().options, {})
    # One raw HTML block on one line: Python-Markdown stashes it whole and never parses inside.
    return f'<div class="icp-prose">{_sanitise(rendered, BLOCK_TAGS)}</div>'


def text_only(text: object) -> str:
    """The words of inline Markdown without any markup: for titles, nav labels, alt texts."""
    if text is None:
        return ""
    text = str(text)
    if _MARKUP_CHARS.isdisjoint(text):
        return text.strip()
    rendered = _parser().renderInline(text).replace("\n", " ")
    return html.unescape(nh3.clean(rendered, tags=set()))


def title(text: object) -> str:
    """A page title for front matter: themes put it into ``<title>`` and the nav unescaped."""
    return escape_title(text_only(text))


def escape_title(words: str) -> str:
    """Text without markup (:func:`text_only`) made safe as an unescaped title."""
    return words.translate(_ATTR_ESCAPES)


# Marks an author may have put around a whole quotation themselves.
_QUOTE_MARKS = (('"', '"'), ("\u201c", "\u201d"), ("'", "'"), ("\u2018", "\u2019"),
                ("\u201e", "\u201c"), ("\u00ab", "\u00bb"))
_STRAIGHT_PAIR = re.compile(r'"([^"\n]*)"')
_CODE_SPAN = re.compile(r"(`+[^`]*`+)")


def quote(text: object) -> str:
    """A quotation in curly quotes, as :func:`inline`: quote marks the author put around all
    of it are dropped (no doubled marks), and a quote inside it takes single marks (not in
    `code`, which stays as written)."""
    if text is None:
        return ""
    words = str(text).strip()
    for opening, closing in _QUOTE_MARKS:
        inside = words[len(opening):-len(closing)]
        if len(words) > 2 and words.startswith(opening) and words.endswith(closing) and \
                opening not in inside and closing not in inside:
            words = inside.strip()
            break
    parts = _CODE_SPAN.split(words)  # code spans at the odd places
    parts[::2] = [_STRAIGHT_PAIR.sub("\u2018\\1\u2019", part) for part in parts[::2]]
    return "\u201c" + inline("".join(parts)) + "\u201d"


def inline_list(items: Iterable[object] | None, sep: str = ", ") -> str:
    """Several spec texts on one line, each rendered with :func:`inline`; ``sep`` is ours."""
    return sep.join(inline(item) for item in items or ())


def plain(text: object) -> str:
    """Text shown as it is (no Markdown), e.g. ids and enum values, made inert."""
    return "" if text is None else line_safe(escape_text(str(text)))


def attr(text: object) -> str:
    """A value for an HTML attribute or a link target we build ourselves."""
    return ("" if text is None else str(text)).translate(_ATTR_ESCAPES)


def number(value: float | int | None) -> str:
    """1500 -> "1,500"; 2.5 -> "2.5"; a whole number as the spec wrote it, however large
    (:func:`~icp_docs.spec.models.as_written`)."""
    if value is None:
        return ""
    if isinstance(value, int) or value.is_integer():
        return as_written(value)
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def percent(value: float | None) -> str:
    """A share as people read it: 0.516 -> "52%"; unknown (None) -> "n/a"."""
    return "n/a" if value is None else f"{value:.0%}"


def span(low: float | int | None, high: float | int | None, unit: str = "") -> str:
    """A range as people write it: "200-1,500", "200+", "up to 1,500"."""
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        text = number(low) if low == high else f"{number(low)}-{number(high)}"
    elif low is not None:
        text = f"{number(low)}+"
    elif high is not None:
        text = f"up to {number(high)}"
    else:
        return "any"
    return escape_text(text + suffix)


def money(value: float | int | None, currency: str) -> str:
    """An amount with its currency, in the one compact form of every page: "$40K"
    (:func:`icp_docs.money.money`)."""
    return escape_text(money_text(value, currency))


def money_span(low: float | int | None, high: float | int | None, currency: str) -> str:
    """A money range: "$30M" to "$250M" (an en dash between), "€5M+", "up to $2M"
    (:func:`icp_docs.money.money_range`)."""
    return escape_text(money_range(low, high, currency))


#: Values whose words a seller writes otherwise than the spec's identifiers.
_WORDS = {"closed_won": "Closed-won", "win_loss": "Win/loss", "high_cac": "High CAC"}


def humanize(value: object) -> str:
    """An enum value (or a key the spec wrote) for people: "usage_data" -> "Usage data";
    the rest of the text keeps its case ("ARR_band" -> "ARR band")."""
    text = _WORDS.get(str(value)) or str(value).replace("_", " ").replace("-", " ")
    return escape_text(text[:1].upper() + text[1:])


#: Impact icons on the site: Material's own (a Unicode emoji depends on the reader's fonts,
#: and shows as an empty box without them); coloured by the plugin's stylesheet.
_IMPACT_ICONS = {"breaking": "material-alert-octagon", "targeting": "material-target",
                 "messaging": "material-message-text", "wording": "material-format-text"}


def impact_badge(impact: Any) -> str:
    """A change's impact (:class:`~icp_docs.history.changes.Impact`) as an icon and its
    name, for the site's pages."""
    label = impact.label
    return f":{_IMPACT_ICONS[label]}:{{ .icp-impact .icp-impact--{label} }} **{label}**"


def change_line(change: Any) -> str:
    """One change on a site page: its impact badge, the change in a few words, then what it
    means for sellers (our own words: only escaped)."""
    return (f"{impact_badge(change.impact)} {inline(change.describe('markdown'))} \u2014 "
            f"*{escape_text(change.advice)}*")


def changes_summary(release: Any) -> str:
    """A refresh's summary line (``**7 changes** in 3 segments: 3 breaking, ...``)."""
    # Our own words, numbers and badges only: nothing here comes from a spec.
    return str(release.summary(markdown=True, badge=impact_badge))


def date(value: dt.date | None) -> str:
    """ISO dates, as the specs write them."""
    return "" if value is None else value.isoformat()


def cell(html_text: str) -> str:
    """A table cell never empty (Python-Markdown drops a row's trailing empty cells)."""
    return html_text if html_text.strip() else "—"
