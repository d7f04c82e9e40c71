"""A real ``jinlotto serve`` in front of a private PostgreSQL that freezes, thaws, stops and starts.

Frozen (SIGSTOP of the postmaster and every backend) is a host that stops answering: its
sockets stay open and nothing ever replies. Through it the service must answer health with 503
within a second, refuse requests needing the database with a quick 503 (a bounded number of
threads may wait on it), keep serving the page and cached answers, and resume by itself.

The figures (``-rP`` shows them): ``uv run pytest -q -rP tests/integration/faults``.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.support.private_postgres import PrivatePostgres
from tests.support.processes import free_port, poll_until, wait_healthy

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.session import build_engine

pytestmark = pytest.mark.slow

POOL_SIZE = 4  # the most threads of the server that may wait on the database
HEALTH_DEADLINE = 0.3
FLOOD = 45  # new visitors asking at once: more than the server has threads to spare
ANSWER_BOUND = 1.0  # health, the page and cached answers: always within this, in seconds
REFUSAL_BOUND = 3.0  # a refused database request: the pool timeout at most, plus slack
REPEAT_VISITOR = "r" * 32


@dataclass
class Server:
    url: str
    cluster: PrivatePostgres

    def get(self, path: str, **options: object) -> "Timed":
        return timed(lambda: httpx.get(self.url + path, timeout=30, **options))  # type: ignore[arg-type]

    def predict(self, visitor: str | None = None) -> "Timed":
        cookies = {"jl_uid": visitor} if visitor else None
        return timed(
            lambda: httpx.post(f"{self.url}/api/predict", json={}, cookies=cookies, timeout=60)
        )


@dataclass
class Timed:
    response: httpx.Response
    seconds: float

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def ms(self) -> int:
        return round(self.seconds * 1000)


def timed(send: Callable[[], httpx.Response]) -> Timed:
    started = time.perf_counter()
    response = send()
    return Timed(response, time.perf_counter() - started)


@pytest.fixture(scope="module")
def server(shared_draws_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``jinlotto serve`` over a private cluster holding draws 1-1200."""
    folder = tmp_path_factory.mktemp("outage")
    with PrivatePostgres() as cluster:
        engine = build_engine(Settings(_env_file=None, database_url=cluster.url))  # type: ignore[call-arg]
        migrate.upgrade(engine)
        engine.dispose()
        port = free_port()
        env = os.environ | {
            "DATABASE_URL": cluster.url,
            "ENABLE_ML": "false",
            "MODEL_DIR": str(folder / "models"),
            "DATABASE_POOL_SIZE": str(POOL_SIZE),
            "DATABASE_CONNECT_TIMEOUT_SECONDS": "2",
            "HEALTH_TIMEOUT_SECONDS": str(HEALTH_DEADLINE),
        }
        command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--import", str(shared_draws_path)],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, process)
            yield Server(url, cluster)
        finally:
            cluster.thaw()
            process.terminate()
            process.wait(timeout=30)


def first_unhealthy(server: Server) -> tuple[Timed, float]:
    """Ask health until it says 503 (facts are cached up to a second); every answer is quick."""
    started = time.perf_counter()
    answers: list[Timed] = []

    def unhealthy() -> bool:
        answers.append(server.get("/api/health"))
        assert answers[-1].seconds < ANSWER_BOUND, f"health took {answers[-1].ms} ms"
        return answers[-1].status == 503

    poll_until(unhealthy, timeout=10, what="health to say 503")
    return answers[-1], time.perf_counter() - started


def resumed_after(server: Server) -> float:
    """Seconds until health says 200 again."""
    started = time.perf_counter()
    poll_until(lambda: server.get("/api/health").status == 200, timeout=30, what="health 200")
    return time.perf_counter() - started


def assert_served_without_the_database(server: Server) -> None:
    """The page and a repeat visitor's cached numbers answer quickly, database or not."""
    page = server.get("/")
    cached = server.predict(REPEAT_VISITOR)
    assert page.status == 200 and page.seconds < ANSWER_BOUND, (page.status, page.ms)
    assert cached.status == 200 and cached.seconds < ANSWER_BOUND, (cached.status, cached.ms)


def assert_clear_503(answer: Timed) -> None:
    assert answer.status == 503, answer.response.text
    assert answer.response.json() == {
        "error": "the database is unavailable; try again shortly",
        "detail": None,
    }
    assert answer.response.headers["retry-after"] == "2"


def test_a_frozen_database_gives_quick_503s_keeps_serving_and_resumes_by_itself(
    server: Server,
) -> None:
    assert server.predict(REPEAT_VISITOR).status == 200
    server.cluster.freeze()
    try:
        health, noticed = first_unhealthy(server)
        assert health.response.json()["database"] is False
        with ThreadPoolExecutor(max_workers=FLOOD) as pool:
            flood = [pool.submit(server.predict) for _ in range(FLOOD)]
            # Every request beyond the few allowed to wait on the database is refused quickly.
            poll_until(
                lambda: sum(f.done() for f in flood) >= FLOOD - POOL_SIZE,
                timeout=30,
                what="the refusals",
            )
            refused = [f.result() for f in flood if f.done()]
            waiting = [f for f in flood if not f.done()]
            assert len(waiting) <= POOL_SIZE
            for answer in refused:
                assert_clear_503(answer)
                assert answer.seconds < REFUSAL_BOUND, answer.ms
            # With every allowed waiter stuck, the page, cached answers and health still answer,
            # and another request needing the database is refused at once.
            assert_served_without_the_database(server)
            assert_clear_503(server.get("/api/draws/latest"))
            late = server.predict()
            assert_clear_503(late)
            again = server.get("/api/health")
            assert again.status == 503 and again.seconds < ANSWER_BOUND
            server.cluster.thaw()
            resumed = resumed_after(server)
            waited = [f.result() for f in waiting]
        assert all(answer.status in (200, 503) for answer in waited)
    finally:
        server.cluster.thaw()
    fresh = server.predict()
    assert fresh.status == 200, fresh.response.text
    assert server.get("/api/draws/latest").status == 200
    print(
        f"frozen: health said 503 in {health.ms} ms ({noticed:.2f} s after the freeze); "
        f"{len(refused)} of {FLOOD} new visitors refused with 503 within "
        f"{max(a.ms for a in refused)} ms, {len(waiting)} waited (bound {POOL_SIZE}) and got "
        f"{sorted(a.status for a in waited)} after the thaw; then a new visitor refused in "
        f"{late.ms} ms; page and cached answers served; "
        f"health 200 again {resumed * 1000:.0f} ms after the thaw"
    )


def test_a_stopped_database_gives_quick_503s_and_service_resumes_when_it_starts(
    server: Server,
) -> None:
    assert server.predict(REPEAT_VISITOR).status == 200
    server.cluster.stop()
    try:
        health, noticed = first_unhealthy(server)
        refused = server.predict()
        assert_clear_503(refused)
        assert refused.seconds < REFUSAL_BOUND
        assert_clear_503(server.get("/api/draws/latest"))
        assert_served_without_the_database(server)
    finally:
        server.cluster.start()
    resumed = resumed_after(server)
    fresh = server.predict()
    assert fresh.status == 200, fresh.response.text
    assert server.get("/api/draws/latest").status == 200
    print(
        f"stopped: health said 503 in {health.ms} ms ({noticed:.2f} s after the stop); "
        f"a new visitor refused with 503 in {refused.ms} ms; page and cached answers served; "
        f"health 200 again {resumed * 1000:.0f} ms after the start"
    )
