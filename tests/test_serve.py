"""``mkdocs serve`` on a copy of the fixture project: edit a spec good, bad, good again."""

from __future__ import annotations

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
from conftest import copy_tree

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
