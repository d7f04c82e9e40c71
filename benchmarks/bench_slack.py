"""Request latency of ``jinlotto serve`` while Slack is absent, hanging or down.

Run: ``uv run python benchmarks/bench_slack.py [--requests 200]``.

For each case it starts ``jinlotto serve`` on a temporary SQLite database holding the shared
draws 1-1200 (ML off) and times sequential requests from this process:

- ``POST /api/feedback`` by new visitors: each queues one Slack message;
- ``POST /api/predict`` by new visitors: a model fallback would queue one too.

Cases: no ``SLACK_WEBHOOK_URL``; a webhook that accepts connections and never answers
(``SLACK_TIMEOUT_SECONDS=3``); a webhook on a closed port. Goal: the same latency in all three
(messages leave from a background thread), never the Slack timeout.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data" / "lotto645_draws.json"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def timings(url: str, path: str, body: dict[str, object], count: int) -> list[float]:
    seconds = []
    with httpx.Client(base_url=url, timeout=30) as client:
        for number in range(count):
            client.cookies.clear()
            payload = {"message": f"benchmark {number}"} if path == "/api/feedback" else body
            started = time.perf_counter()
            response = client.post(path, json=payload)
            seconds.append(time.perf_counter() - started)
            response.raise_for_status()
    return seconds


def describe(seconds: list[float]) -> str:
    ordered = sorted(seconds)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"median {statistics.median(ordered) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms, "
        f"max {ordered[-1] * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    hanging = socket.socket()  # listens, never accepts: connections wait in the backlog
    hanging.bind(("127.0.0.1", 0))
    hanging.listen(1024)
    cases = {
        "no Slack": None,
        "Slack hanging": f"http://127.0.0.1:{hanging.getsockname()[1]}/services/T/B/X",
        "Slack down": f"http://127.0.0.1:{free_port()}/services/T/B/X",
    }
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'bench.db'}"
        base = {
            **os.environ,
            "DATABASE_URL": database,
            "ENABLE_ML": "false",
            "LOG_LEVEL": "ERROR",
            "RATE_LIMITS_ENABLED": "false",  # every request comes from one address
        }
        subprocess.run(
            [sys.executable, "-m", "jinlotto", "data", "import", str(SHARED)],
            env=base,
            check=True,
            capture_output=True,
        )
        for case, webhook in cases.items():
            env = {**base, "SLACK_TIMEOUT_SECONDS": "3", "FEEDBACK_PER_HOUR": "1000"}
            if webhook:
                env["SLACK_WEBHOOK_URL"] = webhook
            port = free_port()
            process = serve(env, port)
            try:
                url = f"http://127.0.0.1:{port}"
                timings(url, "/api/predict", {}, 5)  # warm up: fit the strategy once
                feedback = timings(url, "/api/feedback", {}, args.requests)
                predict = timings(url, "/api/predict", {"num_sets": 5}, args.requests)
            finally:
                process.terminate()
                process.wait(30)
            print(f"{case:14} feedback {describe(feedback)}")
            print(f"{'':14} predict  {describe(predict)}")
    hanging.close()


if __name__ == "__main__":
    main()
