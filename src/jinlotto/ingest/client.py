"""A polite JSON-over-HTTP client: browser-like headers, a rate limit, timeouts and retries.

Timeouts, connection failures, 429 and 5xx replies are retried with exponential backoff and
jitter (tenacity). Anything else that is not a JSON document becomes a
:class:`DataSourceError` naming the URL and what came back.
"""

import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from types import TracebackType

import httpx
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from jinlotto.config import Settings
from jinlotto.errors import DataSourceError
from jinlotto.ingest.official import REFERER

logger = logging.getLogger(__name__)

BROWSER_HEADERS = {
    "User-Agent": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
    ),
    "Accept": "application/json, text/javascript, */*; q=0.01",
    "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8",
    "Referer": REFERER,
    "X-Requested-With": "XMLHttpRequest",
}
SNIPPET_CHARS = 80


class _TransientReplyError(Exception):
    """A reply worth asking again for (429 or 5xx)."""


class RateLimiter:
    """Spaces calls at least ``1 / per_second`` seconds apart, across threads."""

    def __init__(self, per_second: float) -> None:
        self._interval = 1.0 / per_second
        self._next_slot = time.monotonic()
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller's slot comes."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot)
            self._next_slot = slot + self._interval
        if slot > now:
            time.sleep(slot - now)


class PoliteClient:
    """Fetches JSON documents within the politeness settings; safe to share between threads."""

    def __init__(self, settings: Settings) -> None:
        self._retries = settings.http_retries
        self._backoff = settings.http_backoff_seconds
        self._timeout = settings.http_timeout_seconds
        self._limiter = RateLimiter(settings.http_requests_per_second)
        self._http = httpx.Client(
            headers=BROWSER_HEADERS,
            timeout=settings.http_timeout_seconds,
            follow_redirects=False,
            limits=httpx.Limits(max_connections=settings.http_concurrency),
        )

    def __enter__(self) -> "PoliteClient":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.close()

    def get_json(self, url: str, params: Mapping[str, str | int] | None = None) -> object:
        """The decoded JSON body of ``GET url?params``; a :class:`DataSourceError` otherwise."""
        # Merged by hand: httpx would replace a query the URL already has (the legacy one does).
        target = httpx.URL(url).copy_merge_params(params or {})
        shown = str(target)
        attempts = f"{self._retries + 1} attempt{'s' if self._retries else ''}"
        retrying = Retrying(
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self._backoff, jitter=self._backoff, max=30 * self._backoff
            ),
            retry=retry_if_exception_type((_TransientReplyError, httpx.TransportError)),
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    response = self._request(target, shown)
        except _TransientReplyError as error:
            raise DataSourceError(f"{shown}: {error} ({attempts})", detail={"url": shown}) from None
        except httpx.TimeoutException:
            raise DataSourceError(
                f"{shown}: no reply within {self._timeout:g} s ({attempts})",
                detail={"url": shown},
            ) from None
        except httpx.TransportError as error:
            raise DataSourceError(
                f"{shown}: cannot connect ({type(error).__name__}: {error}; {attempts})",
                detail={"url": shown},
            ) from None
        return _decode(response, shown)

    def _request(self, target: httpx.URL, shown: str) -> httpx.Response:
        self._limiter.wait()
        logger.debug("GET %s", shown)
        response = self._http.get(target)
        if response.status_code == httpx.codes.TOO_MANY_REQUESTS or response.status_code >= 500:
            logger.warning("GET %s answered %d; retrying", shown, response.status_code)
            raise _TransientReplyError(f"answered {response.status_code} {response.reason_phrase}")
        return response


def _decode(response: httpx.Response, shown: str) -> object:
    detail = {"url": shown, "status": response.status_code}
    if response.is_redirect:
        location = response.headers.get("location", "?")
        raise DataSourceError(
            f"{shown}: redirected ({response.status_code}) to {location}; the site may demand "
            "a login or block this address (try --source mirror)",
            detail=detail,
        )
    if response.status_code == httpx.codes.FORBIDDEN:
        raise DataSourceError(
            f"{shown}: access refused (403 Forbidden); the site may block this address "
            "(try --source mirror)",
            detail=detail,
        )
    if response.status_code != httpx.codes.OK:
        raise DataSourceError(
            f"{shown}: answered {response.status_code} {response.reason_phrase}", detail=detail
        )
    text = response.text
    if text.lstrip().startswith("<"):
        raise DataSourceError(
            f"{shown}: returned an HTML page instead of JSON ({_html_title(text)})", detail=detail
        )
    try:
        return json.loads(text)
    except ValueError:
        raise DataSourceError(
            f"{shown}: returned something that is not JSON: {text[:SNIPPET_CHARS]!r}",
            detail=detail,
        ) from None


def _html_title(text: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if match and match.group(1).strip():
        return f"title {match.group(1).strip()[:SNIPPET_CHARS]!r}"
    return f"starts {text.lstrip()[:SNIPPET_CHARS]!r}"
