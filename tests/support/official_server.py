"""A fake Donghaeng Lottery server on 127.0.0.1, speaking the real formats over real HTTP.

Use the ``official_server`` fixture (``tests/conftest.py``), or start one yourself::

    with OfficialServer(shared_raw, latest=1200) as server:
        settings = Settings(lotto_api_url=server.url, ...)

Endpoints (all built from the mirror objects given, up to ``latest``):

- ``server.url`` — the current official JSON, ``GET ...?srchLtEpsd=N`` answers
  ``{"resultCode": null, "resultMessage": null, "data": {"list": [{...}]}}``, ``"list": []``
  for a draw after ``latest``.
- ``server.legacy_url`` — the legacy JSON, ``...&drwNo=N``; ``{"returnValue": "fail"}`` after
  ``latest``.
- ``server.mirror_url`` — the mirror JSON array of draws 1..``latest``.

Knobs (plain attributes, change them at any time):

- ``latest`` — the newest draw the server has "held".
- ``fault`` — one of :data:`FAULTS` or ``None``: ``"html"`` (200 with an HTML page),
  ``"not_json"`` (200 with plain text), ``"envelope"`` (200 with JSON in another shape),
  ``"forbidden"`` (403), ``"redirect"`` (302 to a login page), ``"server_error"`` (500),
  ``"slow"`` (waits ``delay`` seconds, then answers normally), ``"held"`` (waits until
  ``release`` is set, then answers normally; ``arrived`` is set when such a request comes).
- ``fault_draws`` — a set of draw numbers the fault applies to; empty means every request.
- ``fault_times`` — how many faulty replies to give before answering normally (``None``:
  always); ``fault="server_error", fault_times=2`` is "500 twice, then success".
- ``publish_later(draw_no, not_yet=k)`` — answer "not held yet" to the next ``k`` requests for
  ``draw_no``, then publish it (``latest`` becomes ``draw_no``): a draw published late.
- ``override(draw_no, **fields)`` — replace fields of one draw's official object, e.g.
  ``override(5, tm1WnNo=2)`` (a conflicting report) or ``override(5, tm2WnNo=46)`` (invalid),
  ``override(1200, winType1=0, winType2=0, winType3=0)`` (split not published yet).
  Lies a source can tell: ``override(1195, ltRflYmd="20251018")`` (dated like the draw before),
  ``override(1195, ltRflYmd="20990103")`` (dated in the future),
  ``override(1195, rnk1WnAmt=2**63)`` (a prize no database column holds).
- ``add_row(draw_no, **fields)`` — the official reply for ``draw_no`` also holds a second row for
  the same draw, with these fields changed (two different rows for one draw).
- ``tell_the_truth()`` — forget every override and added row.
- ``requests`` — the paths with query of every request received; ``draws_requested()`` the
  draw numbers asked of the official endpoints; ``headers`` the headers of the last request;
  ``max_in_flight`` the most requests it held back (``"slow"``, ``"held"``) at the same moment.
"""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

OFFICIAL_PATH = "/lt645/selectPstLt645Info.do"
LEGACY_PATH = "/common.do"
MIRROR_PATH = "/mirror/lotto645_draws.json"
LOGIN_PATH = "/login"
FAULTS = ("html", "not_json", "envelope", "forbidden", "redirect", "server_error", "slow", "held")


def official_item(raw: dict[str, Any]) -> dict[str, Any]:
    """One mirror object written as the current official interface writes a draw."""
    item: dict[str, Any] = {
        "ltEpsd": raw["draw_no"],
        "ltRflYmd": raw["date"][:10].replace("-", ""),
        "bnsWnNo": raw["bonus_no"],
        "wholEpsdSumNtslAmt": raw["total_sales_amount"],
    }
    for position, number in enumerate(raw["numbers"], start=1):
        item[f"tm{position}WnNo"] = number
    for rank, division in enumerate(raw["divisions"], start=1):
        winners, prize = division.get("winners", 0), division.get("prize", 0)
        item[f"rnk{rank}WnNope"] = winners
        item[f"rnk{rank}WnAmt"] = prize
        item[f"rnk{rank}SumWnAmt"] = winners * prize
    combination = raw["winners_combination"]
    item["winType1"] = combination.get("auto", 0)
    item["winType2"] = combination.get("manual", 0)
    item["winType3"] = combination.get("semi_auto", 0)
    return item


def legacy_item(raw: dict[str, Any]) -> dict[str, Any]:
    """One mirror object written as the legacy interface wrote a draw."""
    first = raw["divisions"][0]
    item: dict[str, Any] = {
        "returnValue": "success",
        "drwNo": raw["draw_no"],
        "drwNoDate": raw["date"][:10],
        "bnusNo": raw["bonus_no"],
        "firstWinamnt": first.get("prize", 0),
        "firstPrzwnerCo": first.get("winners", 0),
        "firstAccumamnt": first.get("prize", 0) * first.get("winners", 0),
        "totSellamnt": raw["total_sales_amount"],
    }
    for position, number in enumerate(raw["numbers"], start=1):
        item[f"drwtNo{position}"] = number
    return item


class OfficialServer:
    """The fake server; see the module docstring for its endpoints and knobs."""

    def __init__(self, raw_draws: list[dict[str, Any]], *, latest: int = 1200) -> None:
        self.raw = {item["draw_no"]: item for item in raw_draws}
        self.latest = latest
        self.fault: str | None = None
        self.fault_draws: set[int] = set()
        self.fault_times: int | None = None
        self.delay = 2.0
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.requests: list[str] = []
        self.headers: dict[str, str] = {}
        self.max_in_flight = 0
        self._in_flight = 0
        self._overrides: dict[int, dict[str, Any]] = {}
        self._extra_rows: dict[int, list[dict[str, Any]]] = {}
        self._not_yet: dict[int, int] = {}
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._http.daemon_threads = True
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        return self.base_url + OFFICIAL_PATH

    @property
    def legacy_url(self) -> str:
        return self.base_url + LEGACY_PATH + "?method=getLottoNumber"

    @property
    def mirror_url(self) -> str:
        return self.base_url + MIRROR_PATH

    def publish_later(self, draw_no: int, *, not_yet: int) -> None:
        """Answer "not held yet" to the next ``not_yet`` asks for ``draw_no``, then publish it."""
        with self._lock:
            self._not_yet[draw_no] = not_yet

    def is_published(self, draw_no: int) -> bool:
        """Whether ``draw_no`` is held as of this request (counting down late ones)."""
        with self._lock:
            remaining = self._not_yet.get(draw_no)
            if remaining is not None:
                if remaining > 0:
                    self._not_yet[draw_no] = remaining - 1
                    return False
                del self._not_yet[draw_no]
                self.latest = max(self.latest, draw_no)
            return 1 <= draw_no <= self.latest and draw_no in self.raw

    def override(self, draw_no: int, **fields: Any) -> None:
        """Serve these official fields for ``draw_no`` instead of the real ones."""
        self._overrides.setdefault(draw_no, {}).update(fields)

    def tell_the_truth(self) -> None:
        """Serve the real draws again."""
        self._overrides.clear()
        self._extra_rows.clear()

    def add_row(self, draw_no: int, **fields: Any) -> None:
        """Answer for ``draw_no`` with one more row for it: the real one with ``fields`` changed."""
        self._extra_rows.setdefault(draw_no, []).append(fields)

    def draws_requested(self) -> list[int]:
        """Draw numbers asked of the official and legacy endpoints, in arrival order."""
        numbers = []
        for request in list(self.requests):
            query = parse_qs(urlsplit(request).query)
            for key in ("srchLtEpsd", "drwNo"):
                if key in query:
                    numbers.append(int(query[key][0]))
        return numbers

    def start(self) -> "OfficialServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> "OfficialServer":
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def take_fault(self, draw_no: int | None) -> str | None:
        """The fault to apply to this request (counting it down), or ``None``."""
        with self._lock:
            if self.fault is None or (self.fault_draws and draw_no not in self.fault_draws):
                return None
            if self.fault_times is not None:
                if self.fault_times <= 0:
                    return None
                self.fault_times -= 1
            return self.fault

    def enter(self) -> None:
        """Count a request whose reply is held back."""
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def leave(self) -> None:
        """Count a held-back request released."""
        with self._lock:
            self._in_flight -= 1

    def official_reply(self, draw_no: int) -> dict[str, Any]:
        entries = []
        if self.is_published(draw_no):
            row = {**official_item(self.raw[draw_no]), **self._overrides.get(draw_no, {})}
            entries = [row] + [{**row, **extra} for extra in self._extra_rows.get(draw_no, [])]
        return {"resultCode": None, "resultMessage": None, "data": {"list": entries}}

    def legacy_reply(self, draw_no: int) -> dict[str, Any]:
        if not self.is_published(draw_no):
            return {"returnValue": "fail"}
        return {**legacy_item(self.raw[draw_no]), **self._overrides.get(draw_no, {})}

    def mirror_reply(self) -> list[dict[str, Any]]:
        return [self.raw[number] for number in sorted(self.raw) if number <= self.latest]


def _handler_for(server: OfficialServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: tests read ``server.requests`` instead."""

        def do_GET(self) -> None:
            server.requests.append(self.path)
            server.headers = dict(self.headers.items())
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query).items()}
            draw_text = query.get("srchLtEpsd") or query.get("drwNo")
            draw_no = int(draw_text) if draw_text and draw_text.isdigit() else None
            fault = server.take_fault(draw_no)
            if fault is not None and fault not in ("slow", "held"):
                self._fault(fault)
                return
            if fault in ("slow", "held"):
                # Counted while the reply is held back: once it is written, the client may send
                # its next request before this thread would get to count this one answered.
                server.enter()
                try:
                    self._hold(fault)
                finally:
                    server.leave()
            if parts.path == OFFICIAL_PATH and draw_no is not None:
                self._json(server.official_reply(draw_no))
            elif parts.path == LEGACY_PATH and draw_no is not None:
                self._json(server.legacy_reply(draw_no))
            elif parts.path == MIRROR_PATH:
                self._json(server.mirror_reply())
            else:
                self._send(404, "text/html", b"<html><title>404 Not Found</title></html>")

        def _hold(self, fault: str) -> None:
            if fault == "slow":
                time.sleep(server.delay)
            else:
                server.arrived.set()
                server.release.wait(30)

        def _fault(self, fault: str) -> None:
            if fault == "html":
                page = "<!DOCTYPE html><html><head><title>서비스 점검 안내</title></head></html>"
                self._send(200, "text/html; charset=UTF-8", page.encode())
            elif fault == "not_json":
                self._send(200, "application/json", b"Service temporarily unavailable")
            elif fault == "envelope":
                self._json({"returnCode": "0000", "result": {"items": []}})
            elif fault == "forbidden":
                self._send(403, "text/html", b"<html><title>403 Forbidden</title></html>")
            elif fault == "redirect":
                self.send_response(302)
                self.send_header("Location", server.base_url + LOGIN_PATH)
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif fault == "server_error":
                self._send(500, "text/html", b"<html><title>500 Internal Error</title></html>")
            else:
                raise ValueError(f"unknown fault {fault!r}; choose one of {FAULTS}")

        def _json(self, payload: object) -> None:
            body = json.dumps(payload, ensure_ascii=False).encode()
            self._send(200, "application/json;charset=UTF-8", body)

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may have given up waiting (the timeout tests do that on purpose).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

    return Handler
