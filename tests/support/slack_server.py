"""A Slack incoming-webhook stand-in on 127.0.0.1: records each JSON body, answers ``ok``.

Knobs (plain attributes, change them at any time):

- ``status`` — the HTTP status of the replies (Slack answers 200 ``ok``; 500 is an outage).
- ``delay`` — seconds to wait before answering (a slow Slack; a large value is a hanging one).
  Waiting requests are let go when the server stops.

``wait_for(count, timeout)`` blocks until ``count`` messages arrived (no polling sleeps).
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class SlackServer:
    """Use as a context manager; ``url`` is the webhook URL, ``messages`` the bodies received."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.status = 200
        self.delay = 0.0
        self._arrived = threading.Condition()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length))
                with server._arrived:
                    server.messages.append(body)
                    server._arrived.notify_all()
                if server.delay > 0:
                    server._stopping.wait(server.delay)
                reply = b"ok" if server.status == 200 else b"error"
                try:
                    self.send_response(server.status)
                    self.send_header("content-type", "text/plain")
                    self.send_header("content-length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as a timeout test wants it to

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/services/T000/B000/XXXX"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def texts(self) -> list[str]:
        """The ``text`` of every message received."""
        with self._arrived:
            return [message["text"] for message in self.messages]

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        """Whether at least ``count`` messages arrived within ``timeout`` seconds."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.messages) >= count, timeout)

    def __enter__(self) -> "SlackServer":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
