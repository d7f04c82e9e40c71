"""Data summary (public) and data administration (bearer token)."""

import json
from pathlib import Path as FilePath
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from jinlotto.api.deps import AdminDep, DatabaseDep, SettingsDep
from jinlotto.api.schemas import Strict
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.errors import FileFormatError
from jinlotto.services import draws

router = APIRouter(prefix="/api/data", tags=["data"])
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class SyncOptions(Strict):
    source: Literal["official", "mirror"] = "official"
    to: int | None = Field(default=None, ge=1, le=100_000)


@router.get("/summary")
def summary(database: DatabaseDep) -> dict[str, Any]:
    """How many draws are stored, the newest one, and any gaps."""
    return draws.status(database).to_dict()


@router.post("/collect", dependencies=[AdminDep])
def collect(
    database: DatabaseDep, settings: SettingsDep, options: SyncOptions | None = None
) -> dict[str, Any]:
    """Admin: fetch every draw from draw 1 (fills gaps and unknowns, reports conflicts)."""
    return _update(database, settings, options, full=True)


@router.post("/update", dependencies=[AdminDep])
def update(
    database: DatabaseDep, settings: SettingsDep, options: SyncOptions | None = None
) -> dict[str, Any]:
    """Admin: fetch the draws after the newest stored one."""
    return _update(database, settings, options, full=False)


def _update(
    database: Database, settings: Settings, options: SyncOptions | None, *, full: bool
) -> dict[str, Any]:
    options = options or SyncOptions()
    report = draws.update(database, settings, source=options.source, to=options.to, full=full)
    return report.to_dict()


@router.post("/sync-db", dependencies=[AdminDep])
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
            return draws.import_file(session, FilePath(name))
        return draws.import_bytes(session, content, name=name)


async def _uploaded(request: Request) -> tuple[bytes, str]:
    form = await request.form(max_files=1, max_fields=0, max_part_size=MAX_UPLOAD_BYTES)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        raise FileFormatError("send the draw file in a form field named 'file'")
    return await upload.read(), upload.filename or "upload"


async def _body(request: Request) -> tuple[bytes | None, str]:
    """``{"path": ...}`` names a server file; any other body is the file's content itself."""
    content = await _read_limited(request)
    if request.headers.get("content-type", "").startswith("application/json"):
        path = _path_field(content)
        if path is not None:
            return None, path
    if not content:
        raise FileFormatError('send a file path as {"path": ...} or the file\'s content')
    return content, "upload"


async def _read_limited(request: Request) -> bytes:
    """The body, refused as soon as it passes ``MAX_UPLOAD_BYTES`` (never held whole first)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_UPLOAD_BYTES:
            raise FileFormatError("the upload is larger than 20 MB")
        chunks.append(chunk)
    return b"".join(chunks)


def _path_field(content: bytes) -> str | None:
    try:
        decoded = json.loads(content)
    except ValueError:
        return None
    if isinstance(decoded, dict) and set(decoded) == {"path"} and isinstance(decoded["path"], str):
        return str(decoded["path"])
    return None
