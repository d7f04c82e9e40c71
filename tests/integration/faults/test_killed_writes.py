"""Imports and updates killed with SIGKILL at any moment leave only whole draws, and running the
command again completes the history."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.support import store as import_store
from tests.support.official_server import OfficialServer
from tests.support.processes import poll_until

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import Draw

pytestmark = pytest.mark.slow


def stored(database: Database) -> dict[int, Draw]:
    with database.sessions() as session:
        return {draw.draw_no: draw for draw in draw_repo.all_draws(session)}


def start(settings: Settings, cwd: Path, *args: str, **extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": settings.database_url, "LOG_LEVEL": "ERROR", **extra}
    return subprocess.Popen(
        [sys.executable, "-m", "jinlotto", *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL ``process``; whether it was still working when killed."""
    os.kill(process.pid, signal.SIGKILL)
    return process.wait(timeout=30) == -signal.SIGKILL


def test_an_import_killed_at_any_moment_leaves_whole_draws(
    database: Database,
    settings: Settings,
    shared_draws: list[Draw],
    shared_draws_path: Path,
    tmp_path: Path,
) -> None:
    expected = {draw.draw_no: draw for draw in shared_draws}
    killed = 0
    for delay in (0.6, 1.2, 1.8):
        process = start(settings, tmp_path, "data", "import", str(shared_draws_path))
        time.sleep(delay)
        killed += kill(process)
        left = stored(database)
        assert all(left[no] == expected[no] for no in left), f"a partial draw after {delay} s"
    assert killed >= 1, "every import finished before it could be killed"
    finished = start(settings, tmp_path, "data", "import", str(shared_draws_path))
    assert finished.wait(timeout=120) == 0
    assert stored(database) == expected


def test_an_update_killed_mid_way_keeps_the_batches_it_stored_whole(
    database: Database,
    settings: Settings,
    shared_draws: list[Draw],
    official_server: OfficialServer,
    tmp_path: Path,
) -> None:
    import_store.import_draws(database, shared_draws[:1000], source="test")
    source = {
        "LOTTO_API_URL": official_server.url,
        "LOTTO_MIRROR_URL": official_server.mirror_url,
        "HTTP_RETRIES": "0",
        "HTTP_REQUESTS_PER_SECOND": "60",
    }
    snapshots = []
    for _ in range(2):
        before = len(stored(database))
        process = start(settings, tmp_path, "data", "update", **source)
        poll_until(
            lambda: len(stored(database)) > before or process.poll() is not None,  # noqa: B023
            timeout=120,
            what="the update storing a batch",
            every=0.02,
        )
        assert kill(process), "the update finished before it could be killed"
        snapshots.append(stored(database))
    finished = start(settings, tmp_path, "data", "update", **source)
    assert finished.wait(timeout=300) == 0
    final = stored(database)
    assert sorted(final) == list(range(1, 1201))
    # A draw stored by a killed update is exactly what the finished update holds: nothing
    # half-written that the last run had to fill in.
    for snapshot in snapshots:
        assert all(snapshot[no] == final[no] for no in snapshot)
    assert len(snapshots[0]) < len(snapshots[-1]) < 1200
