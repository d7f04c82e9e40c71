"""CPU a new visitor's ``POST /api/predict`` costs, measured in-process (no HTTP server, no wrk).

Run: ``uv run python benchmarks/bench_visitor.py [--requests 2000] [--ml] [--rate-limits]``.
PostgreSQL on 127.0.0.1:5432 (user postgres). It creates a temporary database,
imports the shared draws 1-1200 (with ``--ml`` also trains and activates a model), then prints
the CPU microseconds of this process per:

- generation of a new visitor's five games (``Recommender.generate`` with default options);
- full new-visitor predict, each request handed straight to the ASGI application without a
  cookie (routing, rate limits, generation, the stored row, JSON, the cookie; no HTTP parsing),
  and ``GET /api/version`` the same way as the trivial reference.

CPU time (``time.process_time``) is less disturbed by a busy machine than wall time, but it is
still noisy there: compare runs made back to back. Each request's row is inserted alone here
(under load the service shares statements), so the database part weighs more than in
``bench_web.py``. For where the time goes, sample every thread holding the GIL: ``uv run --with
py-spy py-spy record --gil -f raw -o out.txt -- .venv/bin/python benchmarks/bench_visitor.py``.
"""

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from scratch import fill, scratch_database
from starlette.types import ASGIApp, Message

from jinlotto.api.app import create_app
from jinlotto.config import Settings
from jinlotto.services.recommend import GAMES_PER_DAY, RecommendOptions
from jinlotto.services.recommender import Recommender


def cpu_us(action: Callable[[int], object], count: int) -> float:
    """CPU microseconds of this process per call of ``action(i)``, ``i`` in ``range(count)``."""
    started = time.process_time()
    for i in range(count):
        action(i)
    return (time.process_time() - started) * 1e6 / count


def generation_us(recommender: Recommender, count: int) -> float:
    options = RecommendOptions()

    def generate(_: int) -> None:  # as for a visitor: games made ahead, several at a time
        recommender.generate(options.strategy, options.filters, GAMES_PER_DAY)

    for i in range(50):  # fit the strategies first
        generate(-i)
    return cpu_us(generate, count)


async def call(app: ASGIApp, method: str, path: str, body: bytes, client: int) -> int:
    """The status of one request handed straight to the ASGI application (no cookie), from
    address number ``client`` (so that rate limits count many addresses, like a site)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench"), (b"content-type", b"application/json")],
        "client": (f"10.{client >> 16 & 255}.{client >> 8 & 255}.{client & 255}", 50000),
        "server": ("bench", 80),
    }
    sent = False
    status = 0

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def requests_cpu_us(app: ASGIApp, method: str, path: str, count: int) -> float:
    """CPU microseconds of this process per request (all threads), after a few warm ones."""
    body = b"{}" if method == "POST" else b""
    for client in range(20):
        await call(app, method, path, body, client)
    started = time.process_time()
    for client in range(20, 20 + count):
        status = await call(app, method, path, body, client)
        if status != 200:
            raise SystemExit(f"{method} {path} answered {status}")
    return (time.process_time() - started) * 1e6 / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--ml", action="store_true", help="train and activate a model")
    parser.add_argument("--rate-limits", action="store_true", help="count rate limits (database)")
    args = parser.parse_args()
    with scratch_database() as url, tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=url,
            model_dir=Path(folder) / "models",
            enable_ml=args.ml,
            rate_limits_enabled=args.rate_limits,
            warmup_on_startup=True,
        )
        fill(settings, train=args.ml)
        app = create_app(settings)
        with TestClient(app):  # runs the lifespan: the service state, warmed up
            asyncio.run(report(app, args))


async def report(app: FastAPI, args: argparse.Namespace) -> None:
    count = args.requests
    print(f"{datetime.now(UTC):%H:%M} UTC, ml {args.ml}, rate limits {args.rate_limits}")
    generation = generation_us(app.state.service.recommender, count)
    print(f"generation of 5 games, new visitor     {generation:8.0f} µs")
    version_us = await requests_cpu_us(app, "GET", "/api/version", count)
    predict_us = await requests_cpu_us(app, "POST", "/api/predict", count)
    print(f"POST /api/predict, new visitor         {predict_us:8.0f} µs")
    print(f"GET /api/version (reference)           {version_us:8.0f} µs")
    print(f"version / predict CPU                  {version_us / predict_us:8.2f}")


if __name__ == "__main__":
    main()
