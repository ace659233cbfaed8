"""Where a repository is published: its web address and edit links, read from ``origin``.

A site whose configuration names no repository links to the one its docs folder is kept in,
when that repository's ``origin`` is on GitHub, GitLab or Bitbucket: the same ``repo_url``,
``repo_name`` and ``edit_uri`` MkDocs derives from a ``repo_url``, with the real branch and
docs folder in place of MkDocs' fixed ``master`` and ``docs/``. Anything else (no git, no
``origin``, a host whose page layout is not known) gives nothing: no link is better than a
link that leads nowhere.

:func:`web_url` and :func:`edit_uri` are pure; :func:`repo_link` asks git.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from .git import GitError, git, toplevel

__all__ = ["HOSTS", "RepoLink", "edit_uri", "repo_link", "web_url"]


@dataclass(frozen=True)
class Host:
    """A code host: how MkDocs names it, and where its page for editing a file is."""

    name: str
    edit: str  # the edit page's path, from the repository's URL: {branch} and {path}
    max_depth: int  # how many path parts a repository's address may have (GitLab: groups)


HOSTS = {
    "github.com": Host("GitHub", "edit/{branch}/{path}", 2),
    "gitlab.com": Host("GitLab", "-/edit/{branch}/{path}", 20),
    "bitbucket.org": Host("Bitbucket", "src/{branch}/{path}", 2),
}
# Other names the same hosts answer git on (SSH over port 443, a www. address).
_ALIASES = {"www.github.com": "github.com", "ssh.github.com": "github.com",
            "www.gitlab.com": "gitlab.com", "altssh.gitlab.com": "gitlab.com",
            "www.bitbucket.org": "bitbucket.org", "altssh.bitbucket.org": "bitbucket.org"}
# git's scp-like form, user@host:path, which has no scheme.
_SCP = re.compile(r"^(?:[^@/:]+@)?(?P<host>[^@/:]+):(?P<path>[^/].*|/.+)$")
_PART = re.compile(r"^[A-Za-z0-9_.-]+$")
_SCHEMES = ("https", "http", "ssh", "git+ssh", "ssh+git", "git")


@dataclass(frozen=True)
class RepoLink:
    """What a site needs to link to its repository (MkDocs' options of the same names)."""

    repo_url: str  # https://host/owner/name
    repo_name: str  # GitHub, GitLab or Bitbucket, as MkDocs names them
    edit_uri: str | None  # relative to repo_url, ending in "/"; None: branch unknown


def web_url(remote: str) -> tuple[str, Host] | None:
    """The https address of the repository at git remote URL ``remote``, and its host, for
    GitHub, GitLab and Bitbucket in https or SSH form; None for anything else.

    User names and tokens in the remote URL are never part of the address.
    """
    remote = remote.strip()
    if "://" in remote:
        parts = urlsplit(remote)
        if parts.scheme.lower() not in _SCHEMES:
            return None
        try:
            parts.port  # noqa: B018 - raises for a port that is no number
        except ValueError:
            return None
        if parts.hostname is None:
            return None
        host, path = parts.hostname, parts.path
    elif (scp := _SCP.match(remote)) is not None:
        host, path = scp["host"], scp["path"]
    else:
        return None
    host = _ALIASES.get(host.lower(), host.lower())
    known = HOSTS.get(host)
    if known is None:
        return None
    pieces = path.strip("/").removesuffix(".git").split("/")
    if not 2 <= len(pieces) <= known.max_depth:
        return None
    if any(not _PART.match(p) or p in (".", "..") for p in pieces):
        return None
    return f"https://{host}/{'/'.join(pieces)}", known


def edit_uri(host: Host, branch: str, docs: str) -> str:
    """The edit path for files of the docs folder ``docs`` (posix, from the repository's
    root; "" for the root itself) on ``branch``, relative to the repository's address."""
    path = f"{docs.strip('/')}/" if docs.strip("/") else ""
    return host.edit.format(branch=quote(branch, safe="/"), path=quote(path, safe="/"))


def repo_link(docs_dir: Path) -> RepoLink | None:
    """The repository that holds ``docs_dir``, as its ``origin`` remote publishes it; None
    outside git, without an ``origin``, or when that is not a host :func:`web_url` knows.

    Edit links go to the remote's default branch (``origin/HEAD``, which ``git clone``
    records), else to the branch checked out; with neither (a detached checkout of a
    repository whose remote was added by hand) there are none.
    """
    root = toplevel(docs_dir)
    if root is None:
        return None
    try:
        remote = git(root, "remote", "get-url", "origin").decode("utf-8", "replace")
    except GitError:
        return None
    found = web_url(remote)
    if found is None:
        return None
    url, host = found
    try:
        docs = docs_dir.resolve().relative_to(root).as_posix()
    except ValueError:  # a docs folder outside the repository: no file of it is on the remote
        return RepoLink(url, host.name, None)
    branch = _branch(root)
    edits = edit_uri(host, branch, "" if docs == "." else docs) if branch else None
    return RepoLink(url, host.name, edits)


def _branch(root: Path) -> str | None:
    """The remote's default branch, else the one checked out, else None."""
    for ref, prefix in (("refs/remotes/origin/HEAD", "origin/"), ("HEAD", "")):
        try:
            name = git(root, "symbolic-ref", "-q", "--short", ref).decode().strip()
        except GitError:
            continue
        if name.startswith(prefix) and name != prefix:
            return name.removeprefix(prefix)
    return None
