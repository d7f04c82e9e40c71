"""Who is asking (client address, visitor) and the rate limits of the routes that cost most.

The client address is the TCP peer, unless the peer is one of ``TRUSTED_PROXIES``: then it is
the nearest address in ``X-Forwarded-For`` that is not a trusted proxy (what the proxy saw).
A visitor is counted by the ``jl_uid`` cookie only when it holds a key of the right form; a
request without one is counted by its address alone.
"""

from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any, Literal

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from jinlotto.api.deps import read_visitor
from jinlotto.api.state import ServiceState

RouteGroup = Literal["predict", "feedback", "scan", "admin"]


def client_address(request: Request, trusted: list[IPv4Network | IPv6Network]) -> str:
    """The address the request came from (see the module docstring)."""
    peer = request.client.host if request.client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop if _is_address(hop) else peer
    return peer


def _is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _is_trusted(text: str, trusted: list[IPv4Network | IPv6Network]) -> bool:
    try:
        address = ip_address(text)
    except ValueError:
        return False
    return any(address in network for network in trusted)


def _count(state: ServiceState, request: Request, group: RouteGroup) -> None:
    with state.limiter.together():  # one commit per request when counters live in the database
        _count_each(state, request, group)


def _count_each(state: ServiceState, request: Request, group: RouteGroup) -> None:
    settings = state.settings
    address = client_address(request, settings.trusted_proxies)
    visitor = read_visitor(request)
    limiter = state.limiter
    if group == "predict":
        limiter.hit(settings.rate_limit_predict_ip, "predict-ip", address)
        if visitor.is_new:  # each such request stores a new visitor's games
            limiter.hit(settings.rate_limit_new_visitor_ip, "new-visitor-ip", address)
        else:
            limiter.hit(settings.rate_limit_predict, "predict-visitor", visitor.key)
    elif group == "feedback":  # the per-visitor limit is counted with the messages
        limiter.hit(settings.rate_limit_feedback_ip, "feedback-ip", address)
    elif group == "scan":
        limiter.hit(settings.rate_limit_scan_ip, "scan-ip", address)
        if not visitor.is_new:
            limiter.hit(settings.rate_limit_scan, "scan-visitor", visitor.key)
    else:
        limiter.hit(settings.rate_limit_admin_ip, "admin-ip", address)


def rate_limited(group: RouteGroup) -> Any:
    """A route dependency counting the request against ``group``'s limits (429 when over)."""

    async def check(request: Request) -> None:
        state: ServiceState = request.app.state.service
        if state.limiter.enabled:  # counting may wait on storage, so it runs in a thread
            await run_in_threadpool(_count, state, request, group)

    return Depends(check)
