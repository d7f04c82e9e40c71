"""Every error leaves the API as ``{"error": message, "detail": ...}`` with a fitting status."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jinlotto.db.gate import CONNECTION_FAILURES, UNAVAILABLE_MESSAGE
from jinlotto.errors import DatabaseUnavailableError, JinlottoError, RateLimitedError
from jinlotto.services.notify import error_origin

logger = logging.getLogger(__name__)


def error_response(status: int, message: str, detail: object = None) -> JSONResponse:
    """The one JSON error shape."""
    return JSONResponse(status_code=status, content={"error": message, "detail": detail})


# Seconds a client is asked to wait before retrying when the database is not answering.
RETRY_AFTER_SECONDS = 2


async def _domain_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, JinlottoError)
    response = error_response(error.http_status, error.message, error.detail)
    if isinstance(error, DatabaseUnavailableError):
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    elif isinstance(error, RateLimitedError):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = [_problem(item) for item in error.errors()]
    first = problems[0] if problems else {"location": "", "message": "invalid request"}
    message = f"invalid request: {first['location']}: {first['message']}".replace(": : ", ": ")
    return error_response(422, message, problems)


def _problem(item: dict[str, Any]) -> dict[str, str]:
    # Only where and what: echoing the input back could reflect a hostile 10 kB value.
    location = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
    return {"location": location, "message": str(item.get("msg", "invalid value"))[:200]}


async def _http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    if error.status_code == 413:
        return _too_large(request.scope.get(MAX_BODY_SIZE_SCOPE_KEY))
    response = error_response(error.status_code, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


def _too_large(limit: int | None) -> JSONResponse:
    """The body passed the route's ``max_body_size`` (checked while it streams in)."""
    size = "the allowed size" if limit is None else _size(limit)
    return error_response(
        413, f"the request body is larger than {size}", {"reason": "too_large", "limit": limit}
    )


def _size(count: int) -> str:
    return f"{count // 2**20} MB" if count >= 2**20 else f"{count // 1024} kB"


class TooLargeAsJsonMiddleware:
    """Starlette answers a declared ``Content-Length`` over the limit with a plain-text 413 of
    its own, outside the handlers; this gives that answer the JSON error shape too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_as_json(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and _plain_413(message):
                replaced = True
                response = _too_large(scope.get(MAX_BODY_SIZE_SCOPE_KEY))
                await response(scope, receive, send)
            elif not replaced:
                await send(message)

        await self.app(scope, receive, send_as_json)


def _plain_413(message: Message) -> bool:
    content_type = Headers(raw=message.get("headers", [])).get("content-type", "")
    return message["status"] == 413 and content_type.startswith("text/plain")


async def _database_error(_: Request, error: Exception) -> JSONResponse:
    logger.error("database unavailable: %s", type(error).__name__)
    response = error_response(503, UNAVAILABLE_MESSAGE)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    _alert(request, error)
    return error_response(500, "internal error")


def _alert(request: Request, error: Exception) -> None:
    """Tell Slack, at most once per cause (the exception type and where it was raised)."""
    state = getattr(request.app.state, "service", None)
    if state is None:
        return
    where = error_origin(error)
    route = getattr(request.scope.get("route"), "path", request.url.path)
    state.notifier.notify_once_per_cause(
        f"{type(error).__name__}@{where}",
        "unhandled_error",
        method=request.method,
        path=route,
        error=f"{type(error).__name__}: {str(error)[:200]}",
        where=where,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on an application."""
    app.add_exception_handler(JinlottoError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for failure in CONNECTION_FAILURES:
        app.add_exception_handler(failure, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
