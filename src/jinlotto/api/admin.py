"""The admin routes' guard: checked before the request body is read or validated.

The admin routes exist only while ``ADMIN_TOKEN`` is set (``create_app`` leaves them out
otherwise, so they answer 404 like any unknown path, whatever the body). Every admin request
counts against the client address's admin limit; each refused token is logged (never the
token) and counted, and an address past ``RATE_LIMIT_ADMIN_FAILURES_IP`` gets 429 until its
window ends, even with the right token.
"""

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from jinlotto.api.deps import bearer_matches
from jinlotto.api.limits import client_address
from jinlotto.api.state import ServiceState
from jinlotto.errors import AuthenticationError

logger = logging.getLogger(__name__)


def check_admin(state: ServiceState, request: Request) -> None:
    """Pass a request bearing ``ADMIN_TOKEN``; 401 or 429 otherwise (see the module docstring)."""
    settings = state.settings
    address = client_address(request, settings.trusted_proxies)
    state.limiter.hit(settings.rate_limit_admin_ip, "admin-ip", address)
    state.limiter.check(settings.rate_limit_admin_failures_ip, "admin-failures-ip", address)
    assert settings.admin_token is not None  # the admin routes exist only with a token
    if bearer_matches(request, settings.admin_token):
        return
    logger.warning("admin token refused: %s %s from %s", request.method, request.url.path, address)
    state.limiter.hit(settings.rate_limit_admin_failures_ip, "admin-failures-ip", address)
    raise AuthenticationError("admin endpoints need 'Authorization: Bearer <ADMIN_TOKEN>'")


class AdminRoute(APIRoute):
    """A route that runs :func:`check_admin` before FastAPI reads and validates the body."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            await run_in_threadpool(check_admin, request.app.state.service, request)
            return await handler(request)

        return guarded
