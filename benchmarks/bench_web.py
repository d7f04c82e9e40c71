"""Web service throughput and latency with a real load generator (wrk) against ``jinlotto serve``.

Setup: ``sudo apt-get install wrk`` (Debian/Ubuntu), PostgreSQL on 127.0.0.1:5432 (user
postgres). Run: ``uv run python benchmarks/bench_web.py [--workers 2] [--duration 20]``.

It creates a temporary PostgreSQL database, imports the shared draws 1-1200, trains and activates
a model, starts ``jinlotto serve --workers N`` with ``ENABLE_ML=true`` and
``WARMUP_ON_STARTUP=true``, then runs wrk (concurrency 32) against:

- ``GET /api/version`` — a trivial JSON endpoint of the same app (the reference);
- ``POST /api/predict`` by repeat visitors (their games for today already stored, and read
  once by every worker in a first pass of 3 s);
- ``POST /api/predict`` by new visitors (no cookie: generate with the model, store one row);
- ``GET /api/health``, then with 4 connections idle, while new visitors load the server, and
  while new visitors are paced below capacity (each connection pauses between answers for what
  would leave half the rate the server managed; wrk's pauses come out longer, so the share of
  capacity reached is printed);
- ``GET /api/health`` as a load balancer asks it (one connection, a request every 10 ms), idle
  and while new visitors load the server.

It prints each rate as a share of the reference; the CPU time each kind of request costs the
workers and this database's PostgreSQL backends (less disturbed by a busy machine than requests
per second); the memory of each worker (RSS, and PSS/USS from ``/proc/PID/smaps_rollup``: pages
shared with the master and the other workers count once); and the cold start, launch to the
first ``/api/predict`` answered with the active model.

Goals: repeat-visitor predict >= 1/2 of the reference requests/s and p99 < 20 ms; new-visitor
predict >= 1/3 of the reference and p99 < 50 ms; health p99 < 5 ms, and under new-visitor load
at most 1.5x its idle p50/p99; memory <= 150 MB per worker; cold start < 2 s.
"""

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import psycopg
from scratch import ADMIN_DSN, database_name, fill, scratch_database

from jinlotto.config import Settings

REPEAT_VISITORS = 512
PACED = "new visitors, paced"
PROBE_IDLE = "health probe every 10 ms, idle"
PROBE_LOADED = "health probe during new visitors"
BODY = '{"num_sets": 5}'


@dataclass(frozen=True)
class Run:
    """What one wrk run measured."""

    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    app_cpu_ms: float | None = None  # CPU of the workers per request
    db_cpu_ms: float | None = None  # CPU of this database's PostgreSQL backends per request


def wrk(url: str, path: str, duration: int, script: Path | None, connections: int = 32) -> Run:
    """Requests per second and latency percentiles of one wrk run."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, url + path], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  warning: {errors.group(1)} non-2xx responses on {path}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    return Run(rate, _percentile_ms(output, "50%"), _percentile_ms(output, "99%"), requests)


def _percentile_ms(output: str, label: str) -> float:
    value, unit = re.search(label + r"\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk_during(url: str, duration: int, load: Callable[[], Run]) -> tuple[Run, Run]:
    """``load`` and, at the same time, health with 4 connections for the same time."""
    return during(load, lambda: wrk(url, "/api/health", duration, None, connections=4))


def during(load: Callable[[], Run], beside: Callable[[], Run]) -> tuple[Run, Run]:
    """``load`` and ``beside`` run at the same time."""
    measured: list[Run] = []
    thread = threading.Thread(target=lambda: measured.append(beside()))
    thread.start()
    loaded = load()
    thread.join()
    return loaded, measured[0]


def probe(url: str, duration: int) -> Run:
    """``GET /api/health`` as a load balancer asks it: one connection, a request every 10 ms
    (wrk with 4 connections is a second load of thousands of requests a second)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    latencies = []
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", "/api/health")
        connection.getresponse().read()
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.01)
    connection.close()
    latencies.sort()
    return Run(
        len(latencies) / duration,
        latencies[len(latencies) // 2],
        latencies[int(len(latencies) * 0.99)],
        len(latencies),
    )


def predict_script(directory: Path, keys: list[str] | None, pause_ms: float = 0) -> Path:
    """A wrk Lua script posting predict requests, cycling through ``keys`` as cookies; with
    ``pause_ms`` each connection waits that long after each answer (a load below capacity)."""
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
    if pause_ms:
        lines += [f"delay = function() return {pause_ms:.0f} end"]
    path = directory / (("repeat" if keys else "new") + (f"-{pause_ms:.0f}" if pause_ms else ""))
    path = path.with_suffix(".lua")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def worker_memory_mb(master_pid: int) -> list[tuple[float, float, float]]:
    """(RSS, PSS, USS) of each gunicorn worker (children of the master), in MB."""
    sizes = []
    for pid in _children(master_pid):
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        kb = {key: int(value) for key, value in re.findall(r"^(\w+):\s+(\d+) kB", rollup, re.M)}
        unique = kb["Private_Clean"] + kb["Private_Dirty"]
        sizes.append((kb["Rss"] / 1024, kb["Pss"] / 1024, unique / 1024))
    return sizes


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes used so far (processes gone count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / os.sysconf("SC_CLK_TCK")


def costed(master_pid: int, database: str, measure: Callable[[], Run]) -> Run:
    """``measure`` with the CPU time its requests cost the workers and the database."""
    workers = [int(pid) for pid in _children(master_pid)]
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchall()
    backends = [int(pid) for (pid,) in rows]  # pooled: the same backends serve the whole run
    app, db = cpu_seconds(workers), cpu_seconds(backends)
    run = measure()
    app, db = cpu_seconds(workers) - app, cpu_seconds(backends) - db
    return replace(run, app_cpu_ms=app * 1000 / run.requests, db_cpu_ms=db * 1000 / run.requests)


def _children(master_pid: int) -> list[str]:
    return Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()


def first_prediction(url: str, launched: float) -> float:
    """Seconds from ``launched`` until /api/predict answers with the active model."""
    deadline = launched + 90
    while time.monotonic() < deadline:
        try:
            reply = httpx.post(url + "/api/predict", json={"num_sets": 5}, timeout=5)
            if reply.status_code == 200 and reply.json()["model_version"] is not None:
                return time.monotonic() - launched
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise SystemExit("the server did not answer /api/predict with the model")


def run(workers: int, duration: int, port: int, directory: Path, database_url: str) -> None:
    model_dir = directory / "models"
    fill(
        Settings(_env_file=None, database_url=database_url, model_dir=model_dir),  # type: ignore[call-arg]
        train=True,
    )
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
    launched = time.monotonic()
    server = subprocess.Popen([*command, "--workers", str(workers)], env=env, cwd=directory)
    try:
        cold_start = first_prediction(url, launched)
        keys = [uuid.uuid4().hex for _ in range(REPEAT_VISITORS)]
        with httpx.Client(base_url=url, timeout=30) as client:
            for key in keys:  # the first request of each repeat visitor stores today's games
                reply = client.post("/api/predict", json={"num_sets": 5}, cookies={"jl_uid": key})
                reply.raise_for_status()
            print(f"strategy served: {reply.json()['strategy']} ({reply.json()['model_version']})")
        new_script = predict_script(directory, None)
        database = database_name(database_url)
        repeat_script = predict_script(directory, keys)
        # Every worker keeps the visitors it has read; a first pass of the repeat visitors lets
        # each worker read them all once, so that the measured run is of visitors it has seen.
        wrk(url, "/api/predict", 3, repeat_script)
        results = {
            "trivial GET /api/version": costed(
                server.pid, database, lambda: wrk(url, "/api/version", duration, None)
            ),
            "repeat-visitor POST /api/predict": costed(
                server.pid, database, lambda: wrk(url, "/api/predict", duration, repeat_script)
            ),
            "new-visitor POST /api/predict": costed(
                server.pid, database, lambda: wrk(url, "/api/predict", duration, new_script)
            ),
            "GET /api/health": costed(
                server.pid, database, lambda: wrk(url, "/api/health", duration, None)
            ),
            "GET /api/health -c4 idle": wrk(url, "/api/health", duration, None, connections=4),
            PROBE_IDLE: probe(url, duration),
        }
        loaded, health = wrk_during(
            url, duration, lambda: wrk(url, "/api/predict", duration, new_script)
        )
        results["new-visitor POST /api/predict + health"] = loaded
        results["GET /api/health -c4 during new"] = health
        results[PROBE_LOADED] = during(
            lambda: wrk(url, "/api/predict", duration, new_script), lambda: probe(url, duration)
        )[1]
        # The same visitors below capacity: each connection pauses for as long as half its share
        # of the measured rate leaves between two answers (wrk's pauses come out longer).
        capacity = results["new-visitor POST /api/predict"]
        pause = 1000 * 32 / (capacity.rate / 2) - capacity.p50_ms
        paced_script = predict_script(directory, None, pause_ms=max(pause, 1))
        loaded, health = wrk_during(
            url, duration, lambda: wrk(url, "/api/predict", duration, paced_script)
        )
        results[PACED] = loaded
        results["GET /api/health -c4 during paced"] = health
        memory = worker_memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    report(results, memory, cold_start, workers, duration)


def report(
    results: dict[str, Run],
    memory: list[tuple[float, float, float]],
    cold_start: float,
    workers: int,
    duration: int,
) -> None:
    print(f"\nwrk -t2 -c32 -d{duration}s, {workers} gunicorn workers, {os.cpu_count()} CPUs")
    reference = results["trivial GET /api/version"].rate
    for name, run in results.items():
        # wrk's latencies of a paced run are not the server's: only its rate is printed.
        latency = "" if name == PACED else f"  p50 {run.p50_ms:6.2f}  p99 {run.p99_ms:7.2f} ms"
        print(f"{name:40s} {run.rate:7.0f} req/s {run.rate / reference:5.2f}x{latency}")
    print("CPU per request (ms; workers / this database's PostgreSQL backends):")
    for name, run in results.items():
        if run.app_cpu_ms is not None and run.db_cpu_ms is not None:
            print(f"  {name:38s} {run.app_cpu_ms:6.3f} / {run.db_cpu_ms:6.3f}")
    repeat = results["repeat-visitor POST /api/predict"]
    new = results["new-visitor POST /api/predict"]
    idle = results["GET /api/health -c4 idle"]
    loaded = results["GET /api/health -c4 during new"]
    during_paced = results["GET /api/health -c4 during paced"]
    paced = results[PACED].rate / new.rate
    probe_idle, probe_loaded = results[PROBE_IDLE], results[PROBE_LOADED]
    print(f"repeat-visitor / trivial: {repeat.rate / reference:.2f} (goal >= 0.50, p99 < 20 ms)")
    print(f"new-visitor / trivial:    {new.rate / reference:.2f} (goal >= 0.33, p99 < 50 ms)")
    print(f"health p99: {results['GET /api/health'].p99_ms:.2f} ms (goal < 5 ms)")
    print(
        f"health under new-visitor load / idle: p50 {loaded.p50_ms / idle.p50_ms:.2f}x, "
        f"p99 {loaded.p99_ms / idle.p99_ms:.2f}x (goal <= 1.5x)"
    )
    print(
        f"health probe under new-visitor load / idle: p50 "
        f"{probe_loaded.p50_ms / probe_idle.p50_ms:.2f}x, "
        f"p99 {probe_loaded.p99_ms / probe_idle.p99_ms:.2f}x (goal <= 1.5x)"
    )
    print(
        f"health under new visitors at {paced:.0%} of capacity / idle: "
        f"p50 {during_paced.p50_ms / idle.p50_ms:.2f}x, "
        f"p99 {during_paced.p99_ms / idle.p99_ms:.2f}x"
    )
    for number, (rss, pss, uss) in enumerate(memory, 1):
        print(f"worker {number} MB: RSS {rss:.0f}  PSS {pss:.0f}  USS {uss:.0f} (goal <= 150)")
    print(f"cold start, launch to first model answer: {cold_start:.2f} s (goal < 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--port", type=int, default=8799)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: sudo apt-get install wrk")
    with scratch_database() as database_url, tempfile.TemporaryDirectory() as directory:
        run(arguments.workers, arguments.duration, arguments.port, Path(directory), database_url)


if __name__ == "__main__":
    main()
