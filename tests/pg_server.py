"""A real, throwaway PostgreSQL server for the tests: Debian's server programs, a cluster
made with initdb in a temporary folder, listening on a unix socket there only (no TCP, no
network), stopped and removed afterwards.

PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` system
user (the Debian package makes it) and its programs run through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Server:
    """A running server: connect with ``host=socket_dir`` (libpq reads a path as a unix
    socket folder), user ``postgres``, no password."""

    socket_dir: Path
    user: str = "postgres"

    @property
    def conninfo(self) -> str:
        """A libpq connection string."""
        return f"host={self.socket_dir} user={self.user} dbname=postgres"


def _as_owner(command: Sequence[str], owner: str | None) -> list[str]:
    # runuser lives in /usr/sbin (util-linux), which a PATH without the sbin folders lacks.
    runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin") \
        or "runuser"
    return [runuser, "-u", owner, "--", *command] if owner else list(command)


@contextmanager
def postgres_server(bin_dir: Path) -> Iterator[Server]:
    """Start a server from the programs in ``bin_dir``; stop it and remove its files after."""
    owner = None
    if os.geteuid() == 0:
        owner = "postgres"
        pwd.getpwnam(owner)  # KeyError: no such user, said in the test's failure
    # Not pytest's tmp_path: that folder is private to root, and the server runs as postgres.
    root = Path(tempfile.mkdtemp(prefix="icp-pg-"))
    data, log = root / "data", root / "server.log"
    try:
        if owner:
            shutil.chown(root, user=owner)
        _run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "--encoding=UTF8", "--locale=C"], owner))
        # No TCP listener at all, and the socket in our folder, not /var/run/postgresql.
        options = f"-c listen_addresses='' -k {root} -c fsync=off"
        _run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                        str(log), "-w", "-t", "60", "start"], owner))
        try:
            yield Server(root)
        finally:
            _run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                            "stop"], owner))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{done.stdout}\n{done.stderr}")
