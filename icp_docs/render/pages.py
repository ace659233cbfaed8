"""Playbook -> Markdown pages: a pure function, no MkDocs.

:func:`render_pages` returns every page of the playbook site as a :class:`Page` (source path
under the docs folder, Markdown, title, and the YAML file it came from). The paths are chosen
so that with ``use_directory_urls`` the URLs are exactly the contract's::

    <prefix>/index.md                                  -> <prefix>/
    <prefix>/segments/index.md                         -> <prefix>/segments/
    <prefix>/segments/<id>/index.md                    -> <prefix>/segments/<id>/
    <prefix>/segments/<id>/personas/<persona>/index.md -> .../personas/<persona>/
    <prefix>/segments/<id>/checklist.md                -> <prefix>/segments/<id>/checklist/
    <prefix>/checklists.md, anti-icp.md, journey.md, changelog.md, fit.md
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

import jinja2

from ..data.evidence_file import Evidence
from ..diagnostics import Code, Diagnostic
from ..spec.load import Playbook, Segment
from ..spec.models import SLUG_PATTERN, Trigger
from . import filters
from .environment import make_environment, render
from .fit import fit_context, segment_data_context

__all__ = ["Page", "Paths", "render_pages", "render_problem_pages", "stand_ins"]


class History(Protocol):
    """What the change log and the segment pages need from the history of the specs."""

    # Read-only: the history the command and the plugin pass in is frozen.
    @property
    def releases(self) -> Sequence[Any]: ...

    @property
    def warning(self) -> str | None: ...

    def for_segment(self, segment_id: str) -> Sequence[Any]: ...


#: Page kinds left out of the site search (Material's ``search.exclude``): the printable pack
#: repeats every segment's checklist, which would answer each search a second time.
NOT_SEARCHED = frozenset({"checklists"})


@dataclass(frozen=True)
class Page:
    """One generated page. ``path`` is relative to the docs folder, POSIX style."""

    path: str
    markdown: str
    title: str
    source: Path | None
    kind: str = ""
    segment: str | None = None
    in_nav: bool = False


@dataclass(frozen=True)
class Paths:
    """Where each page lives, for a given prefix (``""`` puts the playbook at the root)."""

    prefix: str = "playbook"

    def _join(self, rest: str) -> str:
        return f"{self.prefix}/{rest}" if self.prefix else rest

    def overview(self) -> str:
        return self._join("index.md")

    def segments(self) -> str:
        return self._join("segments/index.md")

    def segment(self, segment_id: str) -> str:
        return self._join(f"segments/{segment_id}/index.md")

    def persona(self, segment_id: str, persona_id: str) -> str:
        return self._join(f"segments/{segment_id}/personas/{persona_id}/index.md")

    def checklist(self, segment_id: str) -> str:
        return self._join(f"segments/{segment_id}/checklist.md")

    def checklists(self) -> str:
        return self._join("checklists.md")

    def anti_icp(self) -> str:
        return self._join("anti-icp.md")

    def journey(self) -> str:
        return self._join("journey.md")

    def changelog(self) -> str:
        return self._join("changelog.md")

    def fit(self) -> str:
        return self._join("fit.md")


def normalise_prefix(prefix: str) -> str:
    """``/playbook/`` -> ``playbook``; refuses ``..`` and empty parts (pages stay in docs)."""
    parts = [p for p in prefix.replace("\\", "/").strip("/").split("/") if p]
    if any(p in (".", "..") for p in parts):
        raise ValueError(f"prefix {prefix!r} must stay inside the docs folder")
    return "/".join(parts)


def sorted_triggers(triggers: Iterable[Trigger]) -> list[Trigger]:
    """Strong triggers first, then the shortest window (the most urgent) first."""
    return sorted(triggers, key=lambda t: t.urgency)


@dataclass(frozen=True)
class _Renderer:
    playbook: Playbook
    env: jinja2.Environment
    paths: Paths
    history: History | None
    revisions: Mapping[str, str]
    evidence: Evidence | None = None

    def context(self, here: str, **extra: Any) -> dict[str, Any]:
        book = self.playbook.spec
        return {
            "playbook": self.playbook, "book": book, "paths": self.paths, "here": here,
            "history": self.history, "revisions": self.revisions, "refresh": book.refresh,
            "currency": book.currency, **extra,
        }

    def page(self, kind: str, path: str, title: str, source: Path | None, *,
             segment_id: str | None = None, in_nav: bool = False, **extra: Any) -> Page:
        markdown = render(self.env, f"{kind}.md.jinja", self.context(path, **extra))
        return Page(path, _front_matter(title, searched=kind not in NOT_SEARCHED) + markdown,
                    filters.text_only(title), source, kind, segment_id, in_nav)

    def segment_context(self, segment: Segment) -> dict[str, Any]:
        spec = segment.spec
        strong_at, disqualify_below = self.playbook.thresholds(spec)
        return {
            "segment": segment, "spec": spec, "strong_at": strong_at,
            "disqualify_below": disqualify_below, "triggers": sorted_triggers(spec.triggers),
            "revision": self.revisions.get(spec.id),
            "recent": list(self.history.for_segment(spec.id)) if self.history else [],
            "last_refresh": last_refresh(self.history, spec.id, self.playbook.spec.refresh),
            "data": segment_data_context(spec, self.evidence),
        }


def last_refresh(history: History | None, segment_id: str, current: str) -> str:
    """The refresh in which a segment last changed ("unreleased" for work not yet in a
    refresh); a segment no recorded refresh touched dates from the oldest one on record."""
    if history is None or not history.releases:
        return current
    for release in history.releases:
        if any(getattr(c, "segment", None) == segment_id for c in release.changes):
            return str(release.refresh) if release.refresh else "unreleased"
    oldest = history.releases[-1].refresh
    return str(oldest) if oldest else current


def render_pages(playbook: Playbook, *, prefix: str = "playbook",
                 templates_dir: str | Path | None = None, history: History | None = None,
                 revisions: Mapping[str, str] | None = None,
                 broken: Mapping[str, Sequence[Diagnostic]] | None = None,
                 evidence: Evidence | None = None) -> list[Page]:
    """Every page of the playbook site, in a stable order.

    ``broken`` (segment file stem -> its errors) adds a page for each segment that failed to
    load, showing the problems instead of stale content. ``history`` feeds the change log and
    each segment's "last refresh" block; ``revisions`` maps segment ids to the short revision
    of their spec, shown in the checklist footers; ``evidence`` (an ``icp-docs evidence``
    file) puts the figures from data on the segment pages and the fit report.
    """
    env = make_environment(templates_dir)
    paths = Paths(normalise_prefix(prefix))
    r = _Renderer(playbook, env, paths, history, revisions or {}, evidence)
    book_file = playbook.source.file
    broken_list = _broken(broken or {}, playbook.segments, playbook.root / "segments")
    rows = [(s, r.segment_context(s)) for s in playbook.segments]
    pages = [
        r.page("overview", paths.overview(), playbook.spec.product, book_file, in_nav=True,
               rows=rows, broken=broken_list),
        r.page("segments", paths.segments(), "Segments", book_file, in_nav=True, rows=rows,
               broken=broken_list),
    ]
    for segment, ctx in rows:
        pages += _segment_pages(r, segment, ctx)
    pages.append(r.page("checklists", paths.checklists(), "Qualification checklists",
                        book_file, in_nav=True, rows=rows, broken=broken_list))
    pages.append(r.page("anti_icp", paths.anti_icp(), "Anti-ICP", book_file, in_nav=True,
                        rows=rows, broken=broken_list))
    pages.append(r.page("journey", paths.journey(), "Customer journey", book_file, in_nav=True,
                        rows=rows, broken=broken_list))
    pages.append(r.page("changelog", paths.changelog(), "Change log", book_file, in_nav=True,
                        rows=rows))
    pages.append(r.page("fit", paths.fit(), "Fit report", book_file, in_nav=True, rows=rows,
                        fit=fit_context(playbook.segments, evidence)))
    pages += [_broken_page(r, stem, problems, file) for stem, problems, file in broken_list]
    return pages


def _segment_pages(r: _Renderer, segment: Segment, ctx: dict[str, Any]) -> list[Page]:
    spec, file = segment.spec, segment.source.file
    pages = [r.page("segment", r.paths.segment(spec.id), spec.label, file, segment_id=spec.id,
                    **ctx)]
    for persona in spec.personas:
        pages.append(r.page("persona", r.paths.persona(spec.id, persona.id), persona.title,
                            file, segment_id=spec.id, persona=persona, **ctx))
    pages.append(r.page("checklist", r.paths.checklist(spec.id),
                        f"Checklist: {spec.label}", file, segment_id=spec.id, standalone=True,
                        **ctx))
    return pages


def _broken(broken: Mapping[str, Sequence[Diagnostic]], valid: Sequence[Segment],
            folder: Path) -> list[tuple[str, list[Diagnostic], Path | None]]:
    """Broken segments that can have a page: the stem must be a usable id, not a valid one's."""
    taken = {s.id for s in valid}
    found = []
    for stem, problems in sorted(broken.items()):
        if re.fullmatch(SLUG_PATTERN, stem) and stem not in taken and problems:
            file = next((f for f in (folder / f"{stem}.yml", folder / f"{stem}.yaml")
                         if f.is_file()), None)
            found.append((stem, list(problems), file))
    return found


def _file_of(problems: Sequence[Diagnostic]) -> Path | None:
    # Diagnostics carry the path as shown to the user (relative to the working directory).
    return Path(problems[0].path).resolve() if problems else None


def _broken_page(r: _Renderer, stem: str, problems: list[Diagnostic],
                 file: Path | None) -> Page:
    return r.page("broken", r.paths.segment(stem), f"{stem}: this segment has errors",
                  file, segment_id=stem, stem=stem, problems=problems)


def render_problem_pages(diagnostics: Sequence[Diagnostic], *, prefix: str = "playbook",
                         templates_dir: str | Path | None = None) -> list[Page]:
    """When ``playbook.yml`` itself cannot be used, or a template cannot be rendered (pass
    ``templates_dir=None`` then): an overview page that shows why."""
    env = make_environment(templates_dir)
    paths = Paths(normalise_prefix(prefix))
    errors = [d for d in diagnostics if d.severity == "error"]
    here = paths.overview()
    markdown = render(env, "broken.md.jinja", {
        "here": here, "paths": paths, "stem": None, "problems": errors,
    })
    template = any(d.code is Code.TEMPLATE_ERROR for d in errors)
    title = "A page template has errors" if template else "The playbook has errors"
    return [Page(here, _front_matter(title) + markdown, title, _file_of(errors), "broken",
                 None, True)]


def stand_ins(previous: Sequence[Page], current: Sequence[Page]) -> list[Page]:
    """Pages that existed before an invalid edit and would now vanish (a persona of a broken
    segment, every page when playbook.yml breaks): each shows its segment's problem page, or
    the overview's, so an author's open tab shows the error instead of a 404 or stale text."""
    now = {p.path for p in current}
    by_segment = {p.segment: p for p in current if p.kind == "broken" and p.segment}
    fallback = next((p for p in current if p.kind == "broken" and p.segment is None), None)
    found = []
    for old in previous:
        if old.path in now:
            continue
        problem = by_segment.get(old.segment) if old.segment else None
        problem = problem or fallback
        if problem is not None:
            found.append(replace(problem, path=old.path, in_nav=False))
    return found


def _front_matter(title: str, *, searched: bool = True) -> str:
    # The title is given as front matter because themes print ``page.meta.title`` and the
    # nav titles unescaped: ours is entity-escaped text, so no spec can close the <title>.
    search = "" if searched else "search:\n  exclude: true\n"
    return f"---\ntitle: {json.dumps(filters.title(title))}\n{search}---\n\n"
