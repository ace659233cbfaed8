"""Refresh history from a real git repository: specs at a revision, the change log page in a
real ``mkdocs build``, a shallow clone, and the same story told by ``icp-docs diff``."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import copy_tree
from fixtures.history.repo import REFRESHES, Repo, git, make_repo

from icp_docs.cli import main
from icp_docs.history import changelog
from icp_docs.history.changelog import History, load_history
from icp_docs.history.git import GitError, last_revisions, read_refresh, spec_commits
from icp_docs.history.snapshot import load_revision
from icp_docs.spec.load import Playbook, load_playbook

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return make_repo(tmp_path_factory.mktemp("history") / "repo")


def _current(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> Playbook:
    monkeypatch.chdir(repo.path)
    result = load_playbook("specs")
    assert result.ok and result.playbook is not None
    return result.playbook


def test_refresh_values_and_final_states(repo: Repo) -> None:
    commits = spec_commits(repo.path, "specs")
    assert [c.refresh for c in commits] == ["2026-Q4", "2026-Q3", "2026-Q3", "2026-Q2"]
    assert "README" not in {c.subject for c in commits}  # it did not touch the specs
    history = load_history(load_playbook(repo.path / "specs").playbook)  # type: ignore[arg-type]
    finals = {r.refresh: r.commit for r in history.releases if r.refresh}
    # Q3's final state is the LAST commit with refresh 2026-Q3, not the one that bumped it.
    assert finals == {r: sha[:7] for r, sha in repo.finals.items()}
    assert repo.q3_bump[:7] not in finals.values()


def test_specs_at_a_revision_point_at_their_own_lines(repo: Repo,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo.path)
    old = load_revision(repo.path, repo.finals["2026-Q2"], "specs")
    assert old.ok and old.playbook is not None
    assert [s.id for s in old.playbook.segments] == [
        "multi-entity-close", "agency-close", "usage-billing"]
    segment = old.playbook.segments[0]
    assert segment.source.path == "specs/segments/multi-entity-close.yml"
    assert segment.source.where(("tier",)) == (4, 7)
    with pytest.raises(GitError, match="unknown revision 'no-such-branch'"):
        load_revision(repo.path, "no-such-branch", "specs")


def test_last_revisions(repo: Repo, tmp_path: Path) -> None:
    specs = repo.path / "specs" / "segments"
    new = specs / "draft.yml"
    new.write_text("id: draft\n")
    try:
        found = last_revisions(repo.path, [specs / "multi-entity-close.yml",
                                           specs / "outsourced-close-firms.yml", new])
    finally:
        new.unlink()
    q4 = repo.finals["2026-Q4"][:7]
    assert found == {
        specs / "multi-entity-close.yml": q4,
        specs / "outsourced-close-firms.yml": f"{q4}+modified",  # the unreleased edit
        new: "uncommitted",
    }
    assert last_revisions(tmp_path, [tmp_path / "x.yml"]) == {}


def test_change_log_tells_the_same_story_as_diff(
        repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    history = load_history(_current(repo, monkeypatch))
    assert [r.title for r in history.releases] == ["Unreleased", *reversed(REFRESHES)]
    assert history.warning is None
    pairs = [("HEAD", None), *[(repo.finals[a], repo.finals[b])
                              for a, b in itertools.pairwise(REFRESHES)][::-1]]
    # Unreleased: HEAD vs the working tree; each refresh: the previous final state vs its own.
    for release, (base, head) in zip(history.releases[:-1], pairs, strict=True):
        assert main(["diff", base, *([head] if head else []), "--format", "json"]) == 0
        told = json.loads(capsys.readouterr().out)["changes"]
        assert [c.as_dict() for c in release.changes] == told, release.title
    first = history.releases[-1]
    assert first.note == "The first refresh on record."
    assert {c.kind for c in first.changes} == {"segment-added"}
    # Every change kind shows up in the story.
    kinds = {c.kind for r in history.releases for c in r.changes}
    assert kinds >= {"segment-added", "segment-removed", "segment-renamed", "value-changed",
                     "status-changed", "knockout-changed", "threshold-changed", "item-added",
                     "item-removed", "entries-changed"}


def test_history_is_cached_by_head(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    playbook = _current(repo, monkeypatch)
    load_history(playbook)
    before = changelog.cache_info()
    again = load_history(playbook)
    after = changelog.cache_info()
    assert after == {"hits": before["hits"] + 1, "misses": before["misses"]}
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.path), str(clone))
    (clone / "specs" / "segments" / "billing-ops.yml").write_text(
        (clone / "specs" / "segments" / "pe-rollups.yml").read_text().replace(
            "id: pe-rollups", "id: billing-ops"))
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "2026-Q4: one more segment")
    moved = load_history(load_playbook(clone / "specs").playbook)  # type: ignore[arg-type]
    assert changelog.cache_info()["misses"] == after["misses"] + 1
    q4 = next(r for r in moved.releases if r.refresh == "2026-Q4")
    assert len(q4.changes) == len(next(r for r in again.releases if r.refresh == "2026-Q4")
                                  .changes) + 1  # the new commit belongs to 2026-Q4


def test_outside_git_is_a_warning_not_an_error(tmp_path: Path) -> None:
    copy_tree(Path(__file__).parent / "fixtures" / "history" / "v3" / "specs",
                    tmp_path / "specs")
    history = load_history(load_playbook(tmp_path / "specs").playbook)  # type: ignore[arg-type]
    assert history.releases == ()
    assert history.warning is not None and "is not in a git repository" in history.warning
    assert history.for_segment("multi-entity-close") == []
    # The change log says so, and neither promises refreshes below nor explains their marks.
    from icp_docs.render.pages import render_pages

    book = load_playbook(tmp_path / "specs").playbook
    assert book is not None
    [page] = [p for p in render_pages(book, history=history) if p.kind == "changelog"]
    assert "is not in a git repository" in page.markdown
    assert "Each refresh below" not in page.markdown
    assert "| Impact |" not in page.markdown


def test_a_broken_segment_is_not_reported_as_removed(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.path), str(clone))
    (clone / "specs" / "segments" / "pe-rollups.yml").write_text("id: [unclosed\n")
    git(clone, "commit", "-q", "-am", "A typo")
    good = load_playbook(repo.path / "specs").playbook
    assert good is not None
    history = load_history(Playbook(good.spec, good.source, good.segments, clone / "specs"))
    q4 = next(r for r in history.releases if r.refresh == "2026-Q4")
    assert q4.note == "Not compared, because their spec had errors on one side: pe-rollups."
    assert not any(c.segment == "pe-rollups" for c in q4.changes)


class _Text(HTMLParser):
    """Collects the text of each <li> under each <h2> of the article."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, list[str]] = {}
        self._tag: list[str] = []
        self._buffer: list[str] = []
        self._h2 = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h2", "li"):
            self._tag.append(tag)
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if self._tag and tag == self._tag[-1]:
            self._tag.pop()
            text = " ".join("".join(self._buffer).split())
            if tag == "h2":
                self._h2 = text
                self.sections[text] = []
            elif self._h2:
                self.sections[self._h2].append(text)

    def handle_data(self, data: str) -> None:
        self._buffer.append(data)


def _norm(text: str) -> str:
    text = text.replace("→", "->").replace("¶", "")
    return " ".join(re.sub("['\u201c\u201d]", "", text).split())


def _build(folder: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *extra],
                          cwd=folder, env=ENV, text=True, capture_output=True, check=False)


@pytest.mark.slow
def test_change_log_page_in_a_real_build(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    done = _build(repo.path)
    assert done.returncode == 0, done.stderr
    page = (repo.path / "site" / "playbook" / "changelog" / "index.html").read_text()
    parser = _Text()
    parser.feed(page)
    history = load_history(_current(repo, monkeypatch))
    assert [h for h in parser.sections if h] == [r.title for r in history.releases]
    for release in history.releases:
        shown = [_norm(t) for t in parser.sections[release.title] if t]
        # Each change with what it means for sellers.
        told = [_norm(f"{c.impact.label} {c.describe('text')} — {c.advice}")
                for c in release.changes]
        shown = [re.sub(r"^\W+", "", s) for s in shown]  # the badge's coloured dot
        assert Counter(shown) == Counter(told), release.title
    segment = (repo.path / "site" / "playbook" / "segments" / "multi-entity-close" /
               "index.html").read_text()
    recent = history.for_segment("multi-entity-close")
    assert recent and all(c.segment in (None, "multi-entity-close") for c in recent)
    assert "Changed in the last refresh" in segment
    assert "is no longer a knockout" in segment


@pytest.mark.slow
def test_shallow_clone_builds_with_a_notice(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    done = _build(clone)
    # --strict: the notice is logged at INFO, so it cannot fail a strict build.
    assert done.returncode == 0, done.stderr
    assert re.search(r"INFO\s+-\s+icp: This is a shallow clone", done.stderr)
    page = (clone / "site" / "playbook" / "changelog" / "index.html").read_text()
    assert 'class="admonition warning"' in page and "shallow clone" in page
    parser = _Text()
    parser.feed(page)
    assert [h for h in parser.sections if h] == ["2026-Q4"]
    assert "Earlier history is not in this clone." in page


def test_for_segment_includes_a_changed_default() -> None:
    history = History(())
    assert history.latest is None and history.for_segment("x") == []


@pytest.mark.parametrize(("text", "refresh"), [
    (b"product: x\nrefresh: 2026-Q4\n", "2026-Q4"),
    (b"refresh: '2026-Q1'  # the first\n", "2026-Q1"),
    (b"{product: x, refresh: 2025-Q3}\n", "2025-Q3"),  # flow style: read by the YAML loader
    (b"refresh: next quarter\n", None),
    (None, None),
])
def test_refresh_value_of_a_playbook(text: bytes | None, refresh: str | None) -> None:
    assert read_refresh(text) == refresh


def test_specs_at_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = Path(__file__).parent / "fixtures" / "history"
    root = tmp_path / "playbook"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    for version in ("v1", "v2"):
        shutil.rmtree(root / "segments", ignore_errors=True)
        copy_tree(here / version / "specs", root, dirs_exist_ok=True)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", version)
    monkeypatch.chdir(root)
    history = load_history(load_playbook(".").playbook)  # type: ignore[arg-type]
    assert [r.title for r in history.releases] == ["2026-Q3", "2026-Q2"]
    assert any(c.path == "tier" for c in history.releases[0].changes)
    assert any(c.kind == "segment-renamed" for c in history.releases[0].changes)


def test_forked_workers_read_the_same_history(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Enough changed files for worker processes to parse them (``jobs=2``): the history is
    the same as parsed in one process, and so are the paths and lines of its changes."""
    from icp_docs.history import snapshot
    from icp_docs.spec.parallel import MIN_ITEMS

    sample = Path(__file__).parents[1] / "specs"
    root = tmp_path / "playbook"
    (root / "specs" / "segments").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    originals = sorted((sample / "segments").glob("*.yml"))
    for refresh, tier in (("2026-Q3", "1"), ("2026-Q4", "2")):
        book = (sample / "playbook.yml").read_text()
        (root / "specs" / "playbook.yml").write_text(
            re.sub(r"(?m)^refresh: .*$", f"refresh: {refresh}", book))
        for i in range(MIN_ITEMS + 6):
            text = originals[i % len(originals)].read_text()
            new_id = f"{originals[i % len(originals)].stem}-{i:03d}"
            text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", text, count=1)
            text = re.sub(r"(?m)^tier: \d$", f"tier: {tier}", text, count=1)
            (root / "specs" / "segments" / f"{new_id}.yml").write_text(text)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", refresh)
    monkeypatch.chdir(root)
    playbook = load_playbook("specs").playbook
    assert playbook is not None

    def told(jobs: int) -> list[tuple[str | None, list[dict[str, object]]]]:
        changelog._cache.clear()
        snapshot._parsed.clear()
        history = load_history(playbook, jobs=jobs)
        return [(r.refresh, [c.as_dict() for c in r.changes]) for r in history.releases]

    serial = told(1)
    assert [refresh for refresh, _ in serial] == ["2026-Q4", "2026-Q3"]
    assert sum(c["kind"] == "value-changed" and c["path"] == "tier"  # type: ignore[operator]
               for c in serial[0][1]) >= MIN_ITEMS
    assert told(2) == serial


def test_a_full_cache_of_parsed_files_loses_nothing(repo: Repo,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from icp_docs.history import snapshot

    playbook = _current(repo, monkeypatch)

    def told() -> list[tuple[str | None, list[dict[str, object]]]]:
        changelog._cache.clear()
        history = load_history(playbook)
        return [(r.refresh, [c.as_dict() for c in r.changes]) for r in history.releases]

    snapshot._parsed.clear()
    expected = told()
    # Each refresh shares most files with the next: a cache that keeps two files must evict
    # some that the next refresh reuses, and reading them again must give the same history.
    monkeypatch.setattr(snapshot, "_MAX_CACHED", 2)
    assert told() == expected
    assert len(snapshot._parsed) <= 2


@pytest.mark.slow
def test_history_switched_off_says_so(tmp_path: Path) -> None:
    project = tmp_path / "site-src"
    copy_tree(Path(__file__).resolve().parent / "fixtures" / "history" / "project", project)
    copy_tree(Path(__file__).resolve().parent / "fixtures" / "history" / "v3" / "specs",
              project / "specs")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - icp\n", "  - icp:\n      history: false\n"))
    done = _build(project)
    assert done.returncode == 0, done.stderr
    page = (project / "site" / "playbook" / "changelog" / "index.html").read_text()
    text = _norm(re.sub(r"<[^>]+>", " ", page))
    assert "The refresh history is switched off" in text
    assert "history: false" in text and "shows only the current refresh" in text
    assert "The playbook is at refresh 2026-Q4" in text
    # Nothing that speaks of refreshes "below" or of a record that was never read.
    assert "Each refresh below" not in text and "No earlier refresh" not in text


def test_a_refresh_value_set_back_does_not_reopen_that_refresh(tmp_path: Path) -> None:
    """Q1, Q2, then a commit back at Q1 with a tier change, then Q3: Q1 ends before Q2 starts,
    Q2 lists only its own change, and Q3 holds the tier change and says why."""
    path = tmp_path / "repo"
    copy_tree(Path(__file__).resolve().parent / "fixtures" / "history" / "v1" / "specs",
              path / "specs")
    book = path / "specs" / "playbook.yml"
    seg = path / "specs" / "segments" / "multi-entity-close.yml"
    git(path, "init", "-q", "-b", "main")
    shas = []
    for refresh, edit in (("2026-Q1", None), ("2026-Q2", ("owner: ", "owner: Dana Ortiz; ")),
                          ("2026-Q1", ("tier: 2", "tier: 1")), ("2026-Q3", None)):
        text = re.sub(r"(?m)^refresh: .*$", f"refresh: {refresh}", book.read_text())
        book.write_text(text.replace(*edit) if edit and edit[0] == "owner: " else text)
        if edit and edit[0] == "tier: 2":
            seg.write_text(seg.read_text().replace(*edit))
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", f"refresh {refresh}")
        shas.append(git(path, "rev-parse", "--short", "HEAD"))
    current = load_playbook(path / "specs").playbook
    assert current is not None
    history = load_history(current)
    releases = {r.refresh: r for r in history.releases}
    assert [r.refresh for r in history.releases] == ["2026-Q3", "2026-Q2", "2026-Q1"]
    assert {r: releases[r].commit for r in releases} == {
        "2026-Q1": shas[0], "2026-Q2": shas[1], "2026-Q3": shas[3]}
    assert {c.path for c in releases["2026-Q2"].changes} == {"refresh", "owner"}
    assert "tier" in {c.path for c in releases["2026-Q3"].changes}
    note = releases["2026-Q3"].note or ""
    assert f"Includes commit `{shas[2]}`" in note
    assert "set `refresh` back to 2026-Q1 after 2026-Q2 had started" in note
