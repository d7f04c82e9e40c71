"""Soak: minutes of mixed traffic against ``jinlotto serve --workers 2`` on PostgreSQL.

Setup: PostgreSQL on 127.0.0.1:5432 (user postgres). Run:
``uv run python benchmarks/bench_soak.py [--minutes 10] [--clients 8]``.

It creates a temporary PostgreSQL database holding the shared draws 1-1200, starts the server
with two workers, and keeps ``--clients`` threads sending a mix of requests: the page, predict
by new and by repeat visitors, health, draw pages, ticket checks and feedback. Every ~10 s it
samples each worker's resident memory and open file descriptors, the database's connections
(``pg_stat_activity``), and the requests and errors (5xx or no answer) since the last sample.
At the end it prints every sample and the drift from the first minute to the last.

Goals: no errors; worker memory, descriptors and connections flat (drift within noise) after
the first minute.
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

import httpx
import psycopg
from scratch import ADMIN_DSN, database_name, fill, scratch_database

from jinlotto.config import Settings

SAMPLE_SECONDS = 10
REPEAT_VISITORS = 200


@dataclass
class Sample:
    at: float  # seconds since the traffic started
    rss_mb: list[float]  # per worker
    fds: list[int]  # per worker
    connections: int
    requests: int
    errors: int


class Traffic:
    """Client threads sending the mix, counting answers by kind."""

    def __init__(self, url: str, clients: int) -> None:
        self.url = url
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._client, args=(seed,), daemon=True)
            for seed in range(clients)
        ]
        self.repeat_keys = [f"{seed:032d}" for seed in range(REPEAT_VISITORS)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def taken(self) -> tuple[int, int]:
        """Requests and errors since the last call."""
        with self.lock:
            requests, errors = self.counts["requests"], self.counts["errors"]
            self.counts.clear()
        return requests, errors

    def _client(self, seed: int) -> None:
        chooser = random.Random(seed)
        requests = self._requests(chooser)
        names = list(requests)
        weights = [weight for weight, _ in requests.values()]
        with httpx.Client(base_url=self.url, timeout=30) as client:
            while not self.stop.is_set():
                name = chooser.choices(names, weights)[0]
                try:
                    status = requests[name][1](client).status_code
                    failed = status >= 500
                except httpx.HTTPError:
                    failed = True
                with self.lock:
                    self.counts["requests"] += 1
                    self.counts["errors"] += failed
                    self.counts[f"error {name}"] += failed

    def _requests(
        self, chooser: random.Random
    ) -> dict[str, tuple[int, Callable[[httpx.Client], httpx.Response]]]:
        def repeat(client: httpx.Client) -> httpx.Response:
            key = chooser.choice(self.repeat_keys)
            client.cookies.clear()
            return client.post("/api/predict", json={}, cookies={"jl_uid": key})

        def new(client: httpx.Client) -> httpx.Response:
            client.cookies.clear()
            return client.post("/api/predict", json={"num_sets": 5})

        def ticket(client: httpx.Client) -> httpx.Response:
            game = sorted(chooser.sample(range(1, 46), 6))
            draw_no = chooser.randint(1, 1200)
            return client.post("/api/tickets/check", json={"draw_no": draw_no, "games": [game]})

        def draws(client: httpx.Client) -> httpx.Response:
            return client.get("/api/draws", params={"offset": chooser.randint(0, 1180)})

        def feedback(client: httpx.Client) -> httpx.Response:
            return client.post("/api/feedback", json={"message": f"soak {chooser.random()}"})

        return {
            "page": (10, lambda client: client.get("/")),
            "predict_new": (10, new),
            "predict_repeat": (30, repeat),
            "health": (15, lambda client: client.get("/api/health")),
            "draws": (15, draws),
            "ticket_check": (15, ticket),
            "feedback": (5, feedback),
        }


def worker_pids(parent: int) -> list[int]:
    """The server's worker processes (children of the serving process)."""
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [int(pid) for pid in children]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_fds(pid: int) -> int:
    return sum(1 for _ in Path(f"/proc/{pid}/fd").iterdir())


def connections(database: str) -> int:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (database,)
        ).fetchone()
    return int(row[0]) if row else 0


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


def soak(server: subprocess.Popen[bytes], url: str, name: str, args: argparse.Namespace) -> None:
    traffic = Traffic(url, args.clients)
    samples: list[Sample] = []
    started = time.monotonic()
    traffic.start()
    try:
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(SAMPLE_SECONDS)
            pids = worker_pids(server.pid)
            requests, errors = traffic.taken()
            samples.append(
                Sample(
                    at=time.monotonic() - started,
                    rss_mb=[rss_mb(pid) for pid in pids],
                    fds=[open_fds(pid) for pid in pids],
                    connections=connections(name),
                    requests=requests,
                    errors=errors,
                )
            )
            print(describe(samples[-1]), flush=True)
    finally:
        traffic.finish()
    report(samples, traffic.counts)


def describe(sample: Sample) -> str:
    rss = "/".join(f"{value:.0f}" for value in sample.rss_mb)
    fds = "/".join(str(value) for value in sample.fds)
    rate = sample.requests / SAMPLE_SECONDS
    return (
        f"{sample.at:6.0f} s  rss {rss} MB  fds {fds}  pg {sample.connections:2d}  "
        f"{rate:6.1f} req/s  errors {sample.errors}"
    )


def report(samples: list[Sample], leftover: Counter[str]) -> None:
    if not samples:
        return
    first = [s for s in samples if s.at <= 60] or samples[:1]
    last = [s for s in samples if s.at >= samples[-1].at - 60] or samples[-1:]

    def drift(label: str, figure: Callable[[Sample], float], unit: str) -> None:
        before, after = mean(map(figure, first)), mean(map(figure, last))
        print(f"  {label:<22} {before:8.1f} -> {after:8.1f} {unit}  ({after - before:+.1f})")

    requests = sum(s.requests for s in samples)
    errors = sum(s.errors for s in samples)
    print(f"\n{requests} requests, {errors} errors (5xx or no answer)")
    print("first minute -> last minute (means):")
    drift("worker RSS, total", lambda s: sum(s.rss_mb), "MB")
    drift("open fds, total", lambda s: sum(s.fds), "")
    drift("PostgreSQL connections", lambda s: s.connections, "")
    drift("requests/s", lambda s: s.requests / SAMPLE_SECONDS, "")
    failing = {key: count for key, count in leftover.items() if key.startswith("error ") and count}
    if failing:
        print("errors in the last interval by kind:", failing)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8794)
    args = parser.parse_args()
    with scratch_database("jinlotto_soak") as database_url, tempfile.TemporaryDirectory() as folder:
        directory = Path(folder)
        settings = Settings(
            _env_file=None, database_url=database_url, model_dir=directory / "models"
        )  # type: ignore[call-arg]
        fill(settings, train=False)
        url = f"http://127.0.0.1:{args.port}"
        env = os.environ | {
            "DATABASE_URL": database_url,
            "MODEL_DIR": str(directory / "models"),
            "ENABLE_ML": "false",
            "RATE_LIMITS_ENABLED": "false",  # one load generator is one address
            "LOG_LEVEL": "WARNING",
            "PROMETHEUS_MULTIPROC_DIR": str(directory / "metrics"),
        }
        command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(args.port)]
        server = subprocess.Popen([*command, "--workers", "2"], env=env, cwd=directory)
        try:
            wait_healthy(url)
            print(f"soaking {url} for {args.minutes} min with {args.clients} clients")
            soak(server, url, database_name(database_url), args)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
