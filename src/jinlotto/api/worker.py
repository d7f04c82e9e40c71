"""The gunicorn worker class, in a module of its own: only gunicorn imports it (uvicorn warns
that its worker module is deprecated on import)."""

from typing import Any

from uvicorn.workers import UvicornWorker

from jinlotto.api.server import uvicorn_protocol
from jinlotto.config import get_settings


class Worker(UvicornWorker):
    """Gunicorn worker with the parser of :func:`uvicorn_protocol` (the header cap); gunicorn's
    own limit_request_* settings do not apply, since uvicorn, not gunicorn, parses requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.CONFIG_KWARGS = {"loop": "auto", **uvicorn_protocol(get_settings().max_header_bytes)}
        super().__init__(*args, **kwargs)
