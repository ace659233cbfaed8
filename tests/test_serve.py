"""``mkdocs serve`` on a copy of the fixture project: edit a spec good, bad, good again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import BROKEN_LINK_PERSONA, copy_tree

PROJECT = Path(__file__).resolve().parent / "fixtures" / "projects" / "project"
SEGMENT = "playbook/segments/staffing-agencies/"
PERSONA = "playbook/segments/staffing-agencies/personas/payroll-manager/"
WAIT = 45.0

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _default_sigint() -> None:
    # A job started in the background inherits SIGINT ignored; Python then installs no
    # handler and Ctrl-C (our clean stop, which runs the plugin's on_shutdown) would be lost.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """A running ``mkdocs serve``; its log goes to a file so the pipe never fills."""

    def __init__(self, root: Path, *extra: str) -> None:
        self.root = root
        self.port = _free_port()
        self.log = root.parent / "serve.log"
        with self.log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}",
                 *extra], cwd=root, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=_default_sigint)

    def get(self, path: str) -> tuple[int, str]:
        try:
            url = f"http://127.0.0.1:{self.port}/{path}"
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")
        except OSError:
            return 0, ""

    def wait_for(self, path: str, ok: Callable[[str], bool]) -> str:
        """Poll ``path`` until ``ok(body)``, for at most WAIT seconds."""
        deadline = time.monotonic() + WAIT
        body = ""
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"mkdocs serve stopped:\n{self.output()}"
            status, body = self.get(path)
            if status == 200 and ok(body):
                return body
            time.sleep(0.2)
        raise AssertionError(f"timed out waiting for /{path}\nlast body: {body[:500]}\n"
                             f"server log:\n{self.output()}")

    def wait_for_log(self, text: str, count: int = 1) -> None:
        """Wait until the server has logged ``text`` ``count`` times."""
        deadline = time.monotonic() + WAIT
        while self.output().count(text) < count:
            assert time.monotonic() < deadline, f"no {text!r} in:\n{self.output()}"
            time.sleep(0.1)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # as Ctrl-C: the plugin's on_shutdown runs
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture(params=["full", "dirty"])
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    """``mkdocs serve``, and ``mkdocs serve --dirty`` (only the pages an edit changed are
    rebuilt: their Markdown lives in a private folder the plugin writes on change)."""
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    (root / "overrides" / "icp").mkdir(parents=True)  # watched when it exists at start
    running = Server(root, *(["--dirty"] if request.param == "dirty" else []))
    try:
        yield running
    finally:
        running.stop()


def test_edit_good_bad_good(server: Server) -> None:
    spec = server.root / "specs" / "segments" / "staffing-agencies.yml"
    original = spec.read_text()
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    server.wait_for(PERSONA, lambda body: "Payroll Manager" in body)

    spec.write_text(original.replace("Staffing agencies paying", "Recruitment firms paying"))
    server.wait_for(SEGMENT, lambda body: "Recruitment firms paying contractors" in body)

    spec.write_text(original.replace("tier: 2", "tier: 7"))
    body = server.wait_for(SEGMENT, lambda body: "error[E010]" in body)
    assert "specs/segments/staffing-agencies.yml:4:7" in body
    assert "Recruitment firms" not in body  # no stale content
    persona = server.wait_for(PERSONA, lambda body: "error[E010]" in body)
    assert "Payroll Manager" not in persona.split('<article')[1]
    overview = server.wait_for("playbook/", lambda body: "Segment files with errors" in body)
    assert "staffing-agencies" in overview
    log = server.output()
    assert "specs/segments/staffing-agencies.yml:4:7: error[E010]: tier:" in log
    assert "Traceback" not in log
    assert server.proc.poll() is None

    # A second bad save, the file still broken: its persona page still shows the problem.
    spec.write_text(original.replace("tier: 2", "tier: 8"))
    server.wait_for(SEGMENT, lambda body: "tier: 8 is not one of" in body)
    persona = server.wait_for(PERSONA, lambda body: "tier: 8 is not one of" in body)
    assert "Payroll Manager" not in persona.split('<article')[1]

    spec.write_text(original)
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body
                    and "error[E010]" not in body)
    server.wait_for(PERSONA, lambda body: "Payroll Manager" in body)


def test_template_override_is_watched(server: Server) -> None:
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    overrides = server.root / "overrides" / "icp"
    (overrides / "segment.md.jinja").write_text(
        '{% extends "_base/segment.md.jinja" %}\n'
        "{% block badges %}\nOverridden badges.\n{% endblock %}\n")
    server.wait_for(SEGMENT, lambda body: "Overridden badges." in body)

    # A mistake in the override: the server goes on, and the pages show where it is.
    (overrides / "segment.md.jinja").write_text(
        '{% extends "_base/segment.md.jinja" %}\n{% block badges %}\n{{ oops }\n')
    body = server.wait_for(SEGMENT, lambda body: "template syntax error" in body)
    assert "overrides/icp/segment.md.jinja:3" in body and "Overridden badges." not in body
    persona = server.wait_for(PERSONA, lambda body: "template syntax error" in body)
    assert "Payroll Manager" not in persona.split("<article")[1]
    assert "overrides/icp/segment.md.jinja:3:1: error[E019]: template syntax error" in \
        server.output()
    # A Python error raised while rendering: the same error page, never hanging pages.
    (overrides / "segment.md.jinja").write_text(
        '{% extends "_base/segment.md.jinja" %}\n{% block badges %}\n{{ 1/0 }}\n'
        "{% endblock %}\n")
    body = server.wait_for(SEGMENT, lambda body: "ZeroDivisionError" in body)
    assert "overrides/icp/segment.md.jinja:3" in body
    (overrides / "segment.md.jinja").write_text(
        '{% extends "_base/segment.md.jinja" %}\n'
        "{% block badges %}\nMended badges.\n{% endblock %}\n")
    server.wait_for(SEGMENT, lambda body: "Mended badges." in body)
    server.wait_for(PERSONA, lambda body: "Payroll Manager" in body)


def test_an_override_extending_a_missing_template_names_the_override(tmp_path: Path) -> None:
    # A misspelt base in `{% extends %}`: the terminal line, as every other problem, starts
    # with the file and line to open (here the override), and the page says the same.
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    overrides = root / "overrides" / "icp"
    overrides.mkdir(parents=True)
    running = Server(root)
    try:
        running.wait_for("playbook/journey/", lambda body: "Something is off" in body)
        (overrides / "journey.md.jinja").write_text('{% extends "_base/journy.md.jinja" %}\n')
        where = "overrides/icp/journey.md.jinja:1:1"
        body = running.wait_for("playbook/journey/", lambda body: "error[E019]" in body)
        assert where in body
        running.wait_for_log("error[E019]")
        [line] = [line for line in running.output().splitlines() if "E019" in line]
        assert line.split("-  ", 1)[1].startswith(
            f"{where}: error[E019]: template not found: _base/journy.md.jinja"), line
    finally:
        running.stop()


def test_pages_of_every_segment_say_which_segments_they_leave_out(tmp_path: Path) -> None:
    # A stage renamed in playbook.yml breaks every segment whose journey uses it: the journey
    # page lost all its columns and said nothing; it, the anti-ICP page and the checklists
    # now name the segments left out, as the overview does.
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    running = Server(root)
    pages = {"playbook/journey/": "Staffing agencies paying",
             "playbook/anti-icp/": "Single-country startups",
             "playbook/checklists/": "Staffing agencies paying"}
    try:
        for page, shown in pages.items():
            running.wait_for(page, lambda body, shown=shown: shown in body)
        book = root / "specs" / "playbook.yml"
        book.write_text(book.read_text().replace("id: problem-exists", "id: problem-seen"))
        running.wait_for("playbook/", lambda body: "Segment files with errors" in body)
        for page in pages:
            body = running.wait_for(page, lambda body: "Segment files with errors" in body)
            assert 'href="../segments/staffing-agencies/"' in body, page
            assert 'href="../segments/multi-country-payroll/"' in body, page
            assert "Staffing agencies paying" not in body.split("<article")[1], page
    finally:
        running.stop()


def _body(html: str) -> str:
    """The page's body (its content, table of contents and navigation), without the script
    ``mkdocs serve`` adds for live reloading."""
    start = html.index("<body")
    end = html.find("<script>\nvar livereload", start)
    return html[start:end if end > 0 else html.index("</body>", start)]


def _search_entries(index: str) -> list[str]:
    """A search index's entries, each as JSON, in one order whatever the plugin's."""
    return sorted(json.dumps(doc, sort_keys=True) for doc in json.loads(index)["docs"])


def test_pages_served_after_an_edit_equal_a_fresh_build(server: Server, tmp_path: Path) -> None:
    # Between rebuilds the plugin reuses each unchanged page's HTML: after an edit, every
    # generated page must read exactly as a build from scratch of the edited specs, and search
    # must find what it finds there. (A dirty rebuild renders some pages only; the search
    # plugins then dropped the others from the index.)
    spec = server.root / "specs" / "segments" / "staffing-agencies.yml"
    home = server.root / "docs" / "index.md"
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    home.write_text(home.read_text() + "\nA line added while serving.\n")
    server.wait_for("", lambda body: "A line added while serving." in body)
    spec.write_text(spec.read_text().replace("tier: 2", "tier: 1"))
    server.wait_for(SEGMENT, lambda body: "<strong>Tier 1</strong>" in body)
    server.wait_for_log("Reloading browsers", count=2)  # the whole rebuild is written
    site = tmp_path / "fresh"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-d", str(site)],
                          cwd=server.root, capture_output=True, text=True, check=False,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    pages = sorted(p.relative_to(site).parent.as_posix() + "/"
                   for p in (site / "playbook").rglob("index.html"))
    assert len(pages) > 8
    for page in pages:
        status, body = server.get(page)
        assert status == 200, page
        assert _body(body) == _body((site / page / "index.html").read_text()), page
    status, index = server.get("search/search_index.json")
    assert status == 200
    fresh = (site / "search" / "search_index.json").read_text()
    assert _search_entries(index) == _search_entries(fresh)


def test_an_idle_server_does_not_rebuild(server: Server) -> None:
    # Reading the specs during a rebuild must not count as a change (file events report
    # every open and read): the server would rebuild forever.
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    time.sleep(3)
    assert "Detected file changes" not in server.output()
    spec = server.root / "specs" / "segments" / "staffing-agencies.yml"
    spec.write_text(spec.read_text().replace("Staffing agencies paying", "Agencies paying"))
    server.wait_for(SEGMENT, lambda body: "Agencies paying contractors" in body)
    time.sleep(3)
    assert server.output().count("Detected file changes") == 1, server.output()


def test_a_page_from_the_cache_reports_its_warnings_again(tmp_path: Path) -> None:
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    overrides = root / "overrides" / "icp"
    overrides.mkdir(parents=True)
    (overrides / "persona.md.jinja").write_text(BROKEN_LINK_PERSONA)
    running = Server(root)
    try:
        running.wait_for(PERSONA, lambda body: "Old notes" in body)
        spec = root / "specs" / "segments" / "staffing-agencies.yml"
        spec.write_text(spec.read_text().replace("Staffing agencies paying", "Agencies paying"))
        running.wait_for(SEGMENT, lambda body: "Agencies paying contractors" in body)
        running.wait_for_log("Reloading browsers")
    finally:
        running.stop()
    log = running.output()
    warnings = [line for line in log.splitlines() if "missing.md" in line]
    personas = {line.split("'")[1] for line in warnings}
    assert len(personas) >= 1 and len(warnings) == 2 * len(personas), log


def test_editor_files_beside_a_spec_do_not_rebuild(server: Server) -> None:
    # Vim rewrites its swap file every few seconds while one types, Emacs its lock and
    # auto-save files: none of them is a spec, and each rebuild reloads the author's browser.
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    segments = server.root / "specs" / "segments"
    (segments / ".staffing-agencies.yml.swp").write_bytes(b"b0VIM 9.1\0" * 50)
    (segments / ".staffing-agencies.yml.swp").write_bytes(b"b0VIM 9.1\1" * 50)
    (segments / ".#staffing-agencies.yml").symlink_to("author@laptop.4242:1700000000")
    (segments / "#staffing-agencies.yml#").write_text("tier: 1\n")
    (segments / "staffing-agencies.yml~").write_text("tier: 1\n")
    (server.root / "overrides" / "icp" / ".segment.md.jinja.swp").write_bytes(b"b0VIM 9.1\0")
    time.sleep(2)
    assert "Detected file changes" not in server.output()

    # A save through a temporary file renamed over the spec (Vim, VS Code) is an edit.
    spec = segments / "staffing-agencies.yml"
    saved = segments / ".staffing-agencies.yml.tmp"
    saved.write_text(spec.read_text().replace("Staffing agencies paying", "Agencies paying"))
    saved.replace(spec)
    server.wait_for(SEGMENT, lambda body: "Agencies paying contractors" in body)


def test_a_templates_folder_made_while_serving_is_watched(tmp_path: Path) -> None:
    # A new project has no overrides/icp/ yet: the author starts the server, then writes a
    # first override, as docs/templates.md says, and expects the pages to follow each save.
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    running = Server(root)
    try:
        running.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
        overrides = root / "overrides" / "icp"
        overrides.mkdir(parents=True)
        override = overrides / "segment.md.jinja"
        for words in ("First badges.", "Second badges."):
            override.write_text('{% extends "_base/segment.md.jinja" %}\n'
                                f"{{% block badges %}}\n{words}\n{{% endblock %}}\n")
            running.wait_for(SEGMENT, lambda body, words=words: words in body)
    finally:
        running.stop()
    assert "Traceback" not in running.output()


def test_pages_of_a_removed_persona_and_segment_go(server: Server) -> None:
    # `--dirty` writes only the pages that changed; a page no longer generated must not be
    # served on from the last build with the persona or segment the author removed.
    spec = server.root / "specs" / "segments" / "staffing-agencies.yml"
    server.wait_for(PERSONA, lambda body: "Payroll Manager" in body)
    other = "playbook/segments/multi-country-payroll/"
    server.wait_for(other, lambda body: "<article" in body)
    text = spec.read_text()
    start = text.index("  - id: payroll-manager")
    spec.write_text(text[:start] + text[text.index("qualification:", start):])
    server.wait_for(SEGMENT, lambda body: "personas/payroll-manager/" not in body)
    server.wait_for_log("Reloading browsers")  # the whole rebuild is written
    assert server.get(PERSONA)[0] == 404
    (server.root / "specs" / "segments" / "multi-country-payroll.yml").unlink()
    server.wait_for("playbook/", lambda body: "multi-country-payroll" not in body)
    server.wait_for_log("Reloading browsers", 2)
    assert server.get(other)[0] == 404
    assert server.get(other + "checklist/")[0] == 404
    spec.write_text(text)  # the persona back: its page too
    server.wait_for(PERSONA, lambda body: "Payroll Manager" in body)


def _index_entry(location: str, text: str = "old") -> dict[str, str]:
    return {"location": location, "title": location or "Home", "text": text}


@pytest.mark.parametrize("kept", [
    [],  # MkDocs's search: only the rendered pages
    # Material's: the earlier entries, minus those under the first rendered page's address;
    # here a stale entry of a later rendered page is kept too.
    ["", "guide/", "playbook/", "playbook/x/"],
])
def test_dirty_search_keeps_the_pages_not_rendered(tmp_path: Path, kept: list[str]) -> None:
    from icp_docs.mkdocs.serving import DirtySearch

    urls = ["", "guide/", "playbook/", "playbook/x/", "playbook/y/"]
    index = tmp_path / "search" / "search_index.json"
    index.parent.mkdir()
    search = DirtySearch()

    def rebuild(rendered: list[str], docs: list[dict[str, str]]) -> list[dict[str, str]]:
        index.write_text(json.dumps({"config": {"lang": ["en"]}, "docs": docs}))
        search.start()
        for url in rendered:
            search.rendered(url)
        search.complete(str(tmp_path), urls)
        written = json.loads(index.read_text())
        assert written["config"] == {"lang": ["en"]}
        return list(written["docs"])

    first = [_index_entry(u) for u in urls]
    first.insert(4, _index_entry("playbook/x/#a"))
    assert rebuild(urls, first) == first
    # playbook/y/ was deleted; "guide/" and "playbook/x/" rendered again.
    fresh = [_index_entry("guide/", "new"), _index_entry("playbook/x/", "new")]
    stale = [e for e in first if e["location"].partition("#")[0] in kept]
    urls.remove("playbook/y/")
    assert rebuild(["guide/", "playbook/x/"], stale + fresh) == [
        _index_entry(""), _index_entry("guide/", "new"), _index_entry("playbook/"),
        _index_entry("playbook/x/", "new"),
    ]


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "RevOps", "GIT_AUTHOR_EMAIL": "revops@example.com",
           "GIT_COMMITTER_NAME": "RevOps", "GIT_COMMITTER_EMAIL": "revops@example.com"}
    done = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout.strip()


def test_a_commit_while_serving_updates_the_pages(tmp_path: Path) -> None:
    # A commit changes no spec, but the change log and the revision each checklist prints:
    # the pages must follow it, not wait for the next edit of a spec.
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "The playbook")
    running = Server(root)
    checklist = SEGMENT + "checklist/"
    try:
        running.wait_for(checklist, lambda body: "Staffing agencies paying" in body)
        spec = root / "specs" / "segments" / "staffing-agencies.yml"
        spec.write_text(spec.read_text().replace("Staffing agencies paying", "Agencies paying"))
        running.wait_for(checklist, lambda body: " (modified)" in body)
        _git(root, "commit", "-q", "-am", "Shorter label")
        sha = _git(root, "rev-parse", "--short", "HEAD")
        body = running.wait_for(checklist, lambda body: f"spec revision {sha}<" in body)
        assert " (modified)" not in body
        _git(root, "status")  # the index is rewritten: no rebuild for that
        time.sleep(2)
        assert running.output().count("Detected file changes") == 2, running.output()
    finally:
        running.stop()


def test_a_specs_folder_that_is_a_repository_rebuilds_for_commits_only(tmp_path: Path) -> None:
    # The specs kept in a repository of their own, the site beside it: git's own folder is
    # then inside the watched specs. `git status` (an editor runs it all the time) rewrites
    # the index there, changing no spec, branch or HEAD: no rebuild for that.
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    specs = root / "specs"
    _git(specs, "init", "-q")
    _git(specs, "add", "-A")
    _git(specs, "commit", "-q", "-m", "The playbook")
    running = Server(root)
    try:
        running.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
        for spec in (specs / "segments").iterdir():
            spec.write_bytes(spec.read_bytes())  # the same words: git status then refreshes
        running.wait_for_log("Reloading browsers")
        time.sleep(1.5)  # the writes may have taken two rebuilds
        rebuilds = running.output().count("Detected file changes")
        _git(specs, "status")
        _git(specs, "status")
        time.sleep(2)
        assert running.output().count("Detected file changes") == rebuilds, running.output()
        spec = specs / "segments" / "staffing-agencies.yml"
        spec.write_text(spec.read_text().replace("Staffing agencies paying", "Agencies paying"))
        running.wait_for(SEGMENT, lambda body: "Agencies paying contractors" in body)
        _git(specs, "commit", "-q", "-am", "Shorter label")
        running.wait_for_log("Detected file changes", rebuilds + 2)  # a commit still does
    finally:
        running.stop()


@pytest.mark.parametrize("how", ["delete", "move"])
def test_the_specs_folder_gone_and_back_is_followed(server: Server, how: str) -> None:
    # A branch switch or `git stash` deletes and remakes specs/; `mv specs elsewhere` moves
    # it away. Serve showed nothing of either, and watched the old folder no more.
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    specs, kept = server.root / "specs", server.root.parent / "specs-kept"
    shutil.copytree(specs, kept)
    if how == "delete":
        shutil.rmtree(specs)
    else:
        specs.rename(server.root.parent / "specs-moved")
    server.wait_for("playbook/", lambda body: "error[E008]" in body)
    shutil.copytree(kept, specs)
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying contractors" in body)
    # Watched again: an edit in the folder that came back is seen.
    seg = specs / "segments" / "staffing-agencies.yml"
    seg.write_text(seg.read_text().replace("Staffing agencies paying contractors",
                                           "Staffing agencies paying freelancers", 1))
    server.wait_for(SEGMENT, lambda body: "Staffing agencies paying freelancers" in body)


def test_a_bad_evidence_file_shows_on_the_pages_and_a_fixed_one_is_read_again(
        tmp_path: Path) -> None:
    # The evidence file's folder is watched: a broken save shows its problem on every page
    # (no 404, no stale figures), and the next good save brings the figures back.
    root = tmp_path / "project"
    copy_tree(PROJECT, root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace(
        "  - icp\n", "  - icp:\n      evidence: data/evidence.json\n"))
    (root / "data").mkdir()
    good = (Path(__file__).resolve().parent / "fixtures" / "evidence" / "project.json")
    evidence = root / "data" / "evidence.json"
    evidence.write_text(good.read_text())
    running = Server(root)
    try:
        running.wait_for("playbook/fit/", lambda body: "Customers your ICP misses" in body)
        evidence.write_text('{"as_of": "2026-11-30",')
        for page in ("playbook/fit/", SEGMENT):
            body = running.wait_for(page, lambda body: "error[E020]" in body)
            assert "data/evidence.json" in body and "not valid JSON" in body
        running.wait_for_log("error[E020]")
        evidence.write_text(good.read_text().replace('"won": 20', '"won": 21', 1))
        running.wait_for("playbook/segments/multi-country-payroll/",
                         lambda body: "21 / 15 / 5" in body)
    finally:
        running.stop()
    assert "Traceback" not in running.output()
