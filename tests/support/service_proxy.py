"""A reverse proxy on 127.0.0.1 in front of a real JinLotto, to make it slow or broken on purpose.

Every request is forwarded to ``target`` (method, path, body, cookie) and the real answer sent
back, so the format is always the service's own. Knobs (plain attributes, change them at any
time):

- ``delay`` — seconds to wait before forwarding a request whose path is in ``delay_paths``
  (default ``{"/api/predict"}``): a slow service.
- ``bad_gateway`` — answer every request ``502 Bad Gateway`` as a load balancer does when the
  service behind it is gone.
- ``health_fields`` — fields merged into the JSON of ``/api/health``, to play a service version
  that reports more (``missing_recent``, ``latest_draw_date``, ``stale``).
- ``requests`` — the paths received, in order.
"""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx


class ServiceProxy:
    """Use as a context manager; ``url`` is the proxy's base URL."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.delay = 0.0
        self.delay_paths = {"/api/predict"}
        self.bad_gateway = False
        self.health_fields: dict[str, Any] = {}
        self.requests: list[str] = []
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"

    def __enter__(self) -> "ServiceProxy":
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)


def _handler_for(proxy: ServiceProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``proxy.requests``."""

        def do_GET(self) -> None:
            self._forward()

        def do_POST(self) -> None:
            self._forward()

        def _forward(self) -> None:
            proxy.requests.append(self.path)
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length) if length else b""
            if proxy.bad_gateway:
                self._send(502, "text/html", b"<html><title>502 Bad Gateway</title></html>")
                return
            if self.path in proxy.delay_paths and proxy.delay:
                time.sleep(proxy.delay)
            headers = {
                name: value
                for name, value in self.headers.items()
                if name.lower() in ("content-type", "cookie")
            }
            answer = httpx.request(
                self.command, proxy.target + self.path, content=body, headers=headers, timeout=60
            )
            content = answer.content
            if self.path == "/api/health" and proxy.health_fields:
                content = json.dumps({**answer.json(), **proxy.health_fields}).encode()
            self._send(answer.status_code, answer.headers.get("content-type", ""), content)

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The monitor may have stopped waiting (the timeout tests do that on purpose).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler
