"""The official client against a real local HTTP server speaking the official formats."""

import time

import pytest
from tests.support.official_server import OfficialServer

from jinlotto.config import Settings
from jinlotto.domain.draw import Draw
from jinlotto.errors import DataSourceError
from jinlotto.ingest.client import PoliteClient
from jinlotto.ingest.sources import fetch_mirror, fetch_official_draw, fetch_official_draws


def client_settings(**changes: object) -> Settings:
    fields: dict[str, object] = {
        "_env_file": None,
        "environment": "test",
        "http_retries": 2,
        "http_backoff_seconds": 0.01,
        "http_timeout_seconds": 2.0,
        "http_requests_per_second": 1000.0,
    }
    return Settings(**{**fields, **changes})  # type: ignore[arg-type]


def fetch(server: OfficialServer, draw_no: int, **changes: object) -> Draw | None:
    with PoliteClient(client_settings(**changes)) as client:
        return fetch_official_draw(client, server.url, draw_no)


def test_a_held_draw_is_read_with_browser_like_headers(
    official_server: OfficialServer, shared_draws: list[Draw]
) -> None:
    assert fetch(official_server, 1200) == shared_draws[1199]
    headers = {key.lower(): value for key, value in official_server.headers.items()}
    assert headers["referer"] == "https://www.dhlottery.co.kr/lt645/result"
    assert headers["x-requested-with"] == "XMLHttpRequest"
    assert headers["user-agent"].startswith("Mozilla/5.0")
    assert official_server.requests == ["/lt645/selectPstLt645Info.do?srchLtEpsd=1200"]


def test_a_draw_not_held_yet_is_none(official_server: OfficialServer) -> None:
    assert fetch(official_server, 1201) is None


def test_legacy_url_is_asked_with_drw_no(
    official_server: OfficialServer, shared_draws: list[Draw]
) -> None:
    with PoliteClient(client_settings()) as client:
        draw = fetch_official_draw(client, official_server.legacy_url, 1000)
        missing = fetch_official_draw(client, official_server.legacy_url, 1300)
    assert draw is not None and draw.numbers == shared_draws[999].numbers
    assert missing is None
    assert official_server.requests[0] == "/common.do?method=getLottoNumber&drwNo=1000"


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("html", "returned an HTML page instead of JSON (title '서비스 점검 안내')"),
        ("not_json", "returned something that is not JSON: 'Service temporarily unavailable'"),
        ("envelope", "unexpected reply shape: object with keys result, returnCode"),
        ("forbidden", "access refused (403 Forbidden)"),
        ("redirect", "redirected (302) to http://127.0.0.1:"),
    ],
)
def test_unusable_replies_name_the_url_and_what_came_back(
    official_server: OfficialServer, fault: str, message: str
) -> None:
    official_server.fault = fault
    with pytest.raises(DataSourceError) as caught:
        fetch(official_server, 7)
    assert caught.value.message.startswith(official_server.url + "?srchLtEpsd=7: ")
    assert message in caught.value.message
    assert len(official_server.requests) == 1, "only 5xx and timeouts are retried"


def test_invalid_numbers_are_a_data_source_error(official_server: OfficialServer) -> None:
    official_server.override(7, tm3WnNo=46)
    with pytest.raises(DataSourceError, match=r"srchLtEpsd=7: draw 7: numbers must be within"):
        fetch(official_server, 7)


def test_server_errors_are_retried_until_success(
    official_server: OfficialServer, shared_draws: list[Draw]
) -> None:
    official_server.fault, official_server.fault_times = "server_error", 2
    assert fetch(official_server, 9, http_retries=2) == shared_draws[8]
    assert official_server.draws_requested() == [9, 9, 9]


def test_server_errors_beyond_the_retries_give_up(official_server: OfficialServer) -> None:
    official_server.fault = "server_error"
    with pytest.raises(DataSourceError, match="answered 500 Internal Server Error"):
        fetch(official_server, 9, http_retries=1)
    assert official_server.draws_requested() == [9, 9]


def test_slow_replies_time_out_then_a_retry_succeeds(
    official_server: OfficialServer, shared_draws: list[Draw]
) -> None:
    official_server.fault, official_server.fault_times, official_server.delay = "slow", 1, 1.0
    assert fetch(official_server, 3, http_timeout_seconds=0.2) == shared_draws[2]
    assert official_server.draws_requested() == [3, 3], "the slow first reply was abandoned"


def test_a_reply_that_never_comes_is_a_timeout_error(official_server: OfficialServer) -> None:
    official_server.fault, official_server.delay = "slow", 1.0
    with pytest.raises(DataSourceError, match=r"no reply within 0.2 s \(2 attempts\)"):
        fetch(official_server, 3, http_timeout_seconds=0.2, http_retries=1)


def test_nothing_listening_is_a_connection_error() -> None:
    with (
        PoliteClient(client_settings(http_retries=0)) as client,
        pytest.raises(DataSourceError, match="cannot connect"),
    ):
        fetch_official_draw(client, "http://127.0.0.1:9/lt645/selectPstLt645Info.do", 1)


def test_many_draws_keep_order_and_mark_failures(
    official_server: OfficialServer, shared_draws: list[Draw]
) -> None:
    official_server.latest = 20
    official_server.fault, official_server.fault_draws = "html", {15}
    with PoliteClient(client_settings(http_retries=0)) as client:
        outcomes = fetch_official_draws(client, official_server.url, range(10, 23), concurrency=4)
    assert outcomes[:5] == shared_draws[9:14]
    assert isinstance(outcomes[5], DataSourceError)
    assert outcomes[6:11] == shared_draws[15:20]
    assert outcomes[11:] == [None, None]


def test_no_more_requests_at_once_than_the_concurrency(official_server: OfficialServer) -> None:
    official_server.fault, official_server.delay = "slow", 0.3
    with PoliteClient(client_settings(http_concurrency=2)) as client:
        outcomes = fetch_official_draws(client, official_server.url, range(1, 7), concurrency=2)
    assert all(isinstance(outcome, Draw) for outcome in outcomes)
    assert official_server.max_in_flight == 2


def test_the_request_rate_is_bounded(official_server: OfficialServer) -> None:
    started = time.monotonic()
    with PoliteClient(client_settings(http_requests_per_second=20.0)) as client:
        fetch_official_draws(client, official_server.url, range(1, 22), concurrency=8)
    assert time.monotonic() - started >= 1.0  # 21 requests 1/20 s apart span at least 1 s


def test_mirror_document_is_read_whole(
    official_server: OfficialServer, shared_draws: list[Draw]
) -> None:
    official_server.latest = 300
    with PoliteClient(client_settings()) as client:
        assert fetch_mirror(client, official_server.mirror_url) == shared_draws[:300]


def test_mirror_serving_html_is_a_data_source_error(official_server: OfficialServer) -> None:
    official_server.fault = "html"
    with PoliteClient(client_settings()) as client, pytest.raises(DataSourceError, match="HTML"):
        fetch_mirror(client, official_server.mirror_url)
