"""The Jinja environment that turns a playbook into Markdown pages.

Templates are looked up in the team's own folder first (default ``overrides/icp/``), then in the
package. Each page kind has a thin ``<kind>.md.jinja`` that only extends
``_base/<kind>.md.jinja``, where the blocks live: a team overrides one block by dropping a
``<kind>.md.jinja`` of its own that extends the same base.

Escaping is deliberate rather than Jinja's HTML autoescape (which knows nothing of Markdown):
every ``{{ ... }}`` output passes through :func:`_inert` unless a filter already made it safe
(the filters return :class:`markupsafe.Markup`). A template that prints a spec value without a
filter therefore shows it as text; it can never inject Markdown or HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..diagnostics import Code, Diagnostic
from ..printing.sheet import TEMPLATE_GLOBALS as PRINT_GLOBALS
from ..spec.layout import display_path
from . import filters

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplateProblem(Exception):
    """A template (usually a team's override) that cannot be loaded or rendered: ``path``
    and ``line`` say where (when known), ``problem`` what."""

    def __init__(self, problem: str, path: str = "", line: int | None = None) -> None:
        self.problem, self.path, self.line = problem, path, line
        # The terminal says what the page says: `path:line:column: error[E019]: problem`.
        super().__init__(self.diagnostic().format() if path else problem)

    def diagnostic(self) -> Diagnostic:
        """The problem as a diagnostic, for a page that shows it."""
        return Diagnostic(self.path or "templates", self.line or 1, 1, Code.TEMPLATE_ERROR, "",
                          self.problem)


def _inert(value: object) -> object:
    if isinstance(value, Markup):
        return value
    return filters.plain(value)


def _safe(fn: Callable[..., str]) -> Callable[..., Markup]:
    def wrapped(*args: Any, **kwargs: Any) -> Markup:
        return Markup(fn(*args, **kwargs))

    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    return wrapped


FILTERS: dict[str, Callable[..., str]] = {
    "inline": filters.inline,
    "inline_list": filters.inline_list,
    "quote": filters.quote,
    "block": filters.block,
    "plain": filters.plain,
    "attr": filters.attr,
    "number": filters.number,
    "percent": filters.percent,
    "span": filters.span,
    "money": filters.money,
    "money_span": filters.money_span,
    "humanize": filters.humanize,
    "date": filters.date,
    "cell": filters.cell,
    "impact_badge": filters.impact_badge,
    "change_line": filters.change_line,
    "changes_summary": filters.changes_summary,
    "title_text": filters.title,
}


def relative(target: str, start_dir: str) -> str:
    """``target`` relative to the folder ``start_dir``; both are clean POSIX paths inside
    the docs folder. (``posixpath.relpath`` asks the OS for the working directory on each
    call, which a large playbook makes a thousand times.)"""
    parts = target.split("/")
    base = [p for p in start_dir.split("/") if p]
    same = 0
    while same < len(base) and same < len(parts) - 1 and parts[same] == base[same]:
        same += 1
    return "/".join([".."] * (len(base) - same) + parts[same:])


@jinja2.pass_context
def _rel(context: jinja2.runtime.Context, target: str) -> Markup:
    """A relative link from the page being rendered (``here``) to another page's source."""
    here = str(context.get("here", ""))
    rel = relative(target, here.rpartition("/")[0])
    return Markup(filters.attr(rel).replace(" ", "%20"))


def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Jinja's per-user cache of compiled templates in the temp folder; none when that
    folder is unsafe or unwritable (Jinja refuses a folder another user owns)."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


def _stamps(templates_dir: str | Path | None) -> tuple[tuple[str, int], ...]:
    """Every template file (the team's and ours) and its mtime: any change, or a new
    override, makes a new environment, so templates need no check on each page."""
    folders = [PACKAGE_TEMPLATES]
    if templates_dir is not None and Path(templates_dir).is_dir():
        folders.insert(0, Path(templates_dir))
    return tuple(sorted((str(p), p.stat().st_mtime_ns)
                        for folder in folders for p in folder.rglob("*") if p.is_file()))


_cache: dict[tuple[str, tuple[tuple[str, int], ...]], jinja2.Environment] = {}


def make_environment(templates_dir: str | Path | None = None) -> jinja2.Environment:
    """The environment: the team's templates (if the folder exists) first, then ours.

    Environments are reused while the team's templates stay the same, so that ``mkdocs
    serve`` does not compile every template again on each edit of a spec.
    """
    key = (str(templates_dir), _stamps(templates_dir))
    env = _cache.get(key)
    if env is None:
        if len(_cache) > 8:
            _cache.clear()
        env = _cache[key] = _new_environment(templates_dir)
    return env


def _new_environment(templates_dir: str | Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None and Path(templates_dir).is_dir():
        loaders.append(jinja2.FileSystemLoader(str(templates_dir)))
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # Markdown, not HTML: see _inert and the module docstring.
        finalize=_inert,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # make_environment already made a new one if a file changed
        # Compiled templates are kept (per user, in the temp folder, keyed by each template's
        # checksum) so a build does not spend its first fraction of a second compiling them.
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update({name: _safe(fn) for name, fn in FILTERS.items()})
    env.globals["rel"] = _rel
    env.globals.update(PRINT_GLOBALS)  # the printed checklist's facts: icp_docs.printing
    return env


def render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    """Render one template; a broken template becomes a :class:`TemplateProblem` naming
    the file and line, never a traceback."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"template syntax error: {exc.message}",
                              _shown(exc.filename) if exc.filename else str(exc.name),
                              exc.lineno) from exc
    except jinja2.TemplateNotFound as exc:
        # Where the missing name was written (an override's `{% extends %}` or `{% include %}`)
        # is the file to open, not the folder it was looked for in.
        raise TemplateProblem(f"template not found: {exc.name}", *_where(exc, name)) from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"template error: {exc}", *_where(exc, name)) from exc
    except Exception as exc:  # `{{ 1/0 }}` in an override is its author's error too
        raise TemplateProblem(f"template error: {type(exc).__name__}: {exc}",
                              *_where(exc, name)) from exc


def _where(exc: BaseException, name: str) -> tuple[str, int | None]:
    """The innermost template frame of a rendering error: file and line."""
    tb = exc.__traceback__
    found: tuple[str, int | None] = (name, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".jinja"):
            found = (_shown(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found


def _shown(filename: str) -> str:
    # As every other path the tools print: relative to the working directory when inside it.
    return display_path(Path(filename))
