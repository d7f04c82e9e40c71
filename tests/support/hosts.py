"""Several JinLotto "machines" on one host: a PostgreSQL namespace, app namespaces each serving
``jinlotto serve`` with a ``MODEL_DIR`` of its own, and a client namespace (:mod:`netns`).

    with Hosts(apps=3, workdir=tmp_path, draws=shared_draws_path) as hosts:
        hosts.run("app1", "train")  # a `jinlotto` command on one app host
        hosts.start()  # `jinlotto serve` on every app host
        with hosts.network.inside("client"):
            httpx.post(f"{hosts.urls['app2']}/api/predict", json={})

Only the app hosts reach the database over the veth network (its 198.51.100.x address); the
test reads and writes it through the cluster's Unix socket.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx
from tests.support.netns import Network
from tests.support.private_postgres import PrivatePostgres

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.services.draws import import_file

PORT = 8000


class Hosts:
    """The topology of the module docstring; every part is removed on exit."""

    def __init__(
        self, *, apps: int, workdir: Path, draws: Path, env: dict[str, str] | None = None
    ) -> None:
        self.apps = [f"app{i}" for i in range(1, apps + 1)]
        self.workdir = workdir
        self.draws = draws
        self.network = Network(["db", *self.apps, "client"])
        self.postgres = PrivatePostgres(
            netns=self.network.namespaces["db"], address=self.network.address("db")
        )
        self.urls = {app: f"http://{self.network.address(app)}:{PORT}" for app in self.apps}
        self.servers: dict[str, subprocess.Popen[bytes]] = {}
        self.extra_env = env or {}

    def model_dir(self, app: str) -> Path:
        """The app host's own model folder."""
        return self.workdir / app / "models"

    def env(self, app: str) -> dict[str, str]:
        """The environment of ``jinlotto`` on ``app``: the database over the veth network."""
        return os.environ | {
            "DATABASE_URL": self.postgres.url,
            "MODEL_DIR": str(self.model_dir(app)),
            "ENABLE_ML": "true",
            "LOG_LEVEL": "WARNING",
            "RATE_LIMITS_ENABLED": "false",  # every visitor comes from the one client address
            **self.extra_env,
        }

    def database(self) -> Database:
        """The database, through the Unix socket (for the test's own reads and writes)."""
        return Database.open(Settings(_env_file=None, database_url=self.postgres.socket_url))  # type: ignore[call-arg]

    def _prepare_database(self) -> None:
        engine = build_engine(Settings(_env_file=None, database_url=self.postgres.socket_url))  # type: ignore[call-arg]
        migrate.upgrade(engine)
        engine.dispose()
        database = self.database()
        try:
            with database.transaction() as session:
                import_file(session, self.draws)
        finally:
            database.close()

    def run(self, app: str, *arguments: str) -> subprocess.CompletedProcess[str]:
        """``jinlotto ARGUMENTS`` on ``app``, to completion."""
        command = self.network.command(app, [sys.executable, "-m", "jinlotto", *arguments])
        environment = self.env(app)
        return subprocess.run(
            command, env=environment, cwd=self.workdir, capture_output=True, text=True, timeout=300
        )

    def start(self, apps: list[str] | None = None) -> None:
        """``jinlotto serve`` on each app host (all by default), once each answers its health."""
        for app in apps or self.apps:
            (self.workdir / app).mkdir(parents=True, exist_ok=True)
            argv = [sys.executable, "-m", "jinlotto", "serve"]
            argv += ["--host", self.network.address(app), "--port", str(PORT)]
            self.servers[app] = self.network.popen(
                app, argv, env=self.env(app), cwd=self.workdir / app, stdout=subprocess.DEVNULL
            )
        for app in apps or self.apps:
            self._wait_healthy(app)

    def _wait_healthy(self, app: str, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        with self.network.inside("client"):
            while time.monotonic() < deadline:
                if self.servers[app].poll() is not None:
                    raise AssertionError(f"{app} exited with {self.servers[app].returncode}")
                try:
                    if httpx.get(f"{self.urls[app]}/api/health", timeout=1).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.2)
        raise AssertionError(f"{app} did not become healthy in {timeout} s")

    def kill(self, app: str) -> None:
        """SIGKILL the server of ``app``."""
        self.servers[app].send_signal(signal.SIGKILL)
        self.servers[app].wait(timeout=30)

    def stop(self) -> None:
        """Stop every server still running."""
        for server in self.servers.values():
            if server.poll() is None:
                server.terminate()
        for server in self.servers.values():
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)

    def __enter__(self) -> "Hosts":
        try:
            self.network.open()
            self.postgres.start()
            self._prepare_database()
        except BaseException:
            self.close()
            raise
        return self

    def close(self) -> None:
        """Stop the servers and the cluster, and delete the namespaces."""
        try:
            self.stop()
        finally:
            try:
                self.postgres.close()
            finally:
                self.network.close()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
