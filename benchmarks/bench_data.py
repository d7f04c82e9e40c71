"""Draw data speed: file import, ``data status`` start-up, and an update of 100 draws.

Run: ``uv run python benchmarks/bench_data.py [--repeat 5]``. Reads the shared draw file beside
the checkout and prints the median of each measurement (goals: import of 1200 draws into an
empty SQLite under 2 s; ``jinlotto data status`` under 0.5 s; 100 draws from a local server
under 10 s with the default politeness settings).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.ingest.files import parse_draw_file
from jinlotto.services import draws as service

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data" / "lotto645_draws.json"
sys.path.insert(0, str(REPO_ROOT))  # the fake official server lives with the tests

from tests.support.official_server import OfficialServer  # noqa: E402


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def fresh_database(folder: Path, name: str) -> Database:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{folder / name}")  # type: ignore[call-arg]
    return Database.open(settings)


def import_file(database: Database, path: Path) -> None:
    with database.transaction() as session:
        service.import_file(session, path)


def bench_import(folder: Path, repeat: int) -> None:
    databases = [fresh_database(folder, f"import{run}.db") for run in range(repeat)]
    pending = iter(databases)
    seconds = median_seconds(lambda: import_file(next(pending), SHARED), repeat)
    for database in databases:
        database.close()
    print(f"import of 1200 draws into an empty SQLite (migrated): {seconds:.3f} s (goal < 2 s)")


def bench_status(folder: Path, repeat: int) -> None:
    url = f"sqlite:///{folder / 'status.db'}"
    database = fresh_database(folder, "status.db")
    import_file(database, SHARED)
    database.close()
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}

    def run(*args: str) -> None:
        subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True)

    bare = median_seconds(lambda: run("-c", "pass"), repeat)
    imports = median_seconds(lambda: run("-c", "import jinlotto.cli"), repeat)
    status = median_seconds(lambda: run("-m", "jinlotto", "data", "status", "--json"), repeat)
    print(
        f"`jinlotto data status --json` as a process: {status:.3f} s (goal < 0.5 s); "
        f"of which Python start {bare:.3f} s, importing jinlotto.cli {imports - bare:.3f} s"
    )


def bench_update(folder: Path) -> None:
    raw = json.loads(SHARED.read_text(encoding="utf-8"))
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    with OfficialServer(raw, latest=1200) as server:
        settings = defaults.model_copy(
            update={
                "database_url": f"sqlite:///{folder / 'update.db'}",
                "lotto_api_url": server.url,
            }
        )
        database = Database.open(settings)
        draws = parse_draw_file(SHARED.read_bytes()).draws
        with database.transaction() as session:
            service.import_draws(session, draws[:1100], source="file")
        started = time.perf_counter()
        report = service.update(database, settings)
        seconds = time.perf_counter() - started
        database.close()
    print(
        f"update of {report.added} draws from a local server ({len(server.requests)} requests, "
        f"concurrency {settings.http_concurrency}, {settings.http_requests_per_second:g} req/s): "
        f"{seconds:.3f} s (goal < 10 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        bench_import(folder, args.repeat)
        bench_status(folder, args.repeat)
        bench_update(folder)


if __name__ == "__main__":
    main()
