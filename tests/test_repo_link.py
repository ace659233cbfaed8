"""The site links to its repository only when there is one to link to: ``repo_url`` and the
edit links come from the ``origin`` remote of the git repository the docs are kept in (GitHub,
GitLab, Bitbucket, https or SSH), or from mkdocs.yml; never from an invented address.

Real git repositories and real ``mkdocs build`` runs of the repository's own project.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_tree, mkdocs_build

from icp_docs.history.remote import HOSTS, RepoLink, edit_uri, repo_link, web_url
from icp_docs.printing.browser import Printer, serve

GITHUB = "https://github.com/ledgerline/revops-playbook"


@pytest.mark.parametrize(("remote", "url"), [
    ("https://github.com/ledgerline/revops-playbook.git", GITHUB),
    ("https://github.com/ledgerline/revops-playbook", GITHUB),
    ("https://github.com/ledgerline/revops-playbook/", GITHUB),
    ("http://github.com/ledgerline/revops-playbook.git", GITHUB),
    ("https://GitHub.com/ledgerline/revops-playbook.git\n", GITHUB),
    ("https://www.github.com/ledgerline/revops-playbook", GITHUB),
    # A token or user name in the remote never reaches the site.
    ("https://x-access-token:ghs_SECRET@github.com/ledgerline/revops-playbook.git", GITHUB),
    ("git@github.com:ledgerline/revops-playbook.git", GITHUB),
    ("github.com:ledgerline/revops-playbook", GITHUB),
    ("ssh://git@github.com/ledgerline/revops-playbook.git", GITHUB),
    ("ssh://git@ssh.github.com:443/ledgerline/revops-playbook.git", GITHUB),
    ("git+ssh://git@github.com/ledgerline/revops-playbook", GITHUB),
    ("git@gitlab.com:acme/revenue/gtm-playbook.git", "https://gitlab.com/acme/revenue/gtm-playbook"),
    ("https://gitlab.com/ledgerline/revops-playbook.git", "https://gitlab.com/ledgerline/revops-playbook"),
    ("git@bitbucket.org:ledgerline/revops-playbook.git", "https://bitbucket.org/ledgerline/revops-playbook"),
    ("https://jo@bitbucket.org/ledgerline/revops-playbook.git", "https://bitbucket.org/ledgerline/revops-playbook"),
    # Nothing a reader could open, or a host whose edit page is not known: no link.
    ("/srv/git/gtm-playbook.git", None),
    ("file:///srv/git/gtm-playbook.git", None),
    ("../gtm-playbook", None),
    ("git@git.acme.internal:ledgerline/revops-playbook.git", None),
    ("https://gitea.acme.com/ledgerline/revops-playbook", None),
    ("https://github.com/acme", None),
    ("https://github.com/ledgerline/revops-playbook/tree/main", None),
    ("https://github.com/acme/gtm playbook", None),
    ("https://github.com/acme/..", None),
    ("https://github.com:notaport/ledgerline/revops-playbook", None),
    ("", None),
])
def test_web_url_of_a_remote(remote: str, url: str | None) -> None:
    found = web_url(remote)
    assert (found[0] if found else None) == url


@pytest.mark.parametrize(("host", "branch", "docs", "uri"), [
    ("github.com", "main", "docs", "edit/main/docs/"),
    ("github.com", "release/2026", "handbook/docs", "edit/release/2026/handbook/docs/"),
    ("github.com", "main", "", "edit/main/"),
    ("gitlab.com", "main", "docs", "-/edit/main/docs/"),
    ("bitbucket.org", "trunk", "docs", "src/trunk/docs/"),
    ("github.com", "main", "our docs", "edit/main/our%20docs/"),
])
def test_edit_uri_per_host(host: str, branch: str, docs: str, uri: str) -> None:
    assert edit_uri(HOSTS[host], branch, docs) == uri


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True,
                          capture_output=True, text=True).stdout.strip()


def _repo(path: Path, branch: str = "main", docs: str = "docs") -> Path:
    """A git repository with one commit on ``branch`` and a docs folder at ``docs``."""
    (path / docs).mkdir(parents=True)
    (path / docs / "index.md").write_text("# Hi\n", encoding="utf-8")
    _git(path, "init", "-q", "-b", branch)
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "first")
    return path


def test_no_git_or_no_origin_gives_no_link(tmp_path: Path) -> None:
    loose = tmp_path / "loose" / "docs"
    loose.mkdir(parents=True)
    assert repo_link(loose) is None
    repo = _repo(tmp_path / "repo")
    assert repo_link(repo / "docs") is None
    _git(repo, "remote", "add", "upstream", "git@github.com:ledgerline/revops-playbook.git")
    assert repo_link(repo / "docs") is None  # only origin is where the site is published
    _git(repo, "remote", "add", "origin", str(tmp_path / "elsewhere.git"))
    assert repo_link(repo / "docs") is None  # a local path is no address for readers


def test_a_clone_links_to_the_default_branch_of_its_remote(tmp_path: Path) -> None:
    # Cloned (git records origin/HEAD), then pointed at GitHub over SSH, and a feature branch
    # checked out: edits go to the remote's default branch, not to the feature branch.
    upstream = _repo(tmp_path / "upstream", branch="trunk")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(upstream), str(clone))
    _git(clone, "remote", "set-url", "origin", "git@github.com:ledgerline/revops-playbook.git")
    _git(clone, "switch", "-q", "-c", "new-segment")
    assert repo_link(clone / "docs") == RepoLink(GITHUB, "GitHub", "edit/trunk/docs/")


def test_without_origin_head_the_checked_out_branch_and_docs_folder_are_used(
        tmp_path: Path) -> None:
    gtm = _repo(tmp_path / "gtm", docs="site-src/docs")
    _git(gtm, "remote", "add", "origin", "https://gitlab.com/acme/revenue/gtm.git")
    docs = gtm / "site-src" / "docs"
    assert repo_link(docs) == RepoLink(
        "https://gitlab.com/acme/revenue/gtm", "GitLab", "-/edit/main/site-src/docs/")
    _git(gtm, "checkout", "-q", "--detach")  # CI's checkout of a pull request: branch unknown
    assert repo_link(docs) == RepoLink("https://gitlab.com/acme/revenue/gtm", "GitLab", None)


# ---- Real builds of the repository's own project ---------------------------------------------


def _project(tmp_path: Path, remote: str | None) -> Path:
    """The repository's site (mkdocs.yml, the guide, the sample specs) in a git repository of
    its own, with ``remote`` as origin."""
    project = tmp_path / "project"
    for name in ("docs", "specs", "overrides", "data"):
        copy_tree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "the playbook")
    if remote is not None:
        _git(project, "remote", "add", "origin", remote)
    return project


def _site_text(site: Path) -> Iterator[tuple[Path, str]]:
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".js", ".json", ".xml", ".css"):
            yield path, path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
def test_a_remote_gives_the_site_its_repository_and_edit_links(tmp_path: Path) -> None:
    project = _project(tmp_path, "git@github.com:ledgerline/revops-playbook.git")
    site = tmp_path / "site"
    done = mkdocs_build(project / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr
    base = f"{GITHUB}/edit/main/"
    persona = next((site / "playbook/segments/multi-entity-close/personas").glob("*"))
    assert f'href="{base}specs/segments/multi-entity-close.yml"' in \
        (persona / "index.html").read_text()
    for page in ("playbook/index.html", "playbook/anti-icp/index.html"):
        assert f'href="{base}specs/playbook.yml"' in (site / page).read_text()
    home = (site / "site/index.html").read_text()
    assert f'href="{base}docs/site.md"' in home
    assert re.search(rf'<a href="{GITHUB}" title="Go to repository" class="md-source"', home)
    assert [p for p, text in _site_text(site) if "github.com/example" in text] == []


@pytest.mark.slow
@pytest.mark.browser
def test_without_a_remote_the_site_links_nowhere(tmp_path: Path, printer: Printer) -> None:
    project = _project(tmp_path, None)
    site = tmp_path / "site"
    done = mkdocs_build(project / "mkdocs.yml", site)
    assert done.returncode == 0, done.stderr
    for path, text in _site_text(site):
        assert "github.com/example" not in text, path
        if path.suffix == ".html":
            assert 'class="md-source"' not in text, path  # no repository in the header
            assert "md-content__button" not in text, path  # no edit button
    # Nothing on the page asks for a repository's facts that do not exist: not one request
    # leaves the site, and the console stays clean.
    with serve(site) as base:
        page = printer.browser.new_page()
        errors: list[str] = []
        away: list[str] = []
        page.route(lambda url: not url.startswith(base),
                   lambda route: (away.append(route.request.url), route.abort()))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            for url in ("playbook/", "playbook/segments/multi-entity-close/", "site/"):
                page.goto(base + url, wait_until="load")
                page.wait_for_timeout(500)  # Material fetches the repository's facts after load
        finally:
            page.close()
    assert (away, errors) == ([], [])


@pytest.mark.slow
def test_a_repo_url_in_mkdocs_yml_wins_over_the_remote(tmp_path: Path) -> None:
    project = _project(tmp_path, "git@github.com:ledgerline/revops-playbook.git")
    config = project / "mkdocs.yml"
    config.write_text("repo_url: https://git.acme.internal/gtm/playbook\n"
                      "edit_uri: blob/trunk/docs/\n" + config.read_text(encoding="utf-8"),
                      encoding="utf-8")
    site = tmp_path / "site"
    done = mkdocs_build(config, site)
    assert done.returncode == 0, done.stderr
    home = (site / "site/index.html").read_text()
    assert 'href="https://git.acme.internal/gtm/playbook/blob/trunk/docs/site.md"' in home
    assert 'href="https://git.acme.internal/gtm/playbook" title="Go to repository"' in home
    assert "ledgerline/revops-playbook" not in home
