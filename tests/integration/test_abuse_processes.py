"""Hostile input and abuse against real ``jinlotto serve`` processes on one PostgreSQL
database: one plain uvicorn process and one gunicorn with two workers.

Oversized bodies and headers are refused while they arrive, limits and the feedback quota hold
across processes, and only one admin collection runs at a time.
"""

import os
import secrets
import subprocess
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import sql
from sqlalchemy import func, select
from tests.conftest import POSTGRES_ADMIN_DSN
from tests.support.official_server import OfficialServer
from tests.support.processes import free_port, wait_healthy
from tests.support.raw_http import send_until_answered

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.models import FeedbackRecord
from jinlotto.db.session import build_engine

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MB = 1024 * 1024
FEEDBACK_PER_ADDRESS = 20


@dataclass(frozen=True)
class Site:
    urls: list[str]
    database: Database
    official: OfficialServer
    admin_token: str


@pytest.fixture(scope="module")
def site(
    shared_raw: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """Two servers (uvicorn, gunicorn with 2 workers) on one migrated, empty PostgreSQL
    database, trusting X-Forwarded-For from 127.0.0.1, collecting from a local official server."""
    name = f"jinlotto_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    engine = build_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    tmp_path = tmp_path_factory.mktemp("abuse")
    token = secrets.token_urlsafe(24)
    processes: list[subprocess.Popen[bytes]] = []
    with OfficialServer(shared_raw, latest=3) as official:
        env = os.environ | {
            "DATABASE_URL": url,
            "DATABASE_POOL_SIZE": "40",
            "ENABLE_ML": "false",
            "MODEL_DIR": str(tmp_path / "models"),
            "ADMIN_TOKEN": token,
            "LOTTO_API_URL": official.url,
            "HTTP_RETRIES": "0",
            "TRUSTED_PROXIES": "127.0.0.1",
            "RATE_LIMIT_FEEDBACK_IP": f"{FEEDBACK_PER_ADDRESS}/hour",
        }
        env.pop("REDIS_URL", None)  # the counters live in the shared database here
        urls = []
        database = Database.open(settings)
        try:
            for workers in (1, 2):
                port = free_port()
                command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)]
                command += ["--workers", str(workers)]
                processes.append(
                    subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL)
                )
                urls.append(f"http://127.0.0.1:{port}")
            for address, process in zip(urls, processes, strict=True):
                wait_healthy(address, process, timeout=180)  # a busy machine starts slowly
            yield Site(urls, database, official, token)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=20)
            database.close()
            with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def _stored_feedback(database: Database, visitor_key: str | None = None) -> int:
    query = select(func.count(FeedbackRecord.id))
    if visitor_key is not None:
        query = query.where(FeedbackRecord.visitor_key == visitor_key)
    with database.sessions() as session:
        return int(session.scalar(query) or 0)


def _post_feedback(url: str, number: int, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{url}/api/feedback", json={"message": f"message {number}"}, headers=headers, timeout=60
    )


def test_a_hundred_simultaneous_posts_with_one_cookie_store_exactly_the_hourly_quota(
    site: Site,
) -> None:
    visitor = "q" * 32

    def post(number: int) -> httpx.Response:
        headers = {
            "cookie": f"jl_uid={visitor}",
            "x-forwarded-for": f"198.51.100.{number}",  # many addresses: only the quota counts
        }
        return _post_feedback(site.urls[number % 2], number, headers)

    with ThreadPoolExecutor(max_workers=32) as pool:
        responses = list(pool.map(post, range(100)))
    assert Counter(response.status_code for response in responses) == {201: 5, 429: 95}
    refused = next(response for response in responses if response.status_code == 429)
    assert "per hour" in refused.json()["error"]
    assert 1 <= int(refused.headers["retry-after"]) <= 3600
    assert _stored_feedback(site.database, visitor) == 5


def test_posts_from_one_address_are_limited_across_processes_and_machines(site: Site) -> None:
    def post(number: int) -> httpx.Response:
        # No cookie: a new visitor each time, so only the address can be counted.
        return _post_feedback(site.urls[number % 2], number, {"x-forwarded-for": "203.0.113.9"})

    before = _stored_feedback(site.database)
    with ThreadPoolExecutor(max_workers=32) as pool:
        responses = list(pool.map(post, range(100)))
    statuses = Counter(response.status_code for response in responses)
    assert statuses == {201: FEEDBACK_PER_ADDRESS, 429: 100 - FEEDBACK_PER_ADDRESS}
    refused = next(response for response in responses if response.status_code == 429)
    assert refused.json()["error"].startswith("too many requests")
    assert int(refused.headers["retry-after"]) >= 1
    assert _stored_feedback(site.database) == before + FEEDBACK_PER_ADDRESS
    # Another address behind the same trusted proxy is its own client.
    assert _post_feedback(site.urls[0], 0, {"x-forwarded-for": "203.0.113.10"}).status_code == 201


@pytest.mark.parametrize("server", [0, 1], ids=["uvicorn", "gunicorn"])
def test_a_ten_megabyte_cookie_is_refused_before_it_is_read_whole(site: Site, server: int) -> None:
    url = site.urls[server]
    head = b"GET /api/health HTTP/1.1\r\nHost: jinlotto\r\nCookie: jl_uid="
    answer = send_until_answered(url, head, pieces=160, piece=b"x" * 65536)  # 10 MB
    # Refused as a bad request (a parser reading it whole would answer 200). How much the
    # client got to send depends on the kernel's socket buffers, so it is not asserted here.
    assert answer.status == 400
    assert httpx.get(f"{url}/api/health", timeout=10).status_code == 200


def test_a_huge_feedback_is_refused_while_it_streams(site: Site) -> None:
    url = site.urls[0]
    piece = b"10000\r\n" + b"x" * 65536 + b"\r\n"  # one 64 kB chunk of a chunked body
    head = (
        b"POST /api/feedback HTTP/1.1\r\nHost: jinlotto\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    answer = send_until_answered(url, head, pieces=1600, piece=piece)  # 100 MB, no length
    assert answer.status == 413
    assert b'"too_large"' in answer.body and b"16 kB" in answer.body
    assert answer.bytes_sent < 30 * MB  # 16 kB read, the rest at most socket buffers
    declared = b"POST /api/feedback HTTP/1.1\r\nHost: jinlotto\r\nContent-Length: 104857600\r\n"
    answer = send_until_answered(url, declared + b"\r\n", pieces=0, piece=b"")
    assert answer.status == 413 and b'"error"' in answer.body


def test_a_photo_over_8_mb_without_a_length_is_refused_while_it_streams(site: Site) -> None:
    url = site.urls[1]
    boundary = b"jinlotto-boundary"
    part_head = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="image"; '
        b'filename="t.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8'
    )
    head = (
        b"POST /api/tickets/scan HTTP/1.1\r\nHost: jinlotto\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Type: multipart/form-data; boundary="
        + boundary
        + b"\r\n\r\n"
        + f"{len(part_head):x}\r\n".encode()
        + part_head
        + b"\r\n"
    )
    piece = b"10000\r\n" + b"\0" * 65536 + b"\r\n"
    answer = send_until_answered(url, head, pieces=1600, piece=piece)  # 100 MB
    assert answer.status == 413
    assert b"8 MB" in answer.body
    assert answer.bytes_sent < 40 * MB  # 8 MB read, the rest at most socket buffers


def test_admin_collections_run_one_at_a_time_across_processes(site: Site) -> None:
    official = site.official
    official.fault, official.fault_times = "held", 1
    official.arrived.clear()
    official.release.clear()
    auth = {"authorization": f"Bearer {site.admin_token}"}
    first: list[httpx.Response] = []
    running = threading.Thread(
        target=lambda: first.append(
            httpx.post(f"{site.urls[0]}/api/data/collect", headers=auth, timeout=60)
        )
    )
    running.start()
    try:
        assert official.arrived.wait(20), "the first collection never reached the source"
        second = httpx.post(f"{site.urls[1]}/api/data/collect", headers=auth, timeout=30)
        update = httpx.post(f"{site.urls[0]}/api/data/update", headers=auth, timeout=30)
    finally:
        official.release.set()
        running.join(60)
    assert second.status_code == 409 and "running" in second.json()["error"]
    assert update.status_code == 409
    assert first[0].status_code == 200, first[0].text
    again = httpx.post(f"{site.urls[1]}/api/data/update", headers=auth, timeout=60)
    assert again.status_code == 200, again.text
