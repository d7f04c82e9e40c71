"""Data summary (public) and data administration (bearer token, see :mod:`jinlotto.api.admin`)."""

import json
from datetime import timedelta
from pathlib import Path as FilePath
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import Field, ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jinlotto.api.admin import AdminRoute
from jinlotto.api.deps import DatabaseDep, SettingsDep
from jinlotto.api.openapi import error_responses
from jinlotto.api.schemas import Strict, Text
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.errors import AlreadyRunningError, FileFormatError
from jinlotto.services import draws, jobs

router = APIRouter(prefix="/api/data", tags=["data"])
admin_router = APIRouter(
    prefix="/api/data", tags=["data"], route_class=AdminRoute, responses=error_responses(401)
)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the file
# One fetch from the official source at a time (a full collection makes ~1,240 requests); the
# lock expires by itself should its process die while holding it.
SYNC_JOB = "admin-draw-sync"
SYNC_TTL = timedelta(hours=2)


class SyncOptions(Strict):
    source: Literal["official", "mirror"] = "official"
    to: int | None = Field(default=None, ge=1, le=100_000)


@router.get("/summary")
def summary(database: DatabaseDep) -> dict[str, Any]:
    """How many draws are stored, the newest one, and any gaps."""
    return draws.status(database).to_dict()


@admin_router.post("/collect", responses=error_responses(409, 502))
def collect(
    database: DatabaseDep, settings: SettingsDep, options: SyncOptions | None = None
) -> dict[str, Any]:
    """Admin: fetch every draw from draw 1 (fills gaps and unknowns, reports conflicts)."""
    return _update(database, settings, options, full=True)


@admin_router.post("/update", responses=error_responses(409, 502))
def update(
    database: DatabaseDep, settings: SettingsDep, options: SyncOptions | None = None
) -> dict[str, Any]:
    """Admin: fetch the draws after the newest stored one."""
    return _update(database, settings, options, full=False)


def _update(
    database: Database, settings: Settings, options: SyncOptions | None, *, full: bool
) -> dict[str, Any]:
    options = options or SyncOptions()
    if not jobs.try_acquire(database, SYNC_JOB, ttl=SYNC_TTL):
        raise AlreadyRunningError("a draw collection or update is running; try again when it ends")
    try:
        report = draws.update(database, settings, source=options.source, to=options.to, full=full)
    finally:
        jobs.release(database, SYNC_JOB)
    return report.to_dict()


SYNC_DB_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"path": {"type": "string", "minLength": 1, "maxLength": 4096}},
                    "required": ["path"],
                    "additionalProperties": False,
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


class ServerFile(Strict):
    path: Text = Field(min_length=1, max_length=4096)


@admin_router.post(
    "/sync-db",
    max_body_size=MAX_UPLOAD_BYTES + _MULTIPART_OVERHEAD,
    responses=error_responses(409),
    openapi_extra=SYNC_DB_BODY,
)
async def sync_db(request: Request, database: DatabaseDep) -> dict[str, Any]:
    """Admin: import a draw file: JSON ``{"path": ...}`` on the server, or an uploaded file."""
    content_type = request.headers.get("content-type", "")
    content: bytes | None
    if content_type.startswith("multipart/form-data"):
        content, name = await _uploaded(request)
    else:
        content, name = await _body(request)
    report = await run_in_threadpool(_import, database, content, name)
    return report.to_dict()


def _import(database: Database, content: bytes | None, name: str) -> draws.ImportReport:
    with database.transaction() as session:
        if content is None:
            return _import_server_file(session, FilePath(name))
        return draws.import_bytes(session, content, name=name)


def _import_server_file(session: Session, path: FilePath) -> draws.ImportReport:
    try:
        return draws.import_file(session, path)
    except FileFormatError as error:
        if isinstance(error.__cause__, OSError):
            raise  # cannot be read: says why, shows nothing of the file
        # A readable file that is not a draw file may hold anything (/proc/self/environ):
        # what the parser would quote from it must not reach the caller.
        raise FileFormatError(
            f"{path} is not a draw file (JSON or CSV of draws)", detail={"reason": "not_draws"}
        ) from None


async def _uploaded(request: Request) -> tuple[bytes, str]:
    form = await request.form(max_files=1, max_fields=0, max_part_size=MAX_UPLOAD_BYTES)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise FileFormatError("send the draw file in a form field named 'file'")
    return await upload.read(), upload.filename or "upload"


async def _body(request: Request) -> tuple[bytes | None, str]:
    """``{"path": ...}`` names a server file; any other body is the file's content itself."""
    content = await request.body()  # the route's max_body_size refuses more while it streams
    if request.headers.get("content-type", "").startswith("application/json"):
        path = _path_field(content)
        if path is not None:
            return None, path
    if not content:
        raise FileFormatError('send a file path as {"path": ...} or the file\'s content')
    return content, "upload"


def _path_field(content: bytes) -> str | None:
    try:
        decoded = json.loads(content)
    except ValueError:
        return None
    if not isinstance(decoded, dict) or set(decoded) != {"path"}:
        return None
    try:
        return ServerFile.model_validate(decoded).path
    except ValidationError as error:
        raise RequestValidationError(error.errors()) from None
