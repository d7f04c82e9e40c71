"""Slack incoming-webhook messages: a synchronous primitive, and the service's notifier.

:func:`send_slack` posts one message and waits for Slack (for commands that report and exit).
:class:`Notifier` is what the service and the weekly job use: messages go into a bounded queue
and one background thread posts them with a short timeout, so a slow, failing or absent Slack
never slows or breaks the caller. A message that cannot be queued or delivered is dropped with
a log line. The webhook URL is a secret: no log line or error names it.
"""

import logging
import queue
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import httpx

from jinlotto.config import Settings
from jinlotto.services.messages import MessageKind, render

logger = logging.getLogger(__name__)

QUEUE_SIZE = 100
DEDUP_SECONDS = 600.0  # one message per cause of unhandled errors in this window


class _HideWebhook(logging.Filter):
    """Drops log records that would show a webhook URL (httpx logs every request's URL)."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(secret in message for secret in self.secrets)


_HIDE_WEBHOOK = _HideWebhook()


def _webhook(settings: Settings) -> str:
    """The configured webhook URL ("" when none), kept out of httpx's request log lines."""
    url = settings.slack_webhook_url.get_secret_value() if settings.slack_webhook_url else ""
    if url:
        _HIDE_WEBHOOK.secrets.add(url)
        httpx_logger = logging.getLogger("httpx")
        if _HIDE_WEBHOOK not in httpx_logger.filters:
            httpx_logger.addFilter(_HIDE_WEBHOOK)
    return url


def _post(client: httpx.Client, url: str, text: str) -> str | None:
    """Post one message; ``None`` when Slack took it, else why not (never the URL)."""
    try:
        response = client.post(url, json={"text": text})
    except Exception as error:  # a notification must never break its caller; the type is logged
        return type(error).__name__
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    return None


def error_origin(error: BaseException) -> str:
    """Where ``error`` was raised (``file.py:line`` of its innermost frame): with its type, the
    cause by which unhandled errors are reported once."""
    frames = traceback.extract_tb(error.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def send_slack(settings: Settings, text: str) -> bool:
    """Post ``text`` to ``SLACK_WEBHOOK_URL`` and wait; ``False`` (and a log line) when not
    delivered or not configured. Never raises."""
    url = _webhook(settings)
    if not url:
        return False
    with httpx.Client(timeout=settings.slack_timeout_seconds) as client:
        problem = _post(client, url, text)
    if problem is not None:
        logger.warning("Slack message not delivered: %s", problem)
        return False
    return True


class Notifier:
    """Queues Slack messages and posts them from one background thread.

    ``clock`` (monotonic seconds) times the de-duplication of unhandled errors; ``on_failure``
    is called with ``"queue_full"``, ``"send_failed"`` or ``"shutdown"`` for every dropped
    message.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        queue_size: int = QUEUE_SIZE,
        dedup_seconds: float = DEDUP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        on_failure: Callable[[str], object] = lambda reason: None,
    ) -> None:
        self.language = settings.slack_language
        self._url = _webhook(settings)
        self._timeout = settings.slack_timeout_seconds
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=queue_size)
        self._dedup_seconds = dedup_seconds
        self._clock = clock
        self._on_failure = on_failure
        self._last_sent: dict[str, float] = {}
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        if self._url:
            self._thread = threading.Thread(target=self._run, name="slack-notifier", daemon=True)
            self._thread.start()

    @property
    def enabled(self) -> bool:
        """Whether a webhook is configured."""
        return bool(self._url)

    def notify(self, kind: MessageKind, **values: object) -> bool:
        """Queue message ``kind`` in the configured language; whether it was queued."""
        if not self.enabled:
            return False
        return self.send(kind, render(kind, self.language, **values))

    def notify_once_per_cause(self, cause: str, kind: MessageKind, **values: object) -> bool:
        """Like :meth:`notify`, but at most once per ``cause`` every ``dedup_seconds``."""
        now = self._clock()
        with self._lock:
            last = self._last_sent.get(cause)
            if last is not None and now - last < self._dedup_seconds:
                logger.debug("Slack message for %s not repeated within the window", cause)
                return False
            self._last_sent = {
                key: at for key, at in self._last_sent.items() if now - at < self._dedup_seconds
            }
            self._last_sent[cause] = now
        return self.notify(kind, **values)

    def send(self, kind: str, text: str) -> bool:
        """Queue an already written message; ``False`` (and a log line if dropped) otherwise."""
        if not self.enabled:
            return False
        try:
            self._queue.put_nowait((kind, text))
        except queue.Full:
            self._drop(kind, "the queue is full", reason="queue_full")
            return False
        return True

    def _drop(self, kind: str, why: str, *, reason: str) -> None:
        logger.warning("Slack %s message dropped: %s", kind, why)
        self._on_failure(reason)

    def flush(self, timeout: float) -> bool:
        """Wait until every queued message was posted or dropped; ``False`` on timeout."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._queue.all_tasks_done.wait(remaining)
        return True

    def close(self, timeout: float) -> None:
        """Post what is queued (waiting at most ``timeout`` seconds), drop the rest, and stop
        the thread (within about one Slack timeout more)."""
        if self._thread is None:
            return
        if not self.flush(timeout):
            self._closing.set()  # the thread drops what is left instead of posting it
        try:
            self._queue.put(None, timeout=self._timeout + 1)  # tells the thread to stop
        except queue.Full:
            return  # the daemon thread ends with the process
        self._thread.join(timeout=self._timeout + 1)

    def _run(self) -> None:
        with httpx.Client(timeout=self._timeout) as client:
            while (item := self._queue.get()) is not None:
                kind, text = item
                try:
                    if self._closing.is_set():
                        self._drop(kind, "shutting down", reason="shutdown")
                    elif (problem := _post(client, self._url, text)) is not None:
                        self._drop(kind, problem, reason="send_failed")
                finally:
                    self._queue.task_done()
            self._queue.task_done()
