"""A PostgreSQL cluster of the test's own, to freeze, thaw, stop and start at will.

The machine's own PostgreSQL on 5432 is never touched: the cluster lives in a new temporary
folder, listens on a free port of 127.0.0.1 and runs as the ``postgres`` user
(``runuser -u postgres --``) from the binaries under ``/usr/lib/postgresql/*/bin``. Given a
network namespace (``ip netns exec``) and an address in it, it listens there instead; its Unix
socket in the folder (:attr:`PrivatePostgres.socket_url`) reaches it from any namespace.

    with PrivatePostgres() as cluster:
        cluster.freeze()  # SIGSTOP the postmaster and every backend: a host that stops answering
        cluster.thaw()  # SIGCONT
        cluster.stop()  # a clean shutdown (connections are closed)
        cluster.start()
"""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from tests.support.processes import free_port

POSTGRES_USER = "postgres"


def _binaries() -> Path:
    """The newest installed PostgreSQL's ``bin`` folder."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda path: int(path.parent.parent.name),
    )
    if not found or shutil.which("runuser") is None:
        raise AssertionError(
            "private PostgreSQL clusters need /usr/lib/postgresql/*/bin and runuser"
        )
    return found[-1].parent


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (PostgreSQL backends are their own group leaders,
    so a process-group signal would miss them)."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid:
            children.append(int(entry.name))
    return children


class PrivatePostgres:
    """One private cluster; see the module docstring."""

    def __init__(self, *, netns: str | None = None, address: str = "127.0.0.1") -> None:
        self.bin = _binaries()
        self.folder = Path(tempfile.mkdtemp(prefix="jinlotto-pg-"))
        shutil.chown(self.folder, POSTGRES_USER)
        self.data = self.folder / "data"
        self.netns = netns
        self.address = address
        self.port = free_port() if netns is None else 5432
        self._frozen: list[int] = []

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the cluster's ``postgres`` database over TCP."""
        return f"postgresql+psycopg://postgres@{self.address}:{self.port}/postgres"

    @property
    def socket_url(self) -> str:
        """The same database through the cluster's Unix socket."""
        return f"postgresql+psycopg://postgres@/postgres?host={self.folder}&port={self.port}"

    def _run(self, program: str, *arguments: str) -> None:
        command = ["runuser", "-u", POSTGRES_USER, "--", str(self.bin / program), *arguments]
        if self.netns is not None:
            command = ["ip", "netns", "exec", self.netns, *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.folder)

    def start(self) -> None:
        """Create the cluster on first use, then start it and wait until it accepts connections."""
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
            if self.netns is not None:  # clients on the namespace's /24 too
                with (self.data / "pg_hba.conf").open("a") as rules:
                    rules.write(f"host all all {self.address}/24 trust\n")
        options = (
            f"-p {self.port} -c listen_addresses={self.address} "
            f"-c unix_socket_directories={self.folder} -c fsync=off"
        )
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """Shut down cleanly: backends end and clients see their connections closed."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def postmaster_pid(self) -> int:
        """The running postmaster's process id."""
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def freeze(self) -> None:
        """SIGSTOP the postmaster (first, so that it forks nothing more) and every backend."""
        postmaster = self.postmaster_pid()
        os.kill(postmaster, signal.SIGSTOP)
        self._frozen = [postmaster, *_children(postmaster)]
        for pid in self._frozen[1:]:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT every process :meth:`freeze` stopped."""
        for pid in reversed(self._frozen):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
        self._frozen = []

    def close(self) -> None:
        """Thaw, stop at once and delete the folder."""
        self.thaw()
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "PrivatePostgres":
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
