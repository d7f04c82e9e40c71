"""Every error leaves the API as ``{"error": message, "detail": ...}`` with a fitting status."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jinlotto.db.gate import CONNECTION_FAILURES, UNAVAILABLE_MESSAGE
from jinlotto.errors import DatabaseUnavailableError, JinlottoError
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


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    response = error_response(error.status_code, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


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
