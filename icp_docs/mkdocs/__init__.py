"""The MkDocs adapter: the only code of icp-docs that imports MkDocs (or Material).

:mod:`.plugin` holds the hooks, :mod:`.serving` what ``mkdocs serve`` needs beyond them, and
:mod:`.htmlcache` the Markdown-to-HTML cache of the generated pages. Everything they call is an
engine function that knows no MkDocs (:mod:`icp_docs.lint`, :mod:`icp_docs.render`,
:mod:`icp_docs.history`), so a second engine's adapter would sit beside this folder and build
the same pages, as ``icp-docs render`` does for any Markdown engine.
"""
