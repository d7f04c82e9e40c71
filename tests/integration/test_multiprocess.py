"""Several real ``jinlotto serve`` processes on one PostgreSQL database behave like one.

The processes run with different confidence constants (``CONFIDENCES``): identical answers from
them can only come from the one stored row.
"""

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from sqlalchemy import func, select
from tests.conftest import POSTGRES_ADMIN_DSN
from tests.support.processes import free_port, wait_healthy

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.db.session import build_engine

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

VISITORS = [chr(ord("a") + i) * 32 for i in range(6)]
REQUESTS_PER_VISITOR = 8


# Confidence constants (CONF_MIN, CONF_BASE, CONF_MAX) per process: the scores of a generated
# game show which process made it, so identical answers can only come from one stored row.
CONFIDENCES = (("0.4", "0.4", "0.6"), ("0.8", "0.8", "0.8"), ("0.7", "0.7", "0.7"))


def _start_servers(
    count: int, postgres_url: str, draws_path: Path, folder: Path
) -> Iterator[list[str]]:
    """``count`` server processes on one migrated PostgreSQL database holding draws 1-1200."""
    engine = build_engine(Settings(_env_file=None, database_url=postgres_url))  # type: ignore[call-arg]
    migrate.upgrade(engine)
    engine.dispose()
    processes, urls = [], []
    try:
        for index, (low, base, high) in enumerate(CONFIDENCES[:count]):
            port = free_port()
            env = os.environ | {
                "DATABASE_URL": postgres_url,
                "ENABLE_ML": "false",
                "CONF_MIN": low,
                "CONF_BASE": base,
                "CONF_MAX": high,
                "MODEL_DIR": str(folder / "models"),
                # Every client here is one address: measure consistency, not the rate limits.
                "RATE_LIMITS_ENABLED": "false",
            }
            command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)]
            if index == 0:
                command += ["--import", str(draws_path)]
            process = subprocess.Popen(command, env=env, cwd=folder, stdout=subprocess.DEVNULL)
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            wait_healthy(urls[-1], process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


@pytest.fixture
def servers(postgres_url: str, shared_draws_path: Path, tmp_path: Path) -> Iterator[list[str]]:
    """Two server processes on one PostgreSQL database."""
    yield from _start_servers(2, postgres_url, shared_draws_path, tmp_path)


@pytest.fixture
def three_servers(
    postgres_url: str, shared_draws_path: Path, tmp_path: Path
) -> Iterator[list[str]]:
    """Three server processes on one PostgreSQL database."""
    yield from _start_servers(3, postgres_url, shared_draws_path, tmp_path)


def test_concurrent_first_requests_across_processes_store_one_row_and_agree(
    servers: list[str], postgres_url: str
) -> None:
    def ask(job: tuple[str, str]) -> dict[str, Any]:
        url, visitor = job
        response = httpx.post(
            f"{url}/api/predict",
            json={"num_sets": 5},
            headers={"cookie": f"jl_uid={visitor}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    jobs = [(servers[i % 2], visitor) for visitor in VISITORS for i in range(REQUESTS_PER_VISITOR)]
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(ask, jobs))
    by_visitor: dict[str, list[dict[str, Any]]] = {}
    for (_, visitor), answer in zip(jobs, answers, strict=True):
        by_visitor.setdefault(visitor, []).append(answer)
    for replies in by_visitor.values():
        assert all(reply == replies[0] for reply in replies)
    database = Database.open(Settings(_env_file=None, database_url=postgres_url))  # type: ignore[call-arg]
    try:
        with database.sessions() as session:
            rows = session.scalar(select(func.count(RecommendationRecord.id)))
    finally:
        database.close()
    assert rows == len(VISITORS)


def test_processes_really_differ_when_generating(servers: list[str]) -> None:
    """Control: a new visitor's scores show which process generated the games."""
    first, second = (
        httpx.post(f"{url}/api/predict", json={}, headers={"cookie": f"jl_uid={'z' * 31}{i}"})
        for i, url in enumerate(servers)
    )
    assert all(0.4 <= score <= 0.6 for score in first.json()["confidence_scores"])
    assert second.json()["confidence_scores"] == [0.8] * 5


LOAD_VISITORS = 200  # half arrive with a key of their own, half new (the server mints one)
VISITS = 3  # each visitor asks once per process, in a shuffled order


def _deadlocks(postgres_url: str) -> int:
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        row = connection.execute(
            "SELECT deadlocks FROM pg_stat_database WHERE datname = %s", (name,)
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_three_processes_under_concurrent_load_store_one_set_per_visitor(
    three_servers: list[str], postgres_url: str
) -> None:
    deadlocks_before = _deadlocks(postgres_url)
    keyed = [f"{index:032d}" for index in range(LOAD_VISITORS // 2)]
    newcomers = [f"new-{index}" for index in range(LOAD_VISITORS - len(keyed))]
    minted: dict[str, str] = {}  # newcomer -> the key its first answer set
    order = random.Random(0)

    def visit(visitor: str, url: str) -> tuple[int, dict[str, Any]]:
        key = minted.get(visitor, visitor if visitor in keyed else None)
        cookies = {"jl_uid": key} if key else {}
        response = httpx.post(f"{url}/api/predict", json={}, cookies=cookies, timeout=60)
        if key is None:
            minted[visitor] = response.cookies["jl_uid"]
        return response.status_code, response.json()

    def visitor_day(visitor: str) -> list[tuple[int, dict[str, Any]]]:
        urls = order_for[visitor]
        return [visit(visitor, url) for url in urls]

    order_for = {v: order.sample(three_servers, VISITS) for v in [*keyed, *newcomers]}
    with ThreadPoolExecutor(max_workers=32) as pool:
        # Keyed visitors' visits run in parallel with each other; a newcomer's later visits
        # carry the key its first answer set, so they run one after another.
        first_wave = [pool.submit(visit, v, url) for v in keyed for url in order_for[v]]
        newcomer_days = [pool.submit(visitor_day, v) for v in newcomers]
        side_traffic = [
            pool.submit(httpx.get, f"{three_servers[i % 3]}{path}", timeout=60)
            for i, path in enumerate(["/api/health", "/api/draws?limit=5", "/"] * 20)
        ]
        keyed_answers = [future.result() for future in first_wave]
        newcomer_answers = [future.result() for future in newcomer_days]
        side_statuses = [future.result().status_code for future in side_traffic]

    assert side_statuses == [200] * len(side_traffic)
    assert all(status == 200 for status, _ in keyed_answers), "no error under load"
    by_keyed = [keyed_answers[i : i + VISITS] for i in range(0, len(keyed_answers), VISITS)]
    for answers in [*by_keyed, *newcomer_answers]:
        assert [status for status, _ in answers] == [200] * VISITS
        assert all(body == answers[0][1] for _, body in answers), "same answer from every process"

    database = Database.open(Settings(_env_file=None, database_url=postgres_url))  # type: ignore[call-arg]
    try:
        with database.sessions() as session:
            keys = list(session.scalars(select(RecommendationRecord.visitor_key)))
    finally:
        database.close()
    assert sorted(keys) == sorted([*keyed, *minted.values()]), "one stored set per visitor"
    assert _deadlocks(postgres_url) == deadlocks_before == 0
