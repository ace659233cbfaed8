"""The MkDocs plugin ``icp``: the playbook pages as generated files, nothing written to disk.

A thin adapter: loading and linting live in :mod:`icp_docs.lint`, the pages in
:mod:`icp_docs.render.pages`, every decision in :mod:`icp_docs.render.site`. The hooks only
pass data between MkDocs and those functions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel, file_sort_key
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkPage
from mkdocs.utils import nest_paths

from ..data.evidence_file import Evidence, EvidenceError, load_evidence
from ..diagnostics import Code, Diagnostic, summary
from ..lint import check
from ..printing import assets as print_assets
from ..render import filters, site
from ..render.environment import TemplateProblem, bytecode_cache
from ..render.pages import (
    Page,
    normalise_prefix,
    render_pages,
    render_problem_pages,
    stand_ins,
)
from ..spec.load import LoadResult, Playbook, SpecCache
from ..spec.parallel import usable_jobs
from .htmlcache import RenderCache
from .serving import DirtySearch, NativeWatch

if TYPE_CHECKING:
    from ..history.remote import RepoLink

log = logging.getLogger("mkdocs.plugins.icp")


class _Prefix(c.Type[str]):
    """The pages' folder inside docs: refused as MkDocs refuses its own bad options, before
    any build (``../out`` was a traceback)."""

    def run_validation(self, value: object) -> str:
        value = super().run_validation(value)
        try:
            normalise_prefix(value)
        except ValueError as exc:
            raise base.ValidationError(str(exc)) from exc
        return value


class IcpConfig(base.Config):  # type: ignore[no-untyped-call]
    """The plugin's options in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=True)
    specs_dir = c.Type(str, default="specs")
    prefix = _Prefix(str, default="playbook")
    templates = c.Type(str, default=site.DEFAULT_TEMPLATES)
    strict = c.Type(bool, default=False)
    lint_disable = c.ListOfItems(c.Type(str), default=[])
    noindex = c.Type(bool, default=True)
    nav = c.Type(bool, default=True)
    nav_title = c.Type(str, default="Playbook")
    history = c.Type(bool, default=True)
    parallel = c.Type(bool, default=True)
    #: An `icp-docs evidence` file (relative to mkdocs.yml): figures from data on the pages.
    evidence = c.Optional(c.Type(str))


class IcpPlugin(BasePlugin[IcpConfig]):  # type: ignore[no-untyped-call]
    """Adds the playbook pages (see :func:`icp_docs.render.pages.render_pages`)."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.serving = False
        self.cache = SpecCache()  # kept across serve rebuilds: only changed files re-parse
        self.previous: list[Page] = []
        self.generated: dict[str, str] = {}  # src_uri -> title, of the generated pages
        self.outputs: dict[str, str] = {}  # src_uri -> dest_uri of those (serve --dirty)
        self.scratch: site.Scratch | None = None
        self.renders = RenderCache()  # each generated page's HTML (kept across serve rebuilds)
        self.watcher = NativeWatch()
        self.automatic_nav = False  # mkdocs.yml has no nav: on_files makes one
        self.made_nav: list[Any] | None = None  # ... this one (serve may hand it back)
        self.search = DirtySearch()  # serve --dirty: the index of pages not rebuilt
        self.page_urls: list[str] = []  # every page of the site, in the files' order
        # The docs folder's repository link, asked of git once, not on every serve rebuild.
        self.repo_links: dict[str, RepoLink | None] = {}
        self.said: set[str] = set()  # configuration warnings logged already (serve reloads)

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"],
                   dirty: bool) -> None:
        # Defining on_startup also keeps this instance (and its cache) across serve rebuilds.
        self.serving = command == "serve"
        if self.serving and dirty:
            self.scratch = site.Scratch()

    def on_shutdown(self) -> None:
        self.watcher.stop()
        if self.scratch is not None:
            self.scratch.remove()

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self.renders.start()
        self.search.start()

    def _root(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path or ".").resolve().parent

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        root = self._root(config)
        # Before the build empties site_dir (which MkDocs does after on_config).
        problem = site.clobbered_by_site(Path(config.site_dir), {
            "specs folder": root / self.config.specs_dir,
            "templates folder": root / self.config.templates})
        if problem is not None:
            raise PluginError(f"icp: {problem}")
        missing = site.missing_templates(root / self.config.templates, self.config.templates)
        if missing is not None and missing not in self.said:  # once, not on every reload
            self.said.add(missing)
            log.warning("icp: %s", missing)
        for name, settings in site.missing_extensions(config.markdown_extensions,
                                                      config.mdx_configs).items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
            config.mdx_configs[name] = settings
        _material_icons(config)
        _link_repository(config, self.repo_links)
        print_assets.add_to_config(config.extra_css, config.extra_javascript)
        if config.nav is not None and self.config.nav:
            prefix = self.config.prefix.strip("/")
            if not site.mentions_prefix(config.nav, prefix):
                config.nav.append({self.config.nav_title: site.nav_paths(prefix)})
        # Without a nav in mkdocs.yml, MkDocs would list the playbook's pages by file name;
        # on_files writes the nav MkDocs would make, with the playbook's section in order.
        self.automatic_nav = self.config.nav and (config.nav is None or
                                                  config.nav is self.made_nav)
        return config

    # After other plugins' on_files (the default priority is 0), so that a plugin that
    # filters files cannot drop pages it never saw; before the nav is built, which needs them.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        pages = self._pages(config)
        for page in pages:
            if files.get_file_from_path(page.path) is not None:
                raise PluginError(f"icp: {page.path} exists in {config.docs_dir}; the "
                                  "playbook pages are generated, remove it or change 'prefix'")
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            if self.scratch is None:
                file = File.generated(config, page.path, content=page.markdown,
                                      inclusion=inclusion)
            else:  # serve --dirty: unchanged pages keep their file time and are not rebuilt
                source = str(self.scratch.put(page.path, page.markdown))
                file = File.generated(config, page.path, abs_src_path=source,
                                      inclusion=inclusion)
            if page.source is not None:
                file.edit_uri = site.edit_path(page.source, Path(config.docs_dir))
            files.append(file)
        have = {f.src_uri for f in files}
        for uri, src in print_assets.files_to_add(have).items():
            files.append(File.generated(config, uri, abs_src_path=str(src)))
        self.generated = {p.path: p.title for p in pages}
        if self.scratch is not None:
            self._remove_gone_pages(files, Path(config.site_dir))
        if self.automatic_nav:
            config.nav = self.made_nav = self._automatic_nav(files)
        return files

    def _remove_gone_pages(self, files: Files, site_dir: Path) -> None:
        """serve --dirty: the HTML of a page generated last time and not now is deleted (a
        dirty build keeps every old file), so a removed persona's address says 404."""
        outputs = {f.src_uri: f.dest_uri for f in files if f.src_uri in self.generated}
        kept = set(outputs.values())
        site.remove_outputs(site_dir, (dest for uri, dest in self.outputs.items()
                                       if uri not in outputs and dest not in kept))
        self.outputs = outputs

    def _automatic_nav(self, files: Files) -> list[Any]:
        """MkDocs's own nav of the docs folder's pages, then the playbook's section."""
        # MkDocs leaves these two untyped.
        theirs = sorted((f for f in files.documentation_pages()
                         if f.inclusion.is_in_nav()  # type: ignore[no-untyped-call]
                         and f.src_uri not in self.generated), key=file_sort_key)
        nav: list[Any] = nest_paths(f.src_uri for f in theirs)  # type: ignore[no-untyped-call]
        prefix = self.config.prefix.strip("/")
        ours = site.nav_paths(prefix)
        # Pages of the docs folder in the playbook's folder (docs/playbook/notes.md) make a
        # section of their own: the playbook's pages go first in it, not in a second one.
        section = _section_of(nav, prefix + "/")
        if section is None:
            return [*nav, {self.config.nav_title: ours}]
        [(_, children)] = section.items()  # MkDocs names it after the folder: "Icp"
        section.clear()
        section[self.config.nav_title] = [*ours, *children]
        return nav

    # Last: the pages handed to the helper process are final once every plugin saw the nav.
    @event_priority(-100)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        # A page's title is known once MkDocs has read it, and `mkdocs serve --dirty` reads
        # only the pages an edit changed: the nav of the others would say "None". Ours are
        # known now; a title the site's nav gives stays.
        for page in nav.pages:
            if page.title is None and page.file.src_uri in self.generated:
                page.title = filters.escape_title(self.generated[page.file.src_uri])
        if self.config.parallel and not self.serving:  # a one-off build: a second core helps
            self.renders.prerender([f.src_uri for f in files.documentation_pages()
                                    if f.src_uri in self.generated], config, files)
        self.page_urls = [f.page.url for f in files.documentation_pages() if f.page is not None]
        return nav

    # Last: after the search plugin has indexed the page.
    @event_priority(-100)
    def on_page_context(self, context: Any, *, page: MkPage, config: MkDocsConfig,
                        nav: Navigation) -> Any:
        if self.scratch is not None:  # serve --dirty: see on_post_build
            self.search.rendered(page.url)
        return context

    # Last: after the search plugin has written its index.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        log.debug("icp: %d generated pages converted, %d taken as converted before",
                  self.renders.misses, self.renders.hits)
        self.renders.stop()
        if self.scratch is not None:  # serve --dirty
            self.search.complete(config.site_dir, self.page_urls)

    def on_build_error(self, *, error: Exception) -> None:
        self.renders.stop()

    def _evidence(self, root: Path) -> Evidence | None:
        """The evidence file the ``evidence`` option names, read again on every build."""
        if not self.config.evidence:
            return None
        return load_evidence(root / self.config.evidence, shown=self.config.evidence)

    def _pages(self, config: MkDocsConfig) -> list[Page]:
        root = self._root(config)
        try:
            evidence = self._evidence(root)
        except EvidenceError as exc:
            if not self.serving:
                raise PluginError(f"icp: evidence: {exc}") from None
            # As for a broken template: the site keeps building and shows why.
            problem = Diagnostic(exc.path, exc.line, 1, Code.BAD_EVIDENCE, "evidence",
                                 "; ".join(exc.problems))
            log.error("%s", problem.format())
            return self._standing(render_problem_pages([problem], prefix=self.config.prefix))
        strict = self.config.strict or bool(config.strict)
        result = check(root / self.config.specs_dir, disable=self.config.lint_disable,
                       cache=self.cache, jobs=self._jobs(), evidence=evidence)
        for level, line in site.report_levels(result.diagnostics, strict=strict):
            log.log(level, line)
        if not self.serving and site.fails(result.diagnostics, strict=self.config.strict):
            raise PluginError(_failure(result.diagnostics, strict=self.config.strict))
        templates = root / self.config.templates
        try:
            pages = self._render(result, templates, evidence)
        except TemplateProblem as exc:
            if not self.serving:
                raise PluginError(f"icp: {exc}") from None
            # While authoring, the site keeps building and its pages show the mistake, as for
            # a spec (a failed build would leave every page waiting until it is fixed).
            # The line begins with its file:line:column, as a spec's problems do, so that an
            # editor's or CI's problem matcher reads it the same way.
            log.error("%s", exc.diagnostic().format())
            pages = render_problem_pages([exc.diagnostic()], prefix=self.config.prefix)
        return self._standing(pages)

    def _standing(self, pages: list[Page]) -> list[Page]:
        """The pages, and while serving a stand-in for each page of the last good build that
        they lack (it shows the problem instead of a 404)."""
        stood = stand_ins(self.previous, pages) if self.serving else []
        # The last good page of every address, those a stand-in covers now included: after a
        # second bad save the stand-ins must still know the pages they stand for.
        covered = {p.path for p in stood}
        self.previous = [p for p in pages if p.kind != "broken"] + \
            [p for p in self.previous if p.path in covered]
        return pages + stood

    def _jobs(self) -> int:
        # A build may fork workers for large folders; serve keeps to one process (its
        # server thread makes forking unsafe, and a reload re-reads only changed files).
        return usable_jobs() if self.config.parallel and not self.serving else 1

    def _render(self, result: LoadResult, templates: Path,
                evidence: Evidence | None) -> list[Page]:
        prefix = self.config.prefix
        if result.playbook is None:
            return render_problem_pages(result.diagnostics, prefix=prefix,
                                        templates_dir=templates)
        history, revisions = (None, None)
        if self.config.history:
            history, revisions = _history(result.playbook, self._jobs())
        return render_pages(result.playbook, prefix=prefix, templates_dir=templates,
                            history=history, revisions=revisions, broken=result.broken,
                            evidence=evidence)

    # Last, so that the cache is keyed by the Markdown every other plugin has finished with.
    @event_priority(-100)
    def on_page_markdown(self, markdown: str, *, page: MkPage, config: MkDocsConfig,
                         files: Files) -> str | None:
        if (self.serving or self.renders.helping) and page.file.src_uri in self.generated:
            return self.renders.before(markdown, page, config, files)
        return markdown

    # First, so that every other plugin sees the page's real HTML.
    @event_priority(100)
    def on_page_content(self, html: str, *, page: MkPage, config: MkDocsConfig,
                        files: Files) -> str | None:
        return self.renders.after(html, page)

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig,
               files: Files) -> jinja2.Environment | None:
        # MkDocs compiles the theme's templates again on every build, and on every reload of
        # `mkdocs serve`; with Jinja's bytecode cache (keyed by each template's checksum) that
        # is done once per machine instead.
        if self.config.enabled and env.bytecode_cache is None:
            env.bytecode_cache = bytecode_cache()
        return env

    # Last (after other plugins' on_post_page) so that the robots tag lands in the final
    # HTML, whatever the theme or a minifier did before.
    @event_priority(-100)
    def on_post_page(self, output: str, *, page: MkPage, config: MkDocsConfig) -> str | None:
        if self.config.enabled and self.config.noindex and page.file.src_uri in self.generated:
            return site.add_robots(output)
        return output

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig,
                 builder: Any) -> LiveReloadServer | None:
        if not self.config.enabled:
            return server
        root = self._root(config)
        # Both, existing or not: a templates folder made while serving is watched from then.
        folders = [str(root / self.config.specs_dir), str(root / self.config.templates)]
        if self.config.evidence:
            folders += site.evidence_folder(root / self.config.evidence, root)
        self.watcher.watch(server, folders, root / self.config.specs_dir
                           if self.config.history else None)
        return server


def _link_repository(config: MkDocsConfig, known: dict[str, RepoLink | None]) -> None:
    """Without a ``repo_url`` in mkdocs.yml, the repository the docs are kept in, from its
    ``origin`` remote (:func:`icp_docs.history.remote.repo_link`, remembered in ``known``):
    MkDocs derived its ``repo_name`` and ``edit_uri`` from the ``repo_url`` before this hook,
    so they are set here too, each only when mkdocs.yml leaves it out."""
    if config.repo_url is not None:
        return
    from ..history.remote import repo_link  # git only for a site that names no repository

    if config.docs_dir not in known:
        known[config.docs_dir] = repo_link(Path(config.docs_dir))
    link = known[config.docs_dir]
    if link is None:
        return
    config.repo_url = link.repo_url
    if config.repo_name is None:
        config.repo_name = link.repo_name
    if config.edit_uri is None and config.edit_uri_template is None:
        config.edit_uri = link.edit_uri


def _material_icons(config: MkDocsConfig) -> None:
    """Material's icons (``:material-check:``) in the generated pages, when the theme is
    Material and the site has not set up the emoji extension itself."""
    if config.theme.name != "material" or "pymdownx.emoji" in config.markdown_extensions:
        return
    try:
        from material.extensions import emoji  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - Material ships it
        return
    config.markdown_extensions.append("pymdownx.emoji")
    config.mdx_configs["pymdownx.emoji"] = {
        "emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg,
    }


def _section_of(nav: list[Any], folder: str) -> dict[str, Any] | None:
    """The innermost nav section (``{title: entries}``) holding only pages inside folder."""
    for item in nav:
        if isinstance(item, dict) and _all_under(item, folder):
            [children] = item.values()
            if isinstance(children, list):
                return _section_of(children, folder) or item
    return None


def _all_under(item: Any, folder: str) -> bool:
    """Whether every page of a nav entry (a path, or a section of them) is inside folder."""
    if isinstance(item, str):
        return item.startswith(folder)
    if isinstance(item, dict):
        return all(_all_under(child, folder) for value in item.values()
                   for child in (value if isinstance(value, list) else [value]))
    return False


def _failure(diagnostics: list[Diagnostic], *, strict: bool) -> str:
    # Each problem has been logged on its own line just before: name them, do not repeat.
    failing = [d for d in diagnostics if strict or d.severity == "error"]
    return f"icp: the specs have {summary(failing)} (listed above); the build stops"


def _history(playbook: Playbook, jobs: int) -> tuple[Any, dict[str, str] | None]:
    """The change history and each segment's last revision, from git, when available."""
    # Imported here: git and the diff engine are needed only once the specs have loaded.
    from ..history.changelog import load_history
    from ..history.git import last_revisions

    history = load_history(playbook, jobs=jobs)
    if history.warning:
        # INFO, not WARNING: a shallow CI clone must not fail `mkdocs build --strict`;
        # the change log page shows the same notice as an admonition.
        log.info("icp: %s", history.warning)
    files = {s.source.file: s.id for s in playbook.segments}
    found = last_revisions(playbook.root, list(files))
    revisions = {files[f]: rev for f, rev in found.items() if f in files}
    return history, revisions
