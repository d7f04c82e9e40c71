"""Web service throughput and latency with a real load generator (wrk) against ``jinlotto serve``.

Setup: ``sudo apt-get install wrk`` (Debian/Ubuntu), PostgreSQL on 127.0.0.1:5432 (user
postgres). Run: ``uv run python benchmarks/bench_web.py [--workers 2] [--duration 20]``.

It creates a temporary PostgreSQL database, imports the shared draws 1-1200, trains and activates
a model, starts ``jinlotto serve --workers N`` with ``ENABLE_ML=true`` and
``WARMUP_ON_STARTUP=true``, then runs wrk (concurrency 32) against:

- ``GET /api/version`` — a trivial JSON endpoint of the same app (the reference);
- ``POST /api/predict`` by repeat visitors (their games for today already stored);
- ``POST /api/predict`` by new visitors (no cookie: generate with the model, one insert each);
- ``GET /api/health``.

Goals: repeat-visitor predict >= 1/2 of the reference requests/s and p99 < 20 ms; new-visitor
predict >= 1/3 of the reference; health p99 < 5 ms; resident memory < 250 MB per worker.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psycopg
from psycopg import sql

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.services.draws import import_file
from jinlotto.services.training import train_and_activate

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data" / "lotto645_draws.json"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
REPEAT_VISITORS = 512
BODY = '{"num_sets": 5}'


def wrk(url: str, path: str, duration: int, script: Path | None) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) of one wrk run."""
    command = ["wrk", "-t2", "-c32", f"-d{duration}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url + path], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx responses on {path}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, p99_ms


def predict_script(directory: Path, keys: list[str] | None) -> Path:
    """A wrk Lua script posting predict requests, cycling through ``keys`` as cookies."""
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = '{BODY}'",
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    if keys:
        listed = ", ".join(f'"{key}"' for key in keys)
        lines += [
            f"local keys = {{{listed}}}",
            "local i = 0",
            "request = function()",
            "  i = i + 1",
            '  local headers = {["Content-Type"] = "application/json",'
            ' ["Cookie"] = "jl_uid=" .. keys[(i % #keys) + 1]}',
            "  return wrk.format(nil, nil, headers)",
            "end",
        ]
    path = directory / ("repeat.lua" if keys else "new.lua")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (children of the master), in MB."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)  # type: ignore[union-attr]
    return sizes


def wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become healthy")


def prepare(database_url: str, model_dir: Path) -> None:
    settings = Settings(_env_file=None, database_url=database_url, model_dir=model_dir)  # type: ignore[call-arg]
    engine = build_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    database = Database.open(settings)
    try:
        with database.transaction() as session:
            import_file(session, SHARED)
        result = train_and_activate(database, settings)
        print(f"model {result.model_name} trained in {result.seconds} s")
    finally:
        database.close()


def run(workers: int, duration: int, port: int, directory: Path, database_url: str) -> None:
    model_dir = directory / "models"
    prepare(database_url, model_dir)
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "MODEL_DIR": str(model_dir),
        "ENABLE_ML": "true",
        "WARMUP_ON_STARTUP": "true",
        "LOG_LEVEL": "WARNING",
        "PROMETHEUS_MULTIPROC_DIR": str(directory / "metrics"),
        "RATE_LIMITS_ENABLED": "false",  # one load generator is one address: measure, not limit
    }
    command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", str(workers)], env=env, cwd=directory)
    try:
        wait_healthy(url)
        keys = [uuid.uuid4().hex for _ in range(REPEAT_VISITORS)]
        with httpx.Client(base_url=url, timeout=30) as client:
            for key in keys:  # the first request of each repeat visitor stores today's games
                reply = client.post("/api/predict", json={"num_sets": 5}, cookies={"jl_uid": key})
                reply.raise_for_status()
            print(f"strategy served: {reply.json()['strategy']} ({reply.json()['model_version']})")
        results = {
            "trivial GET /api/version": wrk(url, "/api/version", duration, None),
            "repeat-visitor POST /api/predict": wrk(
                url, "/api/predict", duration, predict_script(directory, keys)
            ),
            "new-visitor POST /api/predict": wrk(
                url, "/api/predict", duration, predict_script(directory, None)
            ),
            "GET /api/health": wrk(url, "/api/health", duration, None),
        }
        rss = worker_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results, rss, workers, duration)


def report(
    results: dict[str, tuple[float, float]], rss: list[float], workers: int, duration: int
) -> None:
    print(f"\nwrk -t2 -c32 -d{duration}s, {workers} gunicorn workers, {os.cpu_count()} CPUs")
    for name, (rate, p99) in results.items():
        print(f"{name:36s} {rate:9.0f} req/s   p99 {p99:7.2f} ms")
    reference = results["trivial GET /api/version"][0]
    repeat = results["repeat-visitor POST /api/predict"]
    new = results["new-visitor POST /api/predict"]
    print(f"repeat-visitor / trivial: {repeat[0] / reference:.2f} (goal >= 0.50), p99 goal < 20 ms")
    print(f"new-visitor / trivial:    {new[0] / reference:.2f} (goal >= 0.33)")
    print(f"health p99: {results['GET /api/health'][1]:.2f} ms (goal < 5 ms)")
    print("worker RSS MB: " + ", ".join(f"{size:.0f}" for size in rss) + " (goal < 250 each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--port", type=int, default=8799)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    name = f"jinlotto_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        with tempfile.TemporaryDirectory() as directory:
            run(
                arguments.workers,
                arguments.duration,
                arguments.port,
                Path(directory),
                f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}",
            )
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


if __name__ == "__main__":
    main()
