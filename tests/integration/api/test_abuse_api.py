"""Hostile input and abuse through the application: text that is not text, rate limits per
address and visitor (in the database or in Redis), the admin surface, and the headers every
response carries. Oversized bodies and headers are in tests/integration/test_abuse_processes.py
(they need a real server)."""

import itertools
import json
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select
from tests.integration.api.conftest import ClientFactory

from jinlotto.api.app import create_app
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import FeedbackRecord, RateLimitRecord, RecommendationRecord

TOKEN = "abuse-test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COOKIE = {"cookie": "jl_uid=" + "v" * 32}
SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options")


def _rows(database: Database, table: type[object]) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    assert not [record for record in caplog.records if record.exc_info], caplog.text
    assert all(record.levelno < logging.ERROR for record in caplog.records), caplog.text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nul\x00byte", "control characters"),
        ("bell\x07", "control characters"),
        ("lone \ud800 surrogate", "invalid request"),  # pydantic's check may come first
    ],
)
def test_text_fields_refuse_control_characters_with_a_clear_422(
    empty_client: TestClient,
    database: Database,
    caplog: pytest.LogCaptureFixture,
    text: str,
    problem: str,
) -> None:
    client = empty_client
    bodies = {
        "/api/feedback": {"message": text},
        "/api/predict": {"strategy": text},
        "/api/tickets/check": {"qr": text},
    }
    for (path, body), headers in itertools.product(bodies.items(), ({}, COOKIE)):
        # json.dumps writes \u escapes, which also carry a lone surrogate.
        raw = json.dumps(body).encode()
        response = client.post(
            path, content=raw, headers={"content-type": "application/json", **headers}
        )
        assert response.status_code == 422, (path, response.text)
        assert problem in response.json()["error"], path
    assert _rows(database, FeedbackRecord) == 0
    # Tabs and line breaks are text.
    assert client.post("/api/feedback", json={"message": "a\tb\r\nc"}).status_code == 201
    _no_traceback(caplog)


def test_list_lengths_are_bounded_by_the_schema(empty_client: TestClient) -> None:
    client = empty_client
    long_game = client.post("/api/tickets/check", json={"draw_no": 1, "games": [[1] * 500]})
    assert long_game.status_code == 422
    assert "at most 6" in long_game.json()["error"]
    many_filters = {f"option{index}": 1 for index in range(17)}
    response = client.post("/api/predict", json={"filters": many_filters})
    assert response.status_code == 422
    assert "at most 16" in response.json()["error"]


def test_predict_is_limited_per_visitor_and_cookieless_predicts_per_address(
    make_client: ClientFactory, loaded: Database
) -> None:
    with make_client(rate_limit_predict="3/minute", rate_limit_new_visitor_ip="2/minute") as client:
        known = [client.post("/api/predict", json={}, headers=COOKIE) for _ in range(4)]
        client.cookies.clear()
        other = client.post("/api/predict", json={}, headers={"cookie": "jl_uid=" + "w" * 32})
        cookieless = []
        for _ in range(4):
            client.cookies.clear()
            cookieless.append(client.post("/api/predict", json={}))
    assert [response.status_code for response in known] == [200, 200, 200, 429]
    refused = known[-1]
    assert refused.json() == {"error": "too many requests; please try again later", "detail": None}
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert all(name in refused.headers for name in SECURITY_HEADERS)
    assert other.status_code == 200
    assert [response.status_code for response in cookieless] == [200, 200, 429, 429]
    # Two visitors with cookies and two new visitors: four stored rows, not six.
    assert _rows(loaded, RecommendationRecord) == 4


def test_forwarded_for_counts_only_behind_a_trusted_proxy(
    settings: Settings, database: Database
) -> None:
    limited = settings.model_copy(
        update={
            "enable_ml": False,
            "rate_limit_feedback_ip": "2/hour",
            "trusted_proxies": Settings(trusted_proxies="10.0.0.0/8").trusted_proxies,  # type: ignore[call-arg]
        }
    )

    def statuses(peer: str) -> list[int]:
        app = create_app(limited)
        codes = []
        with TestClient(app, client=(peer, 40000)) as client:
            for index in range(3):
                client.cookies.clear()
                forwarded = {"x-forwarded-for": f"192.0.2.{index}, {peer}"}
                codes.append(
                    client.post(
                        "/api/feedback", json={"message": "m"}, headers=forwarded
                    ).status_code
                )
        return codes

    assert statuses("10.1.2.3") == [201, 201, 201]  # three clients behind the proxy
    assert statuses("198.51.100.1") == [201, 201, 429]  # one client claiming to be three


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of its own on the machine's Redis, its keys deleted afterwards."""
    prefix = f"jinlotto-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    keys = list(connection.scan_iter(f"{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def test_with_redis_the_counters_are_shared_by_every_instance(
    make_client: ClientFactory, database: Database, redis_prefix: str
) -> None:
    shared = {
        "redis_url": SecretStr("redis://127.0.0.1:6379/0"),
        "rate_limit_key_prefix": redis_prefix,
        "rate_limit_feedback_ip": "3/hour",
    }
    codes = []
    for _ in range(2):  # two application instances, as two processes or machines would be
        with make_client(**shared) as client:
            for _ in range(2):
                client.cookies.clear()
                codes.append(client.post("/api/feedback", json={"message": "m"}).status_code)
    assert codes == [201, 201, 201, 429]
    connection = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    assert list(connection.scan_iter(f"{redis_prefix}*"))
    connection.close()
    assert _rows(database, RateLimitRecord) == 0  # nothing counted in the database


def test_without_a_token_every_admin_route_is_404_whatever_the_body(
    empty_client: TestClient,
) -> None:
    client = empty_client
    for path in ("/api/data/collect", "/api/data/update", "/api/data/sync-db"):
        for body in (b"{not json", b'{"source": 5}', b"x" * 1000):
            response = client.post(
                path, content=body, headers={"content-type": "application/json", **AUTH}
            )
            assert response.status_code == 404, (path, body[:10], response.text)
            assert set(response.json()) == {"error", "detail"}


def test_refused_admin_tokens_are_logged_without_the_token_and_then_limited(
    make_client: ClientFactory, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "wrong-token-never-logged"
    with make_client(admin_token=SecretStr(TOKEN), rate_limit_admin_failures_ip="3/hour") as client:
        malformed = client.post(
            "/api/data/collect",
            content=b"{not json",
            headers={"content-type": "application/json", "authorization": f"Bearer {wrong}"},
        )
        attempts = [
            client.post("/api/data/update", headers={"authorization": f"Bearer {wrong}"})
            for _ in range(3)
        ]
        right_token_too_late = client.post("/api/data/update", headers=AUTH)
    assert malformed.status_code == 401  # the token is checked before the body is parsed
    assert [response.status_code for response in attempts] == [401, 401, 429]
    assert right_token_too_late.status_code == 429
    assert int(right_token_too_late.headers["retry-after"]) > 0
    refusals = [record for record in caplog.records if "admin token refused" in record.message]
    assert len(refusals) == 3
    assert wrong not in caplog.text and TOKEN not in caplog.text


def test_sync_db_never_echoes_a_server_file_that_is_not_a_draw_file(
    make_client: ClientFactory, database: Database, tmp_path: Path
) -> None:
    secret_file = tmp_path / "environ"
    secret_file.write_bytes(b"API_KEY=hunter2-secret\x00OTHER=value,with,commas\x00")
    with make_client(admin_token=SecretStr(TOKEN)) as client:
        own = client.post("/api/data/sync-db", headers=AUTH, json={"path": str(secret_file)})
        environ = client.post(
            "/api/data/sync-db", headers=AUTH, json={"path": "/proc/self/environ"}
        )
        nul = client.post("/api/data/sync-db", headers=AUTH, json={"path": "/tmp/a\x00b"})
    assert own.status_code == 422
    assert own.json()["error"] == f"{secret_file} is not a draw file (JSON or CSV of draws)"
    assert "hunter2" not in own.text and "OTHER" not in own.text
    assert environ.status_code == 422 and "not a draw file" in environ.json()["error"]
    assert os.environ["PATH"] not in environ.text
    assert nul.status_code == 422 and "control characters" in nul.json()["error"]


def test_security_headers_are_on_errors_and_500s_too(
    settings: Settings, database: Database
) -> None:
    app = create_app(settings.model_copy(update={"enable_ml": False}))

    def broken() -> None:
        raise RuntimeError("boom")

    app.add_api_route("/api/test/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        responses = {
            "500": client.get("/api/test/broken"),
            "404": client.get("/no/such/page"),
            "422": client.post("/api/feedback", json={}),
            "413": client.post("/api/feedback", content=b"x" * 20_000),
        }
    assert {name: response.status_code for name, response in responses.items()} == {
        "500": 500,
        "404": 404,
        "422": 422,
        "413": 413,
    }
    for name, response in responses.items():
        missing = [header for header in SECURITY_HEADERS if header not in response.headers]
        assert not missing, (name, missing)
        assert set(response.json()) == {"error", "detail"}, name


def test_cors_is_closed_unless_origins_are_configured(
    make_client: ClientFactory, database: Database
) -> None:
    preflight = {
        "origin": "https://friend.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
    }
    with make_client() as client:
        closed = client.options("/api/predict", headers=preflight)
        plain = client.get("/api/health", headers={"origin": "https://friend.example"})
    with make_client(cors_origins=["https://friend.example"]) as client:
        opened = client.options("/api/predict", headers=preflight)
        stranger = client.options(
            "/api/predict", headers={**preflight, "origin": "https://evil.example"}
        )
    assert "access-control-allow-origin" not in closed.headers
    assert "access-control-allow-origin" not in plain.headers
    assert opened.headers["access-control-allow-origin"] == "https://friend.example"
    assert "access-control-allow-origin" not in stranger.headers


def test_metrics_can_require_a_token(make_client: ClientFactory, database: Database) -> None:
    with make_client(metrics_token=SecretStr("metrics-token-for-tests")) as client:
        anonymous = client.get("/metrics")
        wrong = client.get("/metrics", headers={"authorization": "Bearer nope"})
        right = client.get("/metrics", headers={"authorization": "Bearer metrics-token-for-tests"})
    assert anonymous.status_code == 401 and wrong.status_code == 401
    assert right.status_code == 200 and "jinlotto_http_requests_total" in right.text


def test_public_docs_in_production_are_warned_about_and_can_be_hidden(
    make_client: ClientFactory, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with make_client(environment="production") as client:
        assert client.get("/docs").status_code == 200
    assert "documentation is public" in caplog.text
    caplog.clear()
    with make_client(environment="production", api_docs=False) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
    assert "documentation is public" not in caplog.text
