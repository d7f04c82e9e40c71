"""Dependencies shared by the routes, as ``Annotated`` aliases."""

import hmac
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from pydantic import SecretStr
from sqlalchemy.orm import Session

from jinlotto.api.state import ServiceState
from jinlotto.config import Settings
from jinlotto.db.database import Database

VISITOR_COOKIE = "jl_uid"
VISITOR_KEY_BYTES = 24  # 192 bits, written as 32 URL-safe characters
_VISITOR_KEY = re.compile(r"[A-Za-z0-9_-]{32}")
COOKIE_MAX_AGE = 365 * 24 * 3600


async def get_state(request: Request) -> ServiceState:
    """What the lifespan built for this application."""
    state: ServiceState = request.app.state.service
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


async def get_settings(state: StateDep) -> Settings:
    """The application's settings."""
    return state.settings


async def get_database(state: StateDep) -> Database:
    """The application's database handle."""
    return state.database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A read session for one request (writes use ``Database.transaction`` in the service)."""
    with database.sessions() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]


@dataclass(frozen=True, slots=True)
class Visitor:
    """The visitor's opaque key, and whether it was minted for this request."""

    key: str
    is_new: bool


def read_visitor(request: Request) -> Visitor:
    """The visitor from the ``jl_uid`` cookie; a missing or malformed one gets a new key.

    The key is only ever compared as a bound query parameter, never put into a path or SQL text.
    """
    current = request.cookies.get(VISITOR_COOKIE, "")
    if _VISITOR_KEY.fullmatch(current):
        return Visitor(current, is_new=False)
    return Visitor(secrets.token_urlsafe(VISITOR_KEY_BYTES), is_new=True)


def set_visitor_cookie(response: Response, visitor: Visitor, settings: Settings) -> None:
    """Send a newly minted key back: HttpOnly, SameSite=Lax, Secure when configured, one year."""
    if not visitor.is_new:
        return
    response.set_cookie(
        VISITOR_COOKIE,
        visitor.key,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
    )


async def get_visitor(request: Request, response: Response, settings: SettingsDep) -> Visitor:
    """The visitor (see :func:`read_visitor`), its cookie set on the response when new."""
    visitor = read_visitor(request)
    set_visitor_cookie(response, visitor, settings)
    return visitor


VisitorDep = Annotated[Visitor, Depends(get_visitor)]


def bearer_matches(request: Request, secret: SecretStr) -> bool:
    """Whether the request's ``Authorization: Bearer`` token is ``secret`` (constant time)."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    expected = secret.get_secret_value().encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)
