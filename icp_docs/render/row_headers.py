"""Row headers for marked tables: a Python-Markdown extension.

A Markdown table has column headers only: every body cell is a ``<td>``, so a screen reader
moving along a row of the customer journey never hears which stage it is in. The generated
pages put the tables whose first column names the row inside an element with the class
:data:`MARK` (``<div class="icp-row-headers" markdown>``); this extension turns the first cell
of each of their body rows into ``<th scope="row">``. Tables outside such an element (those a
site writes in ``docs/``) are left exactly as Python-Markdown made them.

The pages stay plain Markdown, readable by any engine; with Python-Markdown, list
``icp_docs.render.row_headers`` under ``markdown_extensions`` (the ``icp`` MkDocs plugin adds
it by itself). It works on the element tree, never on the HTML text, so nothing in a cell is
read or written again: escaped text stays escaped.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import Any

# MkDocs installs Python-Markdown; the engine itself never imports this module, so
# `icp-docs render` needs no Markdown library.
from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

#: The class that marks an element whose tables have row headers.
MARK = "icp-row-headers"

# Just after the inline processor (20): the cells hold their final content by then. Nothing
# else in the chain looks at whether a cell is a td or a th.
PRIORITY = 19


class RowHeadersProcessor(Treeprocessor):
    """Turns the first body cell of each row of a marked table into a row header."""

    def run(self, root: etree.Element) -> None:
        for marked in root.iter():
            if MARK in (marked.get("class") or "").split():
                for table in marked.iter("table"):
                    _add_row_headers(table)


def _add_row_headers(table: etree.Element) -> None:
    # Body rows only: the header row's cells are column headers already. A table nested in
    # a marked one is reached by the caller's own walk, so one level of rows is enough here.
    for body in table.findall("tbody"):
        for row in body.findall("tr"):
            if len(row) and row[0].tag == "td":
                row[0].tag = "th"
                row[0].set("scope", "row")


class RowHeadersExtension(Extension):
    """``icp_docs.render.row_headers``: row headers in tables inside a :data:`MARK` element."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(RowHeadersProcessor(md), "icp_row_headers", PRIORITY)


def makeExtension(**kwargs: Any) -> RowHeadersExtension:
    """The entry point Python-Markdown calls for ``icp_docs.render.row_headers``."""
    return RowHeadersExtension(**kwargs)
