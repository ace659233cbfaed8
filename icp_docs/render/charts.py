"""Charts of the evidence from data, as static inline SVG made at build time.

No JavaScript and no CDN: the page works offline and prints. The charts are drawn in black,
greys and a hatch (they print in black and white), in a viewBox narrow enough that their
text stays readable on a 390 px phone, and each has a ``<title>`` and ``<desc>`` that a
screen reader announces; the page gives the same figures as a table beside every chart.

Every text that comes from the evidence file (segment labels, knock-out reasons) passes
through :func:`icp_docs.render.filters.escape_text` or :func:`~.filters.attr`: numeric
character references, which neither the browser's HTML parser nor Python-Markdown can read as
markup. The whole chart is one line inside a ``<div>``, a raw HTML block Python-Markdown keeps
as it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from .filters import escape_text, percent

__all__ = ["Bar", "Group", "bars", "percent", "stacked"]

WIDTH = 400  # viewBox units; shown at most 34rem wide, so 13-unit text stays 12-18 px
LABEL_H = 18  # a group's label, on its own line above its bars (long labels need the width)
BAR_H = 14
GAP = 10
FONT = 'font-family="system-ui, sans-serif" font-size="13"'
#: Fills that tell series apart in black and white: solid, hatched, outlined.
FILLS = ("#222", "url(#{hatch})", "#fff")
GREYS = ("#111", "#555", "#999", "#ddd", "#fff")


@dataclass(frozen=True)
class Bar:
    """One bar: its series' name, its length (0 to the chart's top value) and its text."""

    series: str
    value: float
    text: str


@dataclass(frozen=True)
class Group:
    """The bars of one row of a chart (a segment), under its label."""

    label: str
    bars: Sequence[Bar]


def _clip(text: str, limit: int = 48) -> str:
    # The full label is in the table beside the chart; the chart keeps one line per label.
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _uid(title: str) -> str:
    # From the title (unique on its page), not a counter: the same page renders the same
    # bytes on every build, which the HTML cache of serve relies on.
    return "icp-chart-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:10]


def _svg(title: str, desc: str, height: int, body: str) -> str:
    uid = _uid(title)
    # The hatch of the second series: a pattern needs an id unique on the page.
    defs = (f'<defs><pattern id="{uid}-h" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
            '<line x1="0" y1="0" x2="0" y2="6" stroke="#222" stroke-width="3"/></pattern></defs>')
    return (f'<div class="icp-chart"><svg xmlns="http://www.w3.org/2000/svg" role="img" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'style="max-width:34rem;height:auto" aria-labelledby="{uid}-t {uid}-d">'
            f'<title id="{uid}-t">{escape_text(title)}</title>'
            f'<desc id="{uid}-d">{escape_text(desc)}</desc>{defs}'
            # A white ground: the black text and bars stay readable on a dark theme too.
            f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>{body}</svg></div>')


def _legend(series: Sequence[str], fills: Sequence[str], y: int) -> str:
    parts, x = [], 0
    for name, fill in zip(series, fills, strict=False):
        parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{fill}" '
                     f'stroke="#222"/><text x="{x + 17}" y="{y + 11}" {FONT}>'
                     f"{escape_text(name)}</text>")
        x += 24 + 8 * len(name)
    return "".join(parts)


def bars(title: str, desc: str, groups: Sequence[Group], top: float) -> str:
    """Horizontal bars, one group per row (several series side by side), scaled to ``top``."""
    series = list(dict.fromkeys(b.series for g in groups for b in g.bars))
    hatch = _uid(title) + "-h"
    fills = {name: FILLS[i % len(FILLS)].format(hatch=hatch) for i, name in enumerate(series)}
    y = 22 if len(series) > 1 else 0
    body = [_legend(series, [fills[s] for s in series], 0)] if len(series) > 1 else []
    span = WIDTH - 60  # the rest holds the bar's text
    for group in groups:
        body.append(f'<text x="0" y="{y + 13}" {FONT} font-weight="bold">'
                    f"{escape_text(_clip(group.label))}</text>")
        y += LABEL_H
        for bar in group.bars:
            length = 0.0 if top <= 0 else max(0.0, min(1.0, bar.value / top)) * span
            body.append(f'<rect x="0" y="{y}" width="{length:.1f}" height="{BAR_H}" '
                        f'fill="{fills[bar.series]}" stroke="#222">'
                        f"<title>{escape_text(f'{bar.series}: {bar.text}')}</title></rect>"
                        f'<text x="{length + 4:.1f}" y="{y + 12}" {FONT}>'
                        f"{escape_text(bar.text)}</text>")
            y += BAR_H + 2
        y += GAP
    return _svg(title, desc, max(y, 1), "".join(body))


def stacked(title: str, desc: str, rows: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> str:
    """One full-width bar per row, split into its parts (grades A to D), in greys from dark
    to white, each part's name written in it where it fits."""
    names = list(dict.fromkeys(name for _, parts in rows for name, _ in parts))
    fills = {name: GREYS[i % len(GREYS)] for i, name in enumerate(names)}
    body = [_legend(names, [fills[n] for n in names], 0)]
    y = 22
    for label, parts in rows:
        body.append(f'<text x="0" y="{y + 13}" {FONT} font-weight="bold">'
                    f"{escape_text(_clip(label))}</text>")
        y += LABEL_H
        total = sum(count for _, count in parts)
        x = 0.0
        for name, count in parts:
            width = 0.0 if total == 0 else count / total * WIDTH
            if width <= 0:
                continue
            ink = "#fff" if GREYS.index(fills[name]) < 2 else "#111"
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_H + 4}" '
                        f'fill="{fills[name]}" stroke="#222"><title>'
                        f"{escape_text(f'{name}: {count:,}')}</title></rect>")
            if width >= 24:
                body.append(f'<text x="{x + 3:.1f}" y="{y + 14}" {FONT} fill="{ink}">'
                            f"{escape_text(name)}</text>")
            x += width
        y += BAR_H + 4 + GAP
    return _svg(title, desc, y, "".join(body))


